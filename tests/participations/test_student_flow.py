import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, KnowledgeElement
from campaigns.models import Campaign
from learning_content.repository import get_content
from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from tests.factories import CampaignFactory, UserFactory
from tests.utils import text

from .student import answer_all, correct_form, current_challenge_id


def test_the_code_is_case_and_space_insensitive(client, evaluation):
    typed = f" {evaluation.code[:3].lower()} {evaluation.code[3:]} "

    response = client.post(reverse("participations:code"), {"code": typed})

    assert response.url == reverse("participations:entry", args=[evaluation.code])


@pytest.mark.parametrize("typed", ["ABCDEF234", "not a code", "IIIIII111"])
def test_a_wrong_code_says_so(client, db, typed):
    page = text(client.post(reverse("participations:code"), {"code": typed}))

    assert "Votre code est erroné, veuillez vérifier ou contacter l'organisateur." in page


def test_code_guessing_is_throttled(client_of, student):
    client = client_of(student)
    for _ in range(10):
        client.post(reverse("participations:code"), {"code": "ABCDEF234"})

    response = client.post(reverse("participations:code"), {"code": "ABCDEF235"})

    assert response.status_code == 429 and "Trop de codes erronés" in text(response)


def test_an_archived_campaign_shows_oups(client_of, student, collection):
    Campaign.objects.filter(pk=collection.pk).update(archived_at=timezone.now())

    response = client_of(student).get(reverse("participations:entry", args=[collection.code]))

    assert response.status_code == 403 and "Oups, la page demandée n’est plus accessible." in text(response)
    assert client_of(student).post(reverse("participations:start", args=[collection.code])).status_code == 403
    assert not CampaignParticipation.objects.exists()


def test_the_landing_page_shows_the_schools_text_and_asks_an_anonymous_visitor_to_sign_in(client, collection):
    Campaign.objects.filter(pk=collection.pk).update(custom_landing_page_text="Bonjour la **3e A**")

    page = text(client.get(reverse("participations:entry", args=[collection.code])))

    assert "Envoyez votre profil" in page and "<strong>3e A</strong>" in page
    assert "Je m'inscris sur Pix" in page and "J'ai déjà un compte Pix" in page


def test_the_profile_collection_of_the_seed(client_of, student, collection, referential):
    client = client_of(student)
    landing = text(client.get(reverse("participations:entry", args=[collection.code])))
    assert "C'est parti !" in landing

    send_page = client.post(reverse("participations:start", args=[collection.code]), follow=True)
    page = text(send_page)
    assert "Envoi de votre profil Pix" in page and "Destinataire : Collège Victor Hugo" in page
    assert "Toute évolution de votre profil après cet envoi ne sera pas transmise." in page
    assert "Cet envoi n'est possible qu'une seule fois" in page

    thanks = text(client.post(reverse("participations:send_profile", args=[collection.code]), follow=True))
    assert "Merci, votre profil a bien été envoyé !" in thanks and "Continuez votre expérience Pix" in thanks

    again = text(client.get(reverse("participations:entry", args=[collection.code]), follow=True))
    assert "Profil déjà envoyé" in again
    participation = CampaignParticipation.objects.get()
    assert participation.status == "SHARED" and participation.pix_score == 0
    assert participation.is_certifiable is False


def test_sending_twice_changes_nothing(client_of, student, collection, referential):
    client = client_of(student)
    client.post(reverse("participations:start", args=[collection.code]))
    client.post(reverse("participations:send_profile", args=[collection.code]))
    first = CampaignParticipation.objects.get()

    client.post(reverse("participations:send_profile", args=[collection.code]))

    again = CampaignParticipation.objects.get()
    assert again.shared_at == first.shared_at and KnowledgeElementSnapshot.objects.count() == 1


