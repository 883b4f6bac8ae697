""""Élèves (n)" / "Participants (n)" and a pupil's page (features A.14, A.15)."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learning_content.models import TargetProfile
from participations.models import CampaignParticipation
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory
from tests.utils import text


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=UTC)


def table_rows(page: str) -> list[list[str]]:
    """The cells of the list's body rows, tags stripped and spaces collapsed."""
    if "<tbody>" not in page:
        return []
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def last_names(page: str) -> list[str]:
    return [row[0] for row in table_rows(page)]


def participate(campaign, learner, *, created_at, **fields):
    made = ParticipationFactory(campaign=campaign, user=learner.user, organization_learner=learner, **fields)
    CampaignParticipation.objects.filter(pk=made.pk).update(created_at=created_at)
    return made


@pytest.fixture
def target_profile(db):
    return TargetProfile.objects.create(id="tp-mini", name="Parcours mini", category="OTHER")


@pytest.fixture
def collection(managing_school, teacher):
    return CampaignFactory(organization=managing_school, creator=teacher, name="Collecte de rentrée")


@pytest.fixture
def evaluation(managing_school, teacher, target_profile):
    return CampaignFactory(organization=managing_school, creator=teacher, name="Évaluation 3e", type="ASSESSMENT",
                           target_profile=target_profile)


@pytest.fixture
def pupils(managing_school, collection, evaluation, teacher):
    """Zoé Abel (3e A, no account), Élodie Bernard (3e B, e-mail, certifiable, 2 campaigns),
    Léo Durand (4e A, username, not certifiable, 1 campaign); a pupil who left and a deleted one."""
    abel = LearnerFactory(organization=managing_school, last_name="Abel", first_name="Zoé",
                          birthdate=date(2011, 3, 14), division="3e A")
    bernard = LearnerFactory(organization=managing_school, last_name="Bernard", first_name="Élodie",
                             birthdate=date(2010, 11, 2), division="3e B",
                             user=UserFactory(email="elodie@example.test"),
                             is_certifiable=True, certifiable_at=at("2024-09-10"))
    durand = LearnerFactory(organization=managing_school, last_name="Durand", first_name="Léo",
                            birthdate=date(2011, 2, 2), division="4e A",
                            user=UserFactory(email=None, username="leo.durand0202"),
                            is_certifiable=False, certifiable_at=at("2024-09-11"))
    LearnerFactory(organization=managing_school, last_name="Parti", first_name="Hugo", division="3e A",
                   is_disabled=True)
    LearnerFactory(organization=managing_school, last_name="Effacé", first_name="Inès", division="3e A",
                   deleted_at=timezone.now())

    participate(collection, bernard, created_at=at("2024-09-02"), status="SHARED", is_improved=True)
    participate(collection, bernard, created_at=at("2024-09-10"), status="SHARED")
    participate(evaluation, bernard, created_at=at("2024-09-20"), status="STARTED")
    removed = CampaignFactory(organization=managing_school, creator=teacher, name="Campagne effacée",
                              deleted_at=timezone.now())
    participate(removed, bernard, created_at=at("2024-09-25"), status="STARTED")
    withdrawn = CampaignFactory(organization=managing_school, creator=teacher, name="Participation effacée")
    participate(withdrawn, bernard, created_at=at("2024-09-24"), status="STARTED", deleted_at=timezone.now())
    participate(collection, durand, created_at=at("2024-09-12"), status="TO_SHARE")
    return {"abel": abel, "bernard": bernard, "durand": durand}


def learners_page(client, **params):
    return text(client.get(reverse("learners:list"), params))


# --- The list ------------------------------------------------------------------------------

def test_the_list_shows_each_active_pupil_with_his_class_login_participations_and_certificability(
    client_of, teacher, pupils,
):
    page = learners_page(client_of(teacher))

    assert "Élèves (3)" in page
    assert all(column in page for column in (
        "Nom", "Prénom", "Date de naissance", "Classe", "Méthode(s) de connexion", "Nombre de participations",
        "Dernière participation", "Certificabilité",
    ))
    abel, bernard, durand = table_rows(page)
    assert abel == ["Abel", "Zoé", "14/03/2011", "3e A", "Aucune", "0", "–", "Non communiqué"]
    assert bernard[:6] == ["Bernard", "Élodie", "02/11/2010", "3e B", "Adresse e-mail", "2"]
    assert bernard[6].startswith("20/09/2024") and "Évaluation 3e" in bernard[6]
    assert bernard[7] == "Certifiable"
    assert durand[:6] == ["Durand", "Léo", "02/02/2011", "4e A", "Identifiant", "1"]
    assert "Collecte de rentrée" in durand[6] and durand[7] == "Non certifiable"


