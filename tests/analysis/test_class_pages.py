"""« Classes »: the school's classes with the campaigns given to them, « mes classes », and who
is missing in a campaign, class by class, with its printable reminder sheet."""

import re

import pytest
from django.urls import reverse

from organizations.models import MembershipDivision
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory
from tests.utils import text


@pytest.fixture
def managing_school(school):
    school.is_managing_students = True
    school.save()
    return school


def pupil(school, last_name, division, first_name="Léa"):
    return LearnerFactory(organization=school, last_name=last_name, first_name=first_name, division=division,
                          user=UserFactory(last_name=last_name, first_name=first_name))


def joined(campaign, learner, status):
    return ParticipationFactory(campaign=campaign, user=learner.user, organization_learner=learner, status=status)


@pytest.fixture
def year(managing_school, teacher):
    """3e A: Abel sent, Bruno is answering, Chloé has not started; 3e B: Durand finished
    without sending; 4e A: Émile, nothing given. One collection given to 3e A and 3e B."""
    campaign = CampaignFactory(organization=managing_school, creator=teacher, name="Collecte de rentrée")
    abel, bruno, chloe = (pupil(managing_school, name, "3e A") for name in ("Abel", "Bruno", "Chloé"))
    durand = pupil(managing_school, "Durand", "3e B")
    pupil(managing_school, "Émile", "4e A")
    joined(campaign, abel, "SHARED")
    joined(campaign, bruno, "STARTED")
    joined(campaign, durand, "TO_SHARE")
    return campaign


def class_rows(page: str) -> list[tuple]:
    if 'id="table-classes"' not in page:
        return []
    table = page.split('id="table-classes"')[1].split("</table>")[0]
    return [
        (row[0], *map(int, row[1:]))
        for row in re.findall(
            r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*'
            r'<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>', table,
        )
    ]


def test_the_classes_page_lists_each_class_with_its_pupils_and_where_they_stand(client_of, teacher, year):
    page = text(client_of(teacher).get(reverse("classes:list")))

    # (class, pupils, campaigns given, received, in progress, not started)
    assert class_rows(page) == [("3e A", 3, 1, 1, 1, 1), ("3e B", 1, 1, 0, 1, 0), ("4e A", 1, 0, 0, 0, 0)]
    assert "<caption>Classes de l'établissement</caption>" in page


def test_a_campaign_limited_to_a_class_is_given_to_it_before_anyone_joins(client_of, teacher, year):
    CampaignFactory(organization=year.organization, creator=teacher, divisions=["4e A"])

    page = text(client_of(teacher).get(reverse("classes:list")))

    assert ("4e A", 1, 1, 0, 0, 1) in class_rows(page)


def test_a_teacher_marks_his_classes_they_come_first_and_can_be_shown_alone(client_of, teacher, year):
    client = client_of(teacher)

    client.post(reverse("classes:mark"), {"classe": "4e A", "suivre": "1"})
    client.post(reverse("classes:mark"), {"classe": "4e A", "suivre": "1"})
    everything = text(client.get(reverse("classes:list")))
    mine = text(client.get(reverse("classes:list"), {"mes-classes": "1"}))

    assert [row[0] for row in class_rows(everything)] == ["4e A", "3e A", "3e B"]
    assert "Retirer 4e A de mes classes" in everything and "Ajouter 3e A à mes classes" in everything
    assert [row[0] for row in class_rows(mine)] == ["4e A"]
    assert "Mes classes (1)" in mine


def test_a_teacher_unmarks_a_class(client_of, teacher, year):
    client = client_of(teacher)
    client.post(reverse("classes:mark"), {"classe": "3e B", "suivre": "1"})

    client.post(reverse("classes:mark"), {"classe": "3e B", "suivre": "0"})

    assert not MembershipDivision.objects.exists()


def test_marking_a_class_the_school_does_not_have_says_so_and_keeps_nothing(client_of, teacher, year):
    response = client_of(teacher).post(reverse("classes:mark"), {"classe": "6e Z", "suivre": "1"}, follow=True)

    assert "Cette classe n'existe pas dans votre établissement." in text(response)
    assert not MembershipDivision.objects.exists()


def test_the_marks_are_each_teachers_own(client_of, teacher, correspondent, year):
    client_of(teacher).post(reverse("classes:mark"), {"classe": "3e B", "suivre": "1"})

    page = text(client_of(correspondent).get(reverse("classes:list"), {"mes-classes": "1"}))

    assert class_rows(page) == [] and "Mes classes (0)" in page


