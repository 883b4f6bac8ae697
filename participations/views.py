import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.codes import CODE_PATTERN, normalize_code
from campaigns.models import Campaign
from lib import throttle
from organizations.learners import LearnerError, learner_link, learner_match, learner_resolve
from organizations.models import OrganizationLearner

from . import selectors, services
from .forms import CodeForm, ExternalIdForm, IdentityForm

logger = logging.getLogger(__name__)
WRONG_CODE = _("Votre code est erroné, veuillez vérifier ou contacter l'organisateur.")


def _campaign(code):
    if not CODE_PATTERN.match(normalize_code(code)):
        return None
    return (
        Campaign.objects.filter(code=normalize_code(code), deleted_at__isnull=True)
        .select_related("organization").first()
    )


def _oups(request, campaign=None, status=403, reason=None):
    context = {"campaign": campaign, "reason": reason}
    return render(request, "participations/oups.html", context, status=status)


def code_entry(request):
    """"J'ai un code"."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.session.session_key:
            request.session.save()
        if throttle.is_blocked(request):
            logger.warning("campaign code guessing throttled for %s", request.META.get("REMOTE_ADDR"))
            form.add_error("code", _("Trop de codes erronés. Patientez une minute avant de réessayer."))
            return render(request, "participations/code_entry.html", {"form": form}, status=429)
        code = normalize_code(form.cleaned_data["code"])
        campaign = _campaign(code) if CODE_PATTERN.match(code) else None
        if campaign is None:
            throttle.record_wrong_code(request)
            form.add_error("code", WRONG_CODE)
        else:
            return redirect("participations:entry", campaign.code)
    return render(request, "participations/code_entry.html", {"form": form})


def campaign_entry(request, code):
    """The direct link /campagnes/<CODE>: resume a participation, or present the campaign."""
    campaign = _campaign(code)
    if campaign is None:
        return _oups(request, status=404)
    participation = services.current_participation(campaign, request.user) if request.user.is_authenticated else None
    if participation is not None and participation.deleted_at is None:
        return redirect(_next_step(participation))
    if not campaign.is_accessible:
        return _oups(request, campaign)
    if code != campaign.code:
        return redirect("participations:entry", campaign.code)
    return render(request, "participations/landing.html", {
        "campaign": campaign, "login_next": reverse("participations:entry", args=[campaign.code]),
    })


def campaign_entry_with_slash(request, code):
    """/campagnes/CODE/, as a link is often typed or copied: the direct link has one address."""
    code = normalize_code(code)
    if not CODE_PATTERN.match(code):
        raise Http404
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(reverse("participations:entry", args=[code]) + (f"?{query}" if query else ""))


def _next_step(participation) -> str:
    campaign = participation.campaign
    if not campaign.is_assessment:
        return reverse("participations:send_profile", args=[campaign.code])
    # Archived while under way: the end page says so, rather than a question.
    under_way = participation.status == participation.Status.STARTED and participation.assessment_id
    if under_way and campaign.is_accessible:
        return participation.assessment.get_absolute_url()
    return reverse("participations:results", args=[campaign.code])


@login_required
@require_POST
def campaign_start(request, code):
    """"Je commence" / "C'est parti !"."""
    campaign = _campaign(code)
    if campaign is None:
        return _oups(request, status=404)
    return _continue(request, campaign)


def _continue(request, campaign):
    """After "Je commence": identify the pupil in his school's base, ask for the identifier
    the organizer wants, then join. Without an identifier to ask, the join itself finds the
    pupil or refuses (NOT_RECONCILED: "Rejoignez l'organisation"), in fewer statements."""
    if campaign.external_id_label and services.current_participation(campaign, request.user) is None:
        if campaign.organization.is_managing_students and not learner_resolve(
            organization=campaign.organization, user=request.user
        ):
            return redirect("participations:identify", campaign.code)
        return redirect("participations:external_id", campaign.code)
    return _join(request, campaign)


def _join(request, campaign, external_id=""):
    try:
        participation = services.participation_join(
            campaign=campaign, user=request.user, external_id=external_id, now=timezone.now()
        )
    except services.ParticipationError as error:
        if error.code in {"CAMPAIGN_NOT_ACCESSIBLE", "LEARNER_DISABLED"}:
            return _oups(request, campaign)
        if error.code == "NOT_RECONCILED":
            return redirect("participations:identify", campaign.code)
        messages.error(request, error.message)
        return redirect("participations:entry", campaign.code)
    return redirect(_next_step(participation))


@login_required
def external_id(request, code):
    """"Avant de commencer": the identifier the organizer asks for."""
    campaign = _campaign(code)
    if campaign is None or not campaign.external_id_label:
        return _oups(request, campaign, status=404)
    form = ExternalIdForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            value = services.check_external_id(campaign, form.cleaned_data["external_id"])
        except services.ParticipationError as error:
            form.add_error("external_id", error.message)
        else:
            return _join(request, campaign, value)
    return render(request, "participations/external_id.html", {"campaign": campaign, "form": form})


RECONCILIATION_KEY = "reconciliation"


def _learner_found(request, campaign, form):
    """The pupil of the school's base the form names, or None with the refusal on the form (and
    counted against guessing)."""
    try:
        learner = learner_match(organization=campaign.organization, user=request.user, **form.cleaned_data)
    except LearnerError as error:
        throttle.record_wrong_code(request, throttle.IDENTITIES)
        logger.info("identification refused (%s) for user %s in campaign %s", error.code, request.user.pk, campaign.pk)
        form.add_error(None, error.message)
        return None
    try:
        # Before the account is linked: a pupil of another class leaves nothing behind.
        services.check_division(campaign, learner)
    except services.ParticipationError as error:
        form.add_error(None, error.message)
        return None
    return learner


@login_required
def identify(request, code):
    """"Rejoignez l'organisation": the pupil says who he is (Prénom, Nom, Date de naissance)
    and is found in his school's base (§10.6)."""
    campaign = _campaign(code)
    if campaign is None or not campaign.organization.is_managing_students:
        return _oups(request, campaign, status=404)
    if not campaign.is_accessible:
        return _oups(request, campaign)
    form = IdentityForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttle.is_blocked(request, throttle.IDENTITIES):
            logger.warning("identity guessing throttled for user %s", request.user.pk)
            form.add_error(None, _("Trop de tentatives. Patientez une minute avant de réessayer."))
            status = 429
        elif (learner := _learner_found(request, campaign, form)) is not None:
            request.session[RECONCILIATION_KEY] = {"campaign": campaign.pk, "learner": learner.pk}
            return redirect("participations:associate", campaign.code)
    return render(request, "participations/identify.html", {"campaign": campaign, "form": form}, status=status)