def test_a_pupil_with_an_email_and_a_username_shows_both_login_methods(client_of, teacher, managing_school):
    LearnerFactory(organization=managing_school, last_name="Curie",
                   user=UserFactory(email="marie@example.test", username="marie.curie0711"))

    [curie] = table_rows(learners_page(client_of(teacher)))
    assert curie[4] == "Adresse e-mail, Identifiant"


def test_neither_improved_nor_deleted_participations_nor_deleted_campaigns_are_counted(client_of, teacher, pupils):
    page = learners_page(client_of(teacher), search="Bernard")

    [bernard] = table_rows(page)
    assert bernard[5] == "2"
    assert "Campagne effacée" not in page and "Participation effacée" not in page


def test_pupils_who_left_or_were_deleted_are_not_listed(client_of, teacher, pupils):
    page = learners_page(client_of(teacher))

    assert last_names(page) == ["Abel", "Bernard", "Durand"]
    assert "Parti" not in page and "Effacé" not in page


def test_the_list_searches_the_first_and_last_names(client_of, teacher, pupils):
    client = client_of(teacher)

    assert last_names(learners_page(client, search="dur")) == ["Durand"]
    assert last_names(learners_page(client, search="Élodie")) == ["Bernard"]
    assert last_names(learners_page(client, search="zoé abel")) == ["Abel"]


def test_the_list_filters_by_one_class_and_by_two(client_of, teacher, pupils):
    client = client_of(teacher)

    assert last_names(learners_page(client, classes="3e A")) == ["Abel"]
    assert last_names(learners_page(client, classes=["3e A", "4e A"])) == ["Abel", "Durand"]


def test_the_classes_filter_offers_the_classes_of_active_pupils(client_of, teacher, pupils):
    page = learners_page(client_of(teacher), classes="3e B")

    offered = re.findall(r'type="checkbox" id="classe-\d+" name="classes" value="([^"]+)"', page)
    assert offered == ["3e A", "3e B", "4e A"]
    assert re.search(r'value="3e B" checked', page) and not re.search(r'value="3e A" checked', page)


@pytest.mark.parametrize(("choice", "names"), [
    ("certifiable", ["Bernard"]),
    ("non-certifiable", ["Durand"]),
    ("non-communique", ["Abel"]),
    ("n'importe quoi", ["Abel", "Bernard", "Durand"]),
])
def test_the_list_filters_by_certificability(client_of, teacher, pupils, choice, names):
    assert last_names(learners_page(client_of(teacher), certificabilite=choice)) == names


@pytest.mark.parametrize(("sort", "names"), [
    ("nom", ["Abel", "Bernard", "Durand"]),
    ("-nom", ["Durand", "Bernard", "Abel"]),
    ("classe", ["Abel", "Bernard", "Durand"]),
    ("-classe", ["Durand", "Bernard", "Abel"]),
    ("participations", ["Abel", "Durand", "Bernard"]),
    ("-participations", ["Bernard", "Durand", "Abel"]),
])
def test_the_list_sorts_by_name_class_and_participations(client_of, teacher, pupils, sort, names):
    assert last_names(learners_page(client_of(teacher), tri=sort)) == names


def test_sorting_by_class_groups_the_pupils_of_a_class_by_name(client_of, teacher, managing_school):
    for last_name, division in [("Zola", "3e A"), ("Martin", "4e B"), ("Arnaud", "3e A")]:
        LearnerFactory(organization=managing_school, last_name=last_name, division=division)

    assert last_names(learners_page(client_of(teacher), tri="classe")) == ["Arnaud", "Zola", "Martin"]