def test_joining_twice_resumes_the_same_participation(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    client.post(reverse("participations:start", args=[evaluation.code]))

    assert CampaignParticipation.objects.count() == 1 and Assessment.objects.count() == 1


def test_the_evaluation_until_the_results_are_sent(client_of, student, evaluation):
    client = client_of(student)
    first = client.post(reverse("participations:start", args=[evaluation.code]))
    participation = CampaignParticipation.objects.get()
    assert first.url == reverse("assessments:challenge", args=[participation.assessment_id])
    page = text(client.get(first.url))
    if "Question chronométrée" in page:
        # The pick follows the assessment id, which PostgreSQL's sequences shift from run to run:
        # a timed first question is announced before it is shown.
        challenge_id = Assessment.objects.get().current_challenge_id
        client.post(reverse("assessments:start_timer", args=[participation.assessment_id]),
                    {"challenge_id": challenge_id})
        page = text(client.get(first.url))
    assert "Question 1 / 5" in page and "Épreuve pour l'évaluation : Parcours de rentrée 3e" in page

    count = answer_all(client, participation.assessment_id)

    participation.refresh_from_db()
    assert participation.status == "TO_SHARE" and count == Answer.objects.count()
    checkpoint = text(client.get(reverse("assessments:checkpoint", args=[participation.assessment_id])))
    assert "Fin de votre évaluation" in checkpoint and "La bonne réponse était" in checkpoint
    results = text(client.get(reverse("participations:results", args=[evaluation.code])))
    assert "Vous maîtrisez 100 % des compétences testées" in results and "J'envoie mes résultats" in results

    sent = text(client.post(reverse("participations:results", args=[evaluation.code]), follow=True))

    assert "Merci, vos résultats ont bien été envoyés !" in sent
    participation.refresh_from_db()
    skill_count = len(get_content().target_profiles["tp-rentree-3e"].skill_ids)
    assert participation.status == "SHARED" and participation.mastery_rate == 1
    assert participation.validated_skills_count == skill_count
    assert len(participation.snapshot.knowledge_elements) == skill_count


def test_a_checkpoint_comes_every_five_answers(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id

    for _ in range(5):
        challenge_id = current_challenge_id(client, assessment_id)
        response = client.post(reverse("assessments:challenge", args=[assessment_id]), {
            "challenge_id": challenge_id, "action": "skip"})

    assert response.url == reverse("assessments:checkpoint", args=[assessment_id])
    page = text(client.get(response.url))
    assert "Avancement" in page and page.count("Pas de réponse") >= 5 and "Continuer" in page


def test_an_answer_replayed_or_to_another_challenge_changes_nothing(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    challenge_id = current_challenge_id(client, assessment_id)
    challenge = get_content().challenges[challenge_id]
    url = reverse("assessments:challenge", args=[assessment_id])
    client.post(url, {"challenge_id": challenge_id, "action": "validate", **correct_form(challenge)})
    knowledge = KnowledgeElement.objects.count()

    client.post(url, {"challenge_id": challenge_id, "action": "validate", **correct_form(challenge)})
    other = next(c for c in get_content().challenges if c != challenge_id)
    client.post(url, {"challenge_id": other, "action": "skip"})

    assert Answer.objects.count() == 1 and KnowledgeElement.objects.count() == knowledge


def test_an_empty_answer_is_refused_with_a_hint(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    challenge_id = current_challenge_id(client, assessment_id)

    response = client.post(reverse("assessments:challenge", args=[assessment_id]),
                           {"challenge_id": challenge_id, "action": "validate"})

    assert response.status_code == 422 and "Pour valider" in text(response) and "Sinon, passez." in text(response)
    assert not Answer.objects.exists()


def test_another_pupil_cannot_open_my_test(client_of, student, evaluation):
    client_of(student).post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id

    intruder = client_of(UserFactory())
    assert intruder.get(reverse("assessments:challenge", args=[assessment_id])).status_code == 404
    assert intruder.get(reverse("assessments:checkpoint", args=[assessment_id])).status_code == 404


def test_the_teacher_sees_the_pupil_as_received(client_of, student, teacher, collection, referential):
    pupil = client_of(student)
    pupil.post(reverse("participations:start", args=[collection.code]))
    pupil.post(reverse("participations:send_profile", args=[collection.code]))

    page = text(client_of(teacher).get(reverse("campaigns:mine")))

    assert "<td>1</td>\n          <td>1</td>" in page


def test_the_identifier_asked_by_the_campaign_is_required_before_starting(client_of, student, school, teacher):
    campaign = CampaignFactory(organization=school, creator=teacher, external_id_label="Adresse e-mail de l'élève",
                               external_id_type="EMAIL")
    client = client_of(student)

    prompt = client.post(reverse("participations:start", args=[campaign.code]))
    assert prompt.url == reverse("participations:external_id", args=[campaign.code])
    assert "Avant de commencer" in text(client.get(prompt.url))
    empty = text(client.post(prompt.url, {"external_id": " "}))
    assert "Merci de renseigner votre Adresse e-mail de l'élève." in empty
    assert "Veuillez saisir une adresse e-mail valide." in text(client.post(prompt.url, {"external_id": "pas-un-mail"}))
    assert not CampaignParticipation.objects.exists()

    client.post(prompt.url, {"external_id": "ada@college.test"})

    assert CampaignParticipation.objects.get().participant_external_id == "ada@college.test"
