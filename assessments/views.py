"""The student's test pages (challenge, timed start, checkpoint) and his profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from learning_content.repository import get_content

from . import retries, services
from .display import (
    answer_from_form,
    attachment_file,
    attachment_links,
    shuffled_proposals,
    typed_values,
)
from .models import Answer, Assessment
from .selectors import checkpoint_page, profile_from_knowledge, profile_with_actions, started_competence_ids

CHECKPOINT_EVERY = 5


def _own_assessment(request, assessment_id) -> Assessment:
    return get_object_or_404(Assessment, pk=assessment_id, user=request.user)


@login_required
def challenge(request, assessment_id):
    now = timezone.now()
    if request.method == "POST":
        return _answer(request, assessment_id, now)
    # Closed (an archived campaign): its end page, which says why, rather than a question.
    assessment = get_object_or_404(Assessment.objects.with_closure(), pk=assessment_id, user=request.user)
    if assessment.is_completed or assessment.is_closed:
        return redirect(assessment.end_path)
    current = services.assessment_current_challenge(assessment, now=now)
    if current is None:
        return redirect("assessments:checkpoint", assessment.pk)
    return _render_challenge(request, assessment, current)


def _render_challenge(request, assessment, current, *, error=None, typed=None, status=200):
    """The question's page; after an answer sent by htmx, the question alone (swap.html)."""
    answered = services.answered_count(assessment)
    context = {
        "assessment": assessment, "challenge": current, "error": error,
        "typed": typed_values(current, typed),
        "proposals": shuffled_proposals(current, assessment_id=assessment.pk),
        "attachments": attachment_links(current, assessment_id=assessment.pk),
        "position": answered % CHECKPOINT_EVERY + 1, "block_size": CHECKPOINT_EVERY,
    }
    screen = "timed_intro" if current.is_timed and assessment.current_challenge_started_at is None else "challenge"
    if current.is_timed and screen == "challenge":
        elapsed = (timezone.now() - assessment.current_challenge_started_at).total_seconds()
        context["remaining_seconds"] = max(int(current.timer - elapsed), 0)
    if request.htmx and request.method == "POST":
        context |= {"title_template": f"assessments/{screen}_title.html",
                    "body_template": f"assessments/{screen}_body.html"}
        return render(request, "assessments/swap.html", context, status=status)
    return render(request, f"assessments/{screen}.html", context, status=status)


def _go(request, url):
    """A redirect; for htmx, a full page load of `url` (the checkpoint, a message to show)."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _answer(request, assessment_id, now):
    """The answer loop's POST. Without JavaScript, a redirect to the next screen; with htmx, the
    next question itself: one request per answer."""
    content = get_content()
    challenge_id = request.POST.get("challenge_id", "")
    current = content.challenges.get(challenge_id)
    here = reverse("assessments:challenge", args=[assessment_id])
    if current is None:
        _own_assessment(request, assessment_id)
        return _go(request, here)
    skipped = request.POST.get("action") == "skip"
    value = None if skipped else answer_from_form(current, request.POST)
    try:
        outcome = services.answer_save(assessment_id=assessment_id, user=request.user, challenge_id=challenge_id,
                                       value=value, skipped=skipped, now=now)
    except Assessment.DoesNotExist:
        raise Http404 from None
    except services.AnswerError as error:
        return _answer_refused(request, assessment_id, current, value, error)
    return _answered(request, content, outcome, here)


def _answered(request, content, outcome, here):
    if outcome.replayed:
        # The back button or a second tab: the pupil goes on with the question he is asked.
        messages.info(request, _("Cette question a déjà reçu une réponse."))
        return _go(request, here)
    if outcome.completed or outcome.answered_count % CHECKPOINT_EVERY == 0:
        return _go(request, reverse("assessments:checkpoint", args=[outcome.assessment.pk]))
    if request.htmx:
        following = content.challenges[outcome.assessment.current_challenge_id]
        return _render_challenge(request, outcome.assessment, following)
    return redirect(here)


def _answer_refused(request, assessment_id, current, value, error):
    if error.code == "EMPTY":
        assessment = _own_assessment(request, assessment_id)
        return _render_challenge(request, assessment, current, error=_empty_message(current), typed=value, status=422)
    if error.code == "NOT_ASKED":
        messages.info(request, error.message)
    return _go(request, reverse("assessments:challenge", args=[assessment_id]))


def _empty_message(current):
    """Pix's hint for each kind of question."""
    if current.type == "QCU":
        return _("Pour valider, sélectionnez une réponse. Sinon, passez.")
    if current.type == "QCM":
        return _("Pour valider, sélectionnez au moins une réponse. Sinon, passez.")
    if current.type == "QROC":
        return _("Pour valider, veuillez remplir le champ texte. Sinon, passez.")
    return _("Pour valider, veuillez remplir tous les champs réponse. Sinon, passez.")