def test_the_classes_page_costs_the_same_queries_for_one_class_or_many(
    client_of, teacher, year, django_assert_max_num_queries,
):
    client = client_of(teacher)
    client.get(reverse("classes:list"))
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("classes:list"))
    for index in range(30):
        learner = pupil(year.organization, f"Nom{index}", f"5e {index}")
        joined(CampaignFactory(organization=year.organization, creator=teacher), learner, "SHARED")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(reverse("classes:list")))
    assert len(class_rows(page)) == 33


def test_a_class_page_lists_the_campaigns_given_with_where_its_pupils_stand(client_of, teacher, year):
    page = text(client_of(teacher).get(reverse("classes:detail", args=["3e A"])))

    assert "3 élèves" in page
    row = page.split("Collecte de rentrée</a></th>")[1].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "0", "1", "1"]
    assert reverse("classes:missing", args=[year.pk]) + "?classes=3e%20A" in page


def test_an_unknown_class_is_a_404(client_of, teacher, year):
    assert client_of(teacher).get(reverse("classes:detail", args=["6e Z"])).status_code == 404


def test_the_classes_of_another_school_are_a_404(client_of, teacher_of_another_school, year):
    other = teacher_of_another_school.memberships.get().organization
    other.is_managing_students = True
    other.save()

    assert client_of(teacher_of_another_school).get(reverse("classes:detail", args=["3e A"])).status_code == 404
    assert client_of(teacher_of_another_school).get(reverse("classes:missing", args=[year.pk])).status_code == 404


def test_a_school_not_managing_its_pupils_has_no_classes_page(client_of, teacher, school):
    client = client_of(teacher)

    assert client.get(reverse("classes:list")).status_code == 404
    assert "Classes</a>" not in text(client.get(reverse("orga:home"), follow=True))


def test_the_menu_leads_to_the_classes(client_of, teacher, year):
    page = text(client_of(teacher).get(reverse("campaigns:mine")))

    assert f'href="{reverse("classes:list")}"' in page


# --- Who is missing ------------------------------------------------------------------------

def missing_rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r"<tr><td>([^<]+)</td><td>[^<]+</td><td>([^<]+)</td></tr>", page)


def test_who_is_missing_lists_the_pupils_of_the_class_who_have_not_sent(client_of, teacher, year):
    page = text(client_of(teacher).get(reverse("classes:missing", args=[year.pk]), {"classes": "3e A"}))

    assert missing_rows(page) == [("Bruno", "Parcours non terminé"), ("Chloé", "Pas encore commencé")]
    assert "3e A : 2 élèves manquent" in page


def test_who_is_missing_in_two_classes_lists_them_class_by_class(client_of, teacher, year):
    page = text(client_of(teacher).get(reverse("classes:missing", args=[year.pk]), {"classes": ["3e B", "3e A"]}))

    assert missing_rows(page) == [("Bruno", "Parcours non terminé"), ("Chloé", "Pas encore commencé"),
                                  ("Durand", "Profil non envoyé")]


def test_who_is_missing_starts_from_the_teachers_classes(client_of, teacher, year):
    client = client_of(teacher)
    client.post(reverse("classes:mark"), {"classe": "3e B", "suivre": "1"})

    page = text(client.get(reverse("classes:missing", args=[year.pk])))

    assert missing_rows(page) == [("Durand", "Profil non envoyé")]


def test_who_is_missing_asks_for_a_class_when_none_is_known(client_of, teacher, year):
    page = text(client_of(teacher).get(reverse("classes:missing", args=[year.pk])))

    assert "Choisissez une ou plusieurs classes." in page
    assert missing_rows(page) == []


def test_a_whole_class_that_sent_says_so(client_of, teacher, year):
    joined(year, year.organization.learners.get(last_name="Émile"), "SHARED")

    page = text(client_of(teacher).get(reverse("classes:missing", args=[year.pk]), {"classes": "4e A"}))

    assert "Tous les élèves de la classe ont envoyé leurs résultats." in page


