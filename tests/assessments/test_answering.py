"""The answer loop as a pupil lives it (issue 17): every field asked for, stale answers said,
an archived campaign closed to answers."""

import html
import io
import re

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.checking import is_complete
from assessments.models import Answer, Assessment, KnowledgeElement
from campaigns.models import Campaign
from campaigns.services import campaign_archive
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from tests.factories import UserFactory
from tests.participations.student import correct_form, current_challenge_id, wrong_form
from tests.utils import text

ARCHIVED_TITLE = "Oups, la page demandée n’est plus accessible."
ARCHIVED = "Ce parcours a été désactivé par l'organisateur. L'envoi des résultats n'est plus possible."


def first_of(kind, *, with_selects=None):
    return next(
        challenge for challenge in sorted(get_content().challenges.values(), key=lambda c: c.id)
        if challenge.type == kind and challenge.status == "validé" and not challenge.is_timed
        and (with_selects is None or any(item.get("options") for item in challenge.inputs) == with_selects)
    )


def asking(assessment, challenge):
    """The test asks this challenge now."""
    Assessment.objects.filter(pk=assessment.pk).update(
        current_challenge_id=challenge.id, current_challenge_started_at=timezone.now()
    )
    return challenge


def post_answer(client, assessment, challenge_id, **fields):
    return client.post(reverse("assessments:challenge", args=[assessment.pk]),
                       {"challenge_id": challenge_id, "action": "validate", **fields})


# --- Every field asked for ---------------------------------------------------------------------

def test_a_half_filled_answer_with_two_fields_is_refused_and_kept_on_the_page(pupil, assessment):
    challenge = asking(assessment, first_of("QROCM-dep"))
    first, second = (item["key"] for item in challenge.inputs[:2])

    response = post_answer(pupil, assessment, challenge.id, **{f"answer-{first}": "11", f"answer-{second}": ""})

    page = text(response)
    assert response.status_code == 422
    assert "Pour valider, veuillez remplir tous les champs réponse. Sinon, passez." in page
    assert f'name="answer-{first}" value="11"' in page
    assert not Answer.objects.exists() and not KnowledgeElement.objects.exists()


def test_je_passe_still_skips_a_half_filled_answer(pupil, assessment):
    challenge = asking(assessment, first_of("QROCM-dep"))
    first = challenge.inputs[0]["key"]

    response = pupil.post(reverse("assessments:challenge", args=[assessment.pk]),
                          {"challenge_id": challenge.id, "action": "skip", f"answer-{first}": "11"})

    assert response.status_code == 302
    answer = Answer.objects.get()
    assert (answer.challenge_id, answer.result, answer.value) == (challenge.id, Answer.Result.SKIPPED, None)


def test_an_unanswered_drop_down_list_is_refused_and_the_chosen_ones_kept(pupil, assessment):
    challenge = asking(assessment, first_of("QROCM-ind", with_selects=True))
    first, *others = challenge.inputs
    option = first["options"][-1]

    response = post_answer(pupil, assessment, challenge.id, **{f"answer-{first['key']}": option})

    page = text(response)
    assert response.status_code == 422 and "veuillez remplir tous les champs réponse" in page
    assert f'<option value="{option}" selected>' in page
    assert others and not Answer.objects.exists()


@pytest.mark.parametrize("kind, fields, hint", [
    ("QCU", {}, "Pour valider, sélectionnez une réponse. Sinon, passez."),
    ("QCM", {}, "Pour valider, sélectionnez au moins une réponse. Sinon, passez."),
    ("QROC", {"answer": "   "}, "Pour valider, veuillez remplir le champ texte. Sinon, passez."),
])
def test_an_empty_answer_gets_the_hint_of_its_kind_of_question(pupil, assessment, kind, fields, hint):
    challenge = asking(assessment, first_of(kind))

    response = post_answer(pupil, assessment, challenge.id, **fields)

    assert response.status_code == 422 and hint in text(response)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("kind, value, complete", [
    ("QCU", "", False), ("QCU", "2", True),
    ("QCM", "", False), ("QCM", ",", False), ("QCM", "1,3", True),
    ("QROC", "", False), ("QROC", "  ", False), ("QROC", "Paris", True),
    ("QROCM-dep", {}, False), ("QROCM-dep", "half", False), ("QROCM-dep", "all", True),
])
def test_an_answer_is_complete_when_every_field_is_filled(referential, kind, value, complete):
    challenge = first_of(kind)
    keys = [item["key"] for item in challenge.inputs]
    if value == "half":
        value = {keys[0]: "11", **{key: " " for key in keys[1:]}}
    elif value == "all":
        value = {key: "11" for key in keys}

    assert is_complete(challenge, value) is complete


# --- Stale answers -----------------------------------------------------------------------------