@login_required
def associate(request, code):
    """"Associer": the account becomes the pupil found, after he has seen whose it is."""
    campaign = _campaign(code)
    pending = request.session.get(RECONCILIATION_KEY) or {}
    if campaign is None or pending.get("campaign") != campaign.pk:
        return redirect("participations:entry", code)
    learner = OrganizationLearner.objects.active().filter(
        pk=pending.get("learner"), organization=campaign.organization
    ).first()
    if learner is None:
        return redirect("participations:identify", campaign.code)
    if request.method == "POST":
        del request.session[RECONCILIATION_KEY]
        try:
            learner_link(learner=learner, user=request.user)
        except LearnerError as error:
            messages.error(request, error.message)
            return redirect("participations:identify", campaign.code)
        return _continue(request, campaign)
    return render(request, "participations/associate.html", {"campaign": campaign, "learner": learner})


def _own_participation(request, code):
    campaign = _campaign(code)
    participation = services.current_participation(campaign, request.user) if campaign else None
    if participation is None or participation.deleted_at is not None:
        return campaign, None
    participation.campaign = campaign
    return campaign, participation


@login_required
def results(request, code):
    """End of an evaluation: mastery, stars, competences, "J'envoie mes résultats"."""
    campaign, participation = _own_participation(request, code)
    if participation is None or not campaign.is_assessment:
        return redirect("participations:entry", code)
    if participation.status == participation.Status.STARTED and not campaign.is_accessible:
        return _oups(request, campaign, reason=services.DISABLED)
    if participation.status == participation.Status.STARTED:
        return redirect(_next_step(participation))
    if request.method == "POST":
        try:
            services.participation_share(participation=participation, user=request.user, now=timezone.now())
        except services.ParticipationError as error:
            messages.error(request, error.message)
        return redirect("participations:results", campaign.code)
    return render(request, "participations/results.html", {
        "campaign": campaign, "participation": participation,
        "results": selectors.evaluation_results(participation),
        **selectors.next_tries(participation, now=timezone.now()),
    })