def test_the_reminder_sheet_has_the_class_the_campaign_its_code_its_link_and_the_list(client_of, teacher, year):
    page = text(client_of(teacher).get(reverse("classes:missing_sheet", args=[year.pk]), {"classes": "3e A"}))

    assert "Classe 3e A" in page and "Collecte de rentrée" in page and year.code in page
    assert f"http://testserver/campagnes/{year.code}" in page
    assert missing_rows(page) == [("Bruno", "Parcours non terminé"), ("Chloé", "Pas encore commencé")]
    assert "2 élèves n'ont pas encore envoyé leurs résultats" in page


def test_the_activity_tab_leads_to_who_is_missing(client_of, teacher, year):
    page = text(client_of(teacher).get(reverse("analysis:activity", args=[year.pk]), {"classes": "3e A"}))

    assert reverse("classes:missing", args=[year.pk]) + "?classes=3e%20A" in page


def test_who_is_missing_costs_the_same_queries_whatever_the_class_size(
    client_of, teacher, year, django_assert_max_num_queries,
):
    client = client_of(teacher)
    url = reverse("classes:missing_sheet", args=[year.pk])
    client.get(url, {"classes": "3e A"})
    with django_assert_max_num_queries(8) as few:
        client.get(url, {"classes": "3e A"})
    for index in range(25):
        learner = pupil(year.organization, f"Nom{index:02d}", "3e A")
        if index % 2:
            joined(year, learner, "STARTED")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(url, {"classes": "3e A"}))
    assert len(missing_rows(page)) == 27


# --- The class filter on the campaign list and the exports --------------------------------

def listed_campaigns(page: str) -> list[str]:
    return re.findall(r'<a href="/orga/campagnes/\d+/">([^<]+)</a>', page)


def test_the_campaign_list_filters_by_class(client_of, teacher, year):
    other = CampaignFactory(organization=year.organization, creator=teacher, name="Collecte 4e")
    joined(other, year.organization.learners.get(last_name="Émile"), "STARTED")
    CampaignFactory(organization=year.organization, creator=teacher, name="Réservée 4e", divisions=["4e A"])
    client = client_of(teacher)

    of_3e_b = text(client.get(reverse("campaigns:mine"), {"classes": "3e B"}))
    of_4e_a = text(client.get(reverse("campaigns:mine"), {"classes": "4e A"}))
    everything = text(client.get(reverse("campaigns:mine")))

    assert listed_campaigns(of_3e_b) == ["Collecte de rentrée"]
    assert listed_campaigns(of_4e_a) == ["Réservée 4e", "Collecte 4e"]
    assert len(listed_campaigns(everything)) == 3
    assert re.search(r'name="classes" value="3e B" checked', of_3e_b)


def test_the_campaign_list_offers_the_teachers_classes_first(client_of, teacher, year):
    client = client_of(teacher)
    client.post(reverse("classes:mark"), {"classe": "4e A", "suivre": "1"})

    page = text(client.get(reverse("campaigns:mine")))

    assert re.findall(r'name="classes" value="([^"]+)"', page) == ["4e A", "3e A", "3e B"]
    assert "Campagnes de mes classes" in page


def test_the_campaign_list_of_a_school_not_managing_its_pupils_ignores_classes(client_of, teacher, school):
    CampaignFactory(organization=school, creator=teacher, name="Libre")

    page = text(client_of(teacher).get(reverse("campaigns:mine"), {"classes": "3e A"}))

    assert listed_campaigns(page) == ["Libre"] and 'type="checkbox" id="classe-' not in page


def test_the_campaign_list_filtered_by_class_costs_the_same_queries_for_many_campaigns(
    client_of, teacher, year, django_assert_max_num_queries,
):
    client = client_of(teacher)
    client.get(reverse("campaigns:mine"), {"classes": "3e A"})
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("campaigns:mine"), {"classes": "3e A"})
    learner = year.organization.learners.get(last_name="Chloé")
    for _index in range(15):
        joined(CampaignFactory(organization=year.organization, creator=teacher), learner, "SHARED")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(reverse("campaigns:mine"), {"classes": "3e A"}))
    assert len(listed_campaigns(page)) == 10