def test_an_answer_to_a_question_already_answered_says_so_and_goes_on(pupil, assessment):
    content = get_content()
    first = current_challenge_id(pupil, assessment.pk)
    post_answer(pupil, assessment, first, **correct_form(content.challenges[first]))
    second = current_challenge_id(pupil, assessment.pk)

    # The back button: the first question, answered differently.
    response = post_answer(pupil, assessment, first, **wrong_form(content.challenges[first]))

    assert response.status_code == 302 and response.url == reverse("assessments:challenge", args=[assessment.pk])
    page = text(pupil.get(response.url))
    assert "Cette question a déjà reçu une réponse" in page
    assert f'name="challenge_id" value="{second}"' in page
    assert list(Answer.objects.values_list("challenge_id", "result")) == [(first, Answer.Result.OK)]


def test_an_answer_from_a_second_tab_to_a_question_not_asked_says_so(pupil, assessment):
    asked = current_challenge_id(pupil, assessment.pk)
    other = next(challenge_id for challenge_id in sorted(get_content().challenges) if challenge_id != asked)

    response = pupil.post(reverse("assessments:challenge", args=[assessment.pk]),
                          {"challenge_id": other, "action": "skip"}, follow=True)

    assert "Cette question n'est pas celle qui vous est posée." in text(response)
    assert f'name="challenge_id" value="{asked}"' in text(response)
    assert not Answer.objects.exists()


def test_a_new_answer_shows_no_stale_message(pupil, assessment):
    first = current_challenge_id(pupil, assessment.pk)

    response = pupil.post(reverse("assessments:challenge", args=[assessment.pk]),
                          {"challenge_id": first, "action": "skip"}, follow=True)

    assert "déjà reçu une réponse" not in text(response)


# --- An archived campaign ----------------------------------------------------------------------

def archived(evaluation, teacher):
    campaign_archive(campaign=evaluation, by=teacher, now=timezone.now())


def test_once_the_campaign_is_archived_an_answer_is_not_stored_and_the_pupil_is_told(
    pupil, assessment, evaluation, teacher,
):
    content = get_content()
    first = current_challenge_id(pupil, assessment.pk)
    post_answer(pupil, assessment, first, **correct_form(content.challenges[first]))
    second = current_challenge_id(pupil, assessment.pk)
    archived(evaluation, teacher)

    response = post_answer(pupil, assessment, second, **correct_form(content.challenges[second]))

    final = pupil.get(response.url, follow=True)
    assert final.status_code == 403
    assert ARCHIVED_TITLE in text(final) and ARCHIVED in text(final)
    assert list(Answer.objects.values_list("challenge_id", flat=True)) == [first]


def test_the_next_question_of_an_archived_campaign_is_not_shown(pupil, assessment, evaluation, teacher):
    current_challenge_id(pupil, assessment.pk)
    archived(evaluation, teacher)

    response = pupil.get(reverse("assessments:challenge", args=[assessment.pk]), follow=True)

    assert response.status_code == 403 and ARCHIVED in text(response)
    assert 'name="challenge_id"' not in text(response)


def test_a_deleted_campaign_takes_no_more_answers(pupil, assessment, evaluation):
    challenge_id = current_challenge_id(pupil, assessment.pk)
    Campaign.objects.filter(pk=evaluation.pk).update(deleted_at=timezone.now())

    pupil.post(reverse("assessments:challenge", args=[assessment.pk]), {"challenge_id": challenge_id, "action": "skip"})

    assert not Answer.objects.exists()


def test_mes_parcours_tags_an_archived_parcours_inactive(pupil, evaluation, teacher):
    archived(evaluation, teacher)

    page = text(pupil.get(reverse("participations:mine")))

    assert "Inactif" in page and "Reprendre" not in page and "En cours" not in page
    assert "Parcours désactivé par votre organisation. Vous ne pouvez plus envoyer vos résultats." in page


def test_the_link_of_an_archived_parcours_under_way_tells_why(pupil, evaluation, teacher):
    archived(evaluation, teacher)

    response = pupil.get(reverse("participations:entry", args=[evaluation.code]), follow=True)

    assert response.status_code == 403 and ARCHIVED in text(response)


def test_a_competence_evaluation_is_never_closed(client_of, student, referential):
    client = client_of(student)
    client.post(reverse("assessments:competence_evaluate", args=["comp-1.1"]))
    assessment = Assessment.objects.get()
    challenge_id = current_challenge_id(client, assessment.pk)

    client.post(reverse("assessments:challenge", args=[assessment.pk]), {"challenge_id": challenge_id, "action": "skip"})

    assert Answer.objects.filter(assessment=assessment).count() == 1


# --- Proposals shuffled per pupil (no cue in the key's position) --------------------------------

def shown_proposals(client, assessment):
    page = client.get(reverse("assessments:challenge", args=[assessment.pk])).content.decode()
    return re.findall(r'value="(\d+)"[^>]*>\s*<label class="fr-label" for="proposition-\d+">([^<]*)</label>', page)