def test_the_sort_links_keep_the_filters_and_replace_the_sort(client_of, teacher, pupils):
    client = client_of(teacher)

    filtered = learners_page(client, search="e", classes="3e B", pageNumber=1)
    sorted_page = learners_page(client, tri="-nom")

    assert 'href="?search=e&classes=3e+B&tri=-nom"' in filtered
    assert re.findall(r'href="\?([^"]*)" class="pix-sort"', sorted_page) == [
        "tri=nom", "tri=classe", "tri=-participations",
    ]


def test_the_list_is_paginated(client_of, teacher, managing_school):
    for index in range(12):
        LearnerFactory(organization=managing_school, last_name=f"Élève{index:02d}")
    client = client_of(teacher)

    first = learners_page(client)
    second = learners_page(client, pageNumber=2)
    big = learners_page(client, pageSize=25)

    assert "Élèves (12)" in first and "Élèves (12)" in second
    assert last_names(first) == [f"Élève{index:02d}" for index in range(10)]
    assert last_names(second) == ["Élève10", "Élève11"]
    assert "11-12 sur 12 éléments" in second
    assert len(table_rows(big)) == 12


def test_the_list_costs_the_same_queries_for_1_and_30_pupils(
    client_of, correspondent, managing_school, collection, django_assert_max_num_queries,
):
    def add_pupil(index):
        learner = LearnerFactory(organization=managing_school, last_name=f"Élève{index:02d}", division=f"3e {index % 4}",
                                 user=UserFactory() if index % 2 else UserFactory(email=None, username=f"eleve{index}"))
        participate(collection, learner, created_at=at("2024-09-10"), status="SHARED")

    client = client_of(correspondent)
    add_pupil(0)
    # session, user, membership; COUNT, the last participations, the page, the classes, the
    # latest import; the memberships count of the header
    with django_assert_max_num_queries(9):
        assert len(table_rows(learners_page(client, pageSize=50))) == 1
    for index in range(1, 30):
        add_pupil(index)

    with django_assert_max_num_queries(9):
        assert len(table_rows(learners_page(client, pageSize=50))) == 30


def test_a_school_without_pupils_says_the_base_must_be_imported(client_of, teacher, managing_school):
    page = learners_page(client_of(teacher))

    assert "Élèves (0)" in page
    assert "Aucun élève pour l’instant !" in page
    assert "<tbody>" not in page


def test_a_filter_matching_nobody_says_so(client_of, teacher, pupils):
    page = learners_page(client_of(teacher), search="Personne")

    assert "Aucun élève ne correspond à ces filtres." in page
    assert "Aucun élève pour l’instant !" not in page


def test_an_organization_not_managing_its_students_lists_participants(client_of, teacher, school):
    campaign = CampaignFactory(organization=school, creator=teacher)
    ParticipationFactory(campaign=campaign, user=UserFactory(last_name="Hopper", first_name="Grace"))
    ParticipationFactory(campaign=campaign, user=UserFactory(last_name="Turing", first_name="Alan"))

    page = learners_page(client_of(teacher))

    assert "Participants (2)" in page and "Élèves (" not in page
    assert last_names(page) == ["Hopper", "Turing"]
    assert "Date de naissance" not in page and "Méthode(s) de connexion" not in page
    assert table_rows(page)[0][:3] == ["Hopper", "Grace", "1"]


def test_an_organization_not_managing_its_students_ignores_a_classes_parameter(client_of, teacher, school):
    campaign = CampaignFactory(organization=school, creator=teacher)
    ParticipationFactory(campaign=campaign, user=UserFactory(last_name="Hopper"))
    client = client_of(teacher)

    assert last_names(learners_page(client, classes="3e A")) == ["Hopper"]
    assert "Aucun participant ne correspond à ces filtres." in learners_page(client, search="Personne")


def test_an_organization_not_managing_its_students_without_participants_invites_to_campaigns(
    client_of, teacher, school,
):
    page = learners_page(client_of(teacher))

    assert "Participants (0)" in page
    assert "Aucun participant pour l’instant !" in page
    assert reverse("campaigns:mine") in page


def test_the_import_and_logins_buttons_are_for_admins_only(client_of, correspondent, teacher, managing_school):
    client = client_of(correspondent)
    admin_page = learners_page(client)
    member_page = learners_page(client_of(teacher))

    assert "Importer" in admin_page and "Identifiants et mots de passe" in admin_page
    assert reverse("orga:learner_import") in admin_page and reverse("orga:learner_logins") in admin_page
    assert reverse("orga:learner_import") not in member_page and reverse("orga:learner_logins") not in member_page
    assert "Identifiants et mots de passe" not in member_page