def test_the_export_asked_from_a_filtered_tab_holds_only_these_classes(
    client_of, teacher, year, settings, tmp_path, django_capture_on_commit_callbacks,
):
    import csv
    import io

    from django.db.models import F

    from analysis.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    year.participations.update(status="SHARED", shared_at=F("created_at"))
    client = client_of(teacher)

    results = text(client.get(reverse("analysis:results", args=[year.pk]), {"classes": "3e A"}))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start", args=[year.pk]), {"format": "csv", "classes": ["3e A"]})
    job = ExportJob.objects.get()
    lines = list(csv.reader(io.StringIO(job.file.read().decode("utf-8")[1:]), delimiter=";"))

    assert '<input type="hidden" name="classes" value="3e A">' in results
    assert job.divisions == ["3e A"]
    position = lines[0].index("Classe")
    assert [(line[position - 2], line[position]) for line in lines[1:]] == [("Abel", "3e A"), ("Bruno", "3e A")]
    assert "Classes : 3e A" in text(client.get(reverse("analysis:results", args=[year.pk])))


def test_an_export_of_other_classes_is_a_job_of_its_own(teacher, year):
    from django.utils import timezone

    from analysis.export_tasks import export_request

    whole = export_request(campaign=year, user=teacher, format="csv", now=timezone.now())
    again = export_request(campaign=year, user=teacher, format="csv", now=timezone.now())
    of_3e_a = export_request(campaign=year, user=teacher, format="csv", now=timezone.now(), divisions=["3e A"])

    assert whole.pk == again.pk != of_3e_a.pk


# --- The Analyse tab by class --------------------------------------------------------------

def test_the_analysis_tab_filtered_by_class_covers_only_its_pupils(client_of, teacher, managing_school, referential):
    from decimal import Decimal

    from django.utils import timezone

    from participations.models import KnowledgeElementSnapshot

    profile = referential.target_profiles["tp-rentree-3e"]
    evaluation = CampaignFactory(organization=managing_school, creator=teacher, type="ASSESSMENT",
                                 target_profile_id=profile.id)
    for last_name, division, validated in [("Abel", "3e A", profile.skill_ids), ("Bruno", "3e B", ())]:
        participation = joined(evaluation, pupil(managing_school, last_name, division), "SHARED")
        participation.mastery_rate, participation.validated_skills_count = Decimal("0.5"), 1
        participation.save()
        KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                                knowledge_elements=[{"skill_id": s, "status": "validated"}
                                                                    for s in validated])
    client = client_of(teacher)
    url = reverse("analysis:analysis", args=[evaluation.pk])

    all_of_3e_a = text(client.get(url, {"classes": "3e A"}))
    none_of_3e_b = text(client.get(url, {"classes": "3e B"}))

    assert "Analyse des élèves des classes : 3e A" in all_of_3e_a
    assert re.findall(r"(\d+) %\s*<span class=\"fr-text--xs\">\(moyenne", all_of_3e_a)
    assert set(re.findall(r"(\d+) %\s*<span class=\"fr-text--xs\">\(moyenne", all_of_3e_a)) == {"100"}
    assert set(re.findall(r"(\d+) %\s*<span class=\"fr-text--xs\">\(moyenne", none_of_3e_b)) == {"0"}
    assert re.search(r'name="classes" value="3e A" checked', all_of_3e_a)
    assert "&classes=3e%20A#recommandations" in all_of_3e_a


def test_the_analysis_of_a_class_costs_the_same_queries_whatever_its_size(
    client_of, teacher, managing_school, referential, django_assert_max_num_queries,
):
    evaluation = CampaignFactory(organization=managing_school, creator=teacher, type="ASSESSMENT",
                                 target_profile_id="tp-rentree-3e")
    joined(evaluation, pupil(managing_school, "Abel", "3e A"), "SHARED")
    client = client_of(teacher)
    url = reverse("analysis:analysis", args=[evaluation.pk])
    client.get(url, {"classes": "3e A"})
    with django_assert_max_num_queries(20) as few:
        client.get(url, {"classes": "3e A"})
    for index in range(20):
        joined(evaluation, pupil(managing_school, f"Nom{index}", "3e A"), "SHARED")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"classes": "3e A"})


def test_a_class_page_costs_the_same_queries_whatever_the_class_size(
    client_of, teacher, year, django_assert_max_num_queries,
):
    client = client_of(teacher)
    url = reverse("classes:detail", args=["3e A"])
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for index in range(20):
        learner = pupil(year.organization, f"Nom{index}", "3e A")
        joined(CampaignFactory(organization=year.organization, creator=teacher) if index % 2 else year, learner,
               "SHARED")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(url))
    assert "23 élèves" in page