def test_each_pupil_sees_the_proposals_in_his_own_order_and_the_right_one_is_still_right(
    client_of, pupil, assessment, evaluation,
):
    challenge = next(c for c in sorted(get_content().challenges.values(), key=lambda c: c.id)
                     if c.type == "QCU" and c.status == "validé" and not c.is_timed and len(c.proposals) >= 4)
    asking(assessment, challenge)
    ada_order = shown_proposals(pupil, assessment)
    assert shown_proposals(pupil, assessment) == ada_order  # the same at each reload
    bob = UserFactory(first_name="Bob")
    bob_client = Client()
    bob_client.force_login(bob)
    bob_client.post(reverse("participations:start", args=[evaluation.code]))
    bob_assessment = CampaignParticipation.objects.get(user=bob).assessment
    asking(bob_assessment, challenge)
    bob_order = shown_proposals(bob_client, bob_assessment)

    assert sorted(ada_order) == sorted(bob_order) == [(str(n), text_) for n, text_ in
                                                      enumerate(map(html.escape, challenge.proposals), start=1)]
    assert [label for _n, label in ada_order] != [label for _n, label in bob_order]
    key_text = html.escape(challenge.proposals[int(challenge.solution) - 1])
    number = next(n for n, label in bob_order if label == key_text)
    post_answer(bob_client, bob_assessment, challenge.id, answer=number)
    assert Answer.objects.get(assessment=bob_assessment).result == Answer.Result.OK
    checkpoint = text(bob_client.get(reverse("assessments:checkpoint", args=[bob_assessment.pk])))
    assert f"La bonne réponse était</dt><dd>{key_text}</dd>" in checkpoint
    assert f"Votre réponse</dt><dd>{key_text}</dd>" in checkpoint


# --- Illustrations and files to open ------------------------------------------------------------

def first_with(predicate):
    return next(c for c in sorted(get_content().challenges.values(), key=lambda c: c.id)
                if c.status == "validé" and not c.is_timed and predicate(c))


def test_an_illustration_is_shown_from_the_static_files_with_its_text_alternative(pupil, assessment):
    challenge = asking(assessment, first_with(lambda c: c.illustration_src))

    page = pupil.get(reverse("assessments:challenge", args=[assessment.pk])).content.decode()

    src = f"/static/{challenge.illustration_src}"
    assert f'src="{src}" alt="{html.escape(challenge.illustration_alt)}"' in page
    assert finders.find(challenge.illustration_src)


def test_every_illustration_of_the_referential_is_a_static_file(referential):
    missing = [c.id for c in referential.challenges.values() if c.illustration_src and not finders.find(c.illustration_src)]
    assert not missing


def test_a_file_to_open_is_offered_in_csv_and_xlsx_with_format_and_size(pupil, assessment):
    challenge = asking(assessment, first_with(lambda c: c.attachment and c.attachment["name"].endswith(".csv")))
    stem = challenge.attachment["name"].removesuffix(".csv")

    page = text(pupil.get(reverse("assessments:challenge", args=[assessment.pk])))

    assert f"Fichier à ouvrir : {html.escape(challenge.attachment['description'])}" in page
    links = re.findall(r'<a class="fr-link fr-link--download" download href="([^"]+)">Télécharger ([^ ]+) '
                       r'<span class="fr-link__detail">([A-Z]+) – (\d+ (?:Ko|octets))</span></a>', page)
    assert [(name, kind) for _url, name, kind, _size in links] == [(f"{stem}.csv", "CSV"), (f"{stem}.xlsx", "XLSX")]
    csv_file = pupil.get(links[0][0])
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{stem}.csv"' in csv_file["Content-Disposition"]
    lines = csv_file.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(challenge.attachment["rows"][0]) and len(lines) == len(challenge.attachment["rows"])
    workbook = openpyxl.load_workbook(io.BytesIO(pupil.get(links[1][0]).content))
    assert [cell.value for cell in next(workbook.active.iter_rows())] == challenge.attachment["rows"][0]
    assert workbook.active.max_row == len(challenge.attachment["rows"])


def test_a_file_is_given_only_to_the_pupil_on_that_question(client_of, pupil, assessment, evaluation):
    challenge = asking(assessment, first_with(lambda c: c.attachment))
    filename = challenge.attachment["name"]
    url = reverse("assessments:attachment", args=[assessment.pk, filename])
    assert pupil.get(url).status_code == 200
    assert pupil.get(reverse("assessments:attachment", args=[assessment.pk, "autre.csv"])).status_code == 404

    bob = Client()
    bob.force_login(UserFactory(first_name="Bob"))
    assert bob.get(url).status_code == 404

    asking(assessment, first_with(lambda c: not c.attachment))
    assert pupil.get(url).status_code == 404
