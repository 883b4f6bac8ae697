"""A signed-in pupil's home is his dashboard (Pix App's « Accueil », features §B.12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, KnowledgeElement
from campaigns.models import Campaign
from learning_content.repository import get_content
from participations import services
from participations.selectors import student_dashboard
from tests.factories import CampaignFactory, ParticipationFactory
from tests.utils import text


def evaluation_of(school, teacher, **fields):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                           **fields)


def validated_skills(user, count):
    """The pupil proved `count` skills of level 1 to 3 in a competence evaluation."""
    content = get_content()
    competence = content.competences_in_order()[0]
    assessment = Assessment.objects.create(user=user, type=Assessment.Type.COMPETENCE_EVALUATION,
                                           competence_id=competence.id, end_path="/")
    skills = [content.skills[skill_id] for skill_id in competence.skill_ids if content.skills[skill_id].level <= 3]
    for skill in skills[:count]:
        KnowledgeElement.objects.create(
            user=user, assessment=assessment, skill_id=skill.id, competence_id=competence.id, status="validated",
            source="direct", earned_pix=skill.pix_value, created_at=timezone.now(),
        )
    return competence, assessment


def test_a_signed_in_pupil_sees_his_code_button_his_parcours_and_his_profile(client_of, student, school, teacher,
                                                                            referential):
    now = timezone.now()
    running = evaluation_of(school, teacher, title="Parcours de rentrée 3e")
    services.participation_join(campaign=running, user=student, now=now)
    collection = CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte")
    services.participation_join(campaign=collection, user=student, now=now)
    sent = CampaignFactory(organization=school, creator=teacher, name="Collecte déjà envoyée")
    ParticipationFactory(campaign=sent, user=student, status="SHARED")
    archived = evaluation_of(school, teacher, name="Parcours archivé")
    ParticipationFactory(campaign=archived, user=student)
    Campaign.objects.filter(pk=archived.pk).update(archived_at=now)
    competence, assessment = validated_skills(student, 3)

    page = text(client_of(student).get(reverse("home")))

    assert "Bonjour Ada" in page and "connectez-vous ou inscrivez-vous" not in page
    assert f'href="{reverse("participations:code")}">J\'ai un code</a>' in page
    assert "N'oubliez pas de finaliser votre envoi !" in page
    assert f'href="{reverse("participations:entry", args=[collection.code])}">Envoyer mon profil' in page
    assert f'href="{reverse("participations:entry", args=[running.code])}">Reprendre' in page
    assert "Parcours de rentrée 3e" in page and "Collecte déjà envoyée" not in page and "Parcours archivé" not in page
    assert f'href="{reverse("participations:mine")}">Tous mes parcours' in page
    pix = student_dashboard(student)["profile"]["pix"]
    assert pix > 0 and f"{pix} pix" in page
    assert f'href="{reverse("assessments:profile")}">Voir mes compétences' in page
    assert f'href="{reverse("assessments:challenge", args=[assessment.pk])}">Reprendre' in page
    assert f"{competence.index} {competence.name}" in page


def test_a_new_pupil_is_told_what_to_do_first(client_of, student, referential):
    page = text(client_of(student).get(reverse("home")))

    assert "Vous n'avez aucun parcours en cours." in page
    assert "Vous n'avez pas encore de pix" in page and "0 pix" in page
    assert "N'oubliez pas de finaliser votre envoi !" not in page and "Compétences commencées" not in page


def test_a_teacher_signed_in_also_finds_the_door_to_pix_orga(client_of, teacher, referential):
    page = text(client_of(teacher).get(reverse("home")))

    assert "Bonjour Marc" in page and f'href="{reverse("orga:home")}">Accéder à Pix Orga' in page


def test_a_visitor_still_sees_the_two_doors(client, db):
    page = text(client.get(reverse("home")))

    assert "Je suis élève" in page and "Se connecter" in page and "Je suis enseignant" in page


@pytest.mark.parametrize("count", [1, 6])
def test_the_dashboard_reads_three_queries_whatever_the_pupil_did(django_assert_num_queries, student, school,
                                                                  teacher, referential, count):
    for number in range(count):
        ParticipationFactory(campaign=evaluation_of(school, teacher, name=f"Parcours {number}"), user=student,
                             status="TO_SHARE" if number % 2 else "STARTED")
        validated_skills(student, 2)

    # the pending participations with their campaigns and schools, the knowledge elements,
    # the competence evaluations under way.
    with django_assert_num_queries(3):
        dashboard = student_dashboard(student)

    assert len(dashboard["to_resume"]) + len(dashboard["to_send"]) == count
    assert len(dashboard["competences_started"]) == 1


def test_the_home_page_costs_the_same_with_many_parcours(client_of, student, school, teacher, referential,
                                                         django_assert_max_num_queries):
    client = client_of(student)
    ParticipationFactory(campaign=evaluation_of(school, teacher), user=student)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    for number in range(8):
        ParticipationFactory(campaign=evaluation_of(school, teacher, name=f"Parcours {number}"), user=student)

    with django_assert_max_num_queries(len(one)):
        client.get(reverse("home"))