@login_required
def attachment(request, assessment_id, filename):
    """The file of the question being asked, to the pupil it is asked to only: before, it
    would show the question's data ahead of time; after, the test has moved on. A file of
    another question, another pupil or a finished test is a 404."""
    assessment = _own_assessment(request, assessment_id)
    file = attachment_file(get_content().challenges.get(assessment.current_challenge_id), filename)
    if file is None:
        raise Http404
    content, content_type = file
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def start_timer(request, assessment_id):
    """"Commencer l'épreuve"; with htmx, the question comes back in the response."""
    assessment = get_object_or_404(Assessment.objects.with_closure(), pk=assessment_id, user=request.user)
    started = services.assessment_start_timer(
        assessment=assessment, challenge_id=request.POST.get("challenge_id", ""), now=timezone.now()
    )
    current = get_content().challenges.get(assessment.current_challenge_id)
    if request.htmx and started and current is not None and not assessment.is_closed:
        # The question itself, its clock started: no redirect and no page around it.
        return _render_challenge(request, assessment, current)
    return _go(request, reverse("assessments:challenge", args=[assessment.pk]))


@login_required
def checkpoint(request, assessment_id):
    """"Avancement": the last answers with the right ones and the skills' tutorials."""
    assessment = _own_assessment(request, assessment_id)
    page = checkpoint_page(get_content(), assessment, block_size=CHECKPOINT_EVERY)
    if page is None:
        return redirect("assessments:challenge", assessment.pk)
    return render(request, "assessments/checkpoint.html", {"assessment": assessment, "ok": Answer.Result.OK, **page})


@login_required
def profile(request):
    """"Compétences": the 16 competences, their level, and the Pix score."""
    data = profile_with_actions(
        get_content(), services.user_knowledge_elements(request.user.pk),
        started_ids=started_competence_ids(request.user), now=timezone.now(),
        max_level=settings.MAX_REACHABLE_LEVEL,
    )
    return render(request, "assessments/profile.html", {"profile": data})


@login_required
@require_POST
def competence_evaluate(request, competence_id):
    """Evaluate one competence outside any campaign; it feeds the profile. Only when the test
    would ask something: otherwise it would end at once."""
    content = get_content()
    if competence_id not in content.competences:
        return redirect("assessments:profile")
    assessment, action = services.competence_evaluation_open(
        content=content, user=request.user, competence_id=competence_id,
        end_path=reverse("assessments:competence_result", args=[competence_id]), now=timezone.now(),
    )
    if assessment is None:
        messages.info(request, _nothing_to_ask(action))
        return redirect("assessments:profile")
    return redirect(assessment)


def _nothing_to_ask(action):
    if action.kind == retries.WAIT:
        return ngettext(
            "Aucune question ne peut encore vous être reposée : "
            "vous pourrez retenter cette compétence dans %(days)s jour.",
            "Aucune question ne peut encore vous être reposée : "
            "vous pourrez retenter cette compétence dans %(days)s jours.",
            action.days,
        ) % {"days": action.days}
    return _("Toutes les questions de cette compétence vous ont déjà été posées.")


@login_required
def competence_result(request, competence_id):
    content = get_content()
    competence = content.competences.get(competence_id)
    if competence is None:
        return redirect("assessments:profile")
    knowledge = services.user_knowledge_elements(request.user.pk)
    data = profile_from_knowledge(content, knowledge, max_level=settings.MAX_REACHABLE_LEVEL)
    return render(request, "assessments/competence_result.html", {
        "competence": competence, "score": data["scores"][competence_id], "profile": data,
        "action": retries.competence_action(
            content, knowledge, competence_id=competence_id,
            started=competence_id in started_competence_ids(request.user), now=timezone.now(),
        ),
    })