def test_a_pupil_without_membership_is_refused(client_of, student, pupils):
    response = client_of(student).get(reverse("learners:list"))

    assert response.status_code == 403
    assert "Bernard" not in text(response)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, pupils):
    response = client.get(reverse("learners:list"))

    assert response.status_code == 302
    assert reverse("learners:list") in response.url


def test_a_member_of_another_school_does_not_see_this_schools_pupils(client_of, teacher_of_another_school, pupils):
    page = learners_page(client_of(teacher_of_another_school))

    assert "Abel" not in page and "Bernard" not in page and "Durand" not in page


# --- The pupil's page ----------------------------------------------------------------------

def test_the_pupil_page_shows_his_class_and_login(client_of, teacher, pupils):
    page = text(client_of(teacher).get(reverse("learners:detail", args=[pupils["durand"].pk])))

    assert "<h1>Léo Durand</h1>" in page
    assert re.search(r"<dt>Classe</dt><dd>4e A</dd>", page)
    assert "Identifiant" in page and "Non certifiable" in page


def test_the_pupil_page_counts_his_evaluations_and_profile_collections(client_of, teacher, pupils):
    page = text(client_of(teacher).get(reverse("learners:detail", args=[pupils["bernard"].pk])))

    assert "Évaluations : 1" in page and "Collectes de profil : 1" in page
    evaluations = page[page.index("Évaluations : 1"):page.index("Collectes de profil : 1")]
    collections = page[page.index("Collectes de profil : 1"):page.index("Liste de toutes les participations")]
    assert "En cours : 1 · En attente : 0 · Envoyées : 0" in evaluations
    assert "En cours : 0 · En attente : 0 · Envoyées : 1" in collections


def test_the_pupil_page_lists_his_participations_with_links_to_the_participant_page(
    client_of, teacher, pupils, collection, evaluation,
):
    bernard = pupils["bernard"]
    current = CampaignParticipation.objects.get(campaign=collection, organization_learner=bernard, is_improved=False)
    started = CampaignParticipation.objects.get(campaign=evaluation, organization_learner=bernard)

    page = text(client_of(teacher).get(reverse("learners:detail", args=[bernard.pk])))

    assert "Liste de toutes les participations" in page
    rows = table_rows(page)
    assert [row[0] for row in rows] == ["Évaluation 3e", "Collecte de rentrée"]
    sent = timezone.localdate().strftime("%d/%m/%Y")
    # Two sendings of the collection: the current one and the improved one.
    assert rows[1] == ["Collecte de rentrée", "Collecte de profils", "10/09/2024", sent,
                       "Profil reçu", "2"]
    assert rows[0] == ["Évaluation 3e", "Évaluation", "20/09/2024", "–", "En cours", "1"]
    assert reverse("analysis:participant", args=[collection.pk, current.pk]) in page
    assert reverse("analysis:participant", args=[evaluation.pk, started.pk]) in page
    assert "Campagne effacée" not in page and "Participation effacée" not in page


def test_a_pupil_without_participation_has_no_activity_yet(client_of, teacher, pupils):
    page = text(client_of(teacher).get(reverse("learners:detail", args=[pupils["abel"].pk])))

    assert "Aucune activité pour l’instant ! Envoyez une campagne à Zoé Abel et commencez à suivre sa progression." in page
    assert "Liste de toutes les participations" not in page


def test_a_member_of_another_school_gets_404_on_a_pupil_of_this_school(
    client_of, teacher_of_another_school, pupils,
):
    response = client_of(teacher_of_another_school).get(reverse("learners:detail", args=[pupils["bernard"].pk]))

    assert response.status_code == 404


def test_a_pupil_who_left_has_no_page(client_of, teacher, managing_school):
    gone = LearnerFactory(organization=managing_school, is_disabled=True)

    assert client_of(teacher).get(reverse("learners:detail", args=[gone.pk])).status_code == 404


def test_a_pupil_cannot_open_a_learner_page(client_of, student, pupils):
    assert client_of(student).get(reverse("learners:detail", args=[pupils["bernard"].pk])).status_code == 403