@login_required
@require_POST
def improve(request, code):
    """"Je retente"."""
    campaign, participation = _own_participation(request, code)
    if participation is None:
        return redirect("participations:entry", code)
    try:
        participation = services.participation_improve(
            participation=participation, user=request.user, now=timezone.now()
        )
    except services.ParticipationError as error:
        messages.error(request, error.message)
        return redirect("participations:results", code)
    return redirect(_next_step(participation))


@login_required
@require_POST
def retry(request, code):
    """"Repasser mon parcours" / "Renvoyer mon profil" (multiple sending)."""
    campaign, participation = _own_participation(request, code)
    if participation is None or not services.can_retry(participation, now=timezone.now()):
        messages.error(request, _("Vous ne pouvez pas repasser la campagne"))
        return redirect("participations:entry", code)
    participation = services.participation_join(campaign=campaign, user=request.user, retry=True, now=timezone.now())
    return redirect(_next_step(participation))


@login_required
def reset(request, code):
    """"Remettre à zéro et tout retenter", after its warning: the Pix, levels and
    certificability earned in this course are removed, and the test starts again."""
    campaign, participation = _own_participation(request, code)
    if request.method == "POST" and campaign is not None:
        # The service decides, under the pupil's lock: a second click resumes the test.
        try:
            participation = services.participation_join(
                campaign=campaign, user=request.user, reset=True, now=timezone.now()
            )
        except services.ParticipationError as error:
            messages.error(request, error.message)
            return redirect("participations:entry", code)
        return redirect(_next_step(participation))
    if participation is None or not services.can_reset(participation, now=timezone.now()):
        messages.error(request, _("Ce parcours ne peut pas être remis à zéro pour l'instant."))
        return redirect("participations:entry", code)
    return render(request, "participations/reset_confirm.html", {"campaign": campaign})


@login_required
def send_profile(request, code):
    """"Envoi de votre profil Pix", then the thanks, or "Profil déjà envoyé"."""
    campaign, participation = _own_participation(request, code)
    if participation is None or campaign.is_assessment:
        return redirect("participations:entry", code)
    if request.method == "POST":
        try:
            already = participation.is_shared
            services.participation_share(participation=participation, user=request.user, now=timezone.now())
        except services.ParticipationError as error:
            messages.error(request, error.message)
            return redirect("participations:send_profile", code)
        return redirect(reverse("participations:send_profile", args=[code]) + ("" if already else "?envoye=1"))
    return render(request, "participations/send_profile.html", {
        "campaign": campaign, "participation": participation, "profile": selectors.profile_of(participation),
        "just_sent": participation.is_shared and request.GET.get("envoye") == "1",
        "can_retry": services.can_retry(participation, now=timezone.now()),
        "days_before_resending": services.DAYS_BEFORE_RETRYING,
    })


@login_required
def my_participations(request):
    """"Mes parcours"."""
    return render(request, "participations/mine.html", {
        "participations": selectors.student_participations(request.user),
    })
