import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.codes import CODE_PATTERN
from campaigns.models import Campaign
from participations.models import CampaignParticipation
from tests.factories import CampaignFactory, MembershipFactory, ParticipationFactory
from tests.utils import text


@pytest.fixture
def teacher_campaign(school, teacher):
    return CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte de profils")


@pytest.fixture
def correspondent_campaign(school, correspondent):
    return CampaignFactory(organization=school, creator=correspondent, name="Collecte de l'administration")


def test_my_campaigns_lists_only_mine_with_code_and_counts(client_of, teacher, teacher_campaign, correspondent_campaign):
    ParticipationFactory(campaign=teacher_campaign, status="SHARED")
    ParticipationFactory(campaign=teacher_campaign)
    ParticipationFactory(campaign=teacher_campaign, is_improved=True, status="SHARED")
    ParticipationFactory(campaign=teacher_campaign, deleted_at=timezone.now())

    page = text(client_of(teacher).get(reverse("campaigns:mine")))

    assert "3e A - Collecte de profils" in page and teacher_campaign.code in page
    assert "Collecte de l'administration" not in page
    row = page[page.index(teacher_campaign.code):]
    assert "<td>2</td>\n          <td>1</td>" in row  # Participants, Résultats reçus


def test_all_campaigns_lists_the_school_with_owners_and_searches(client_of, teacher, teacher_campaign,
                                                                 correspondent_campaign):
    client = client_of(teacher)

    page = text(client.get(reverse("campaigns:all")))
    assert "3e A - Collecte de profils" in page and "Collecte de l'administration" in page
    assert "Claire Dupont" in page

    by_owner = text(client.get(reverse("campaigns:all"), {"owner": "dupont"}))
    assert "Collecte de l'administration" in by_owner and "3e A - Collecte" not in by_owner
    by_name = text(client.get(reverse("campaigns:all"), {"name": "3E A"}))
    assert "3e A - Collecte" in by_name and "Collecte de l'administration" not in by_name
    assert "Effacer les filtres" in by_name


def test_archived_campaigns_are_listed_apart(client_of, teacher, teacher_campaign):
    Campaign.objects.filter(pk=teacher_campaign.pk).update(archived_at=timezone.now())
    client = client_of(teacher)

    assert "Aucune campagne" in text(client.get(reverse("campaigns:mine")))
    assert teacher_campaign.code in text(client.get(reverse("campaigns:mine"), {"status": "archived"}))


def test_a_school_without_campaigns_is_told_how_to_start(client_of, teacher):
    page = text(client_of(teacher).get(reverse("campaigns:mine")))

    assert "Aucune campagne, pour commencer cliquez sur le bouton 'Créer une campagne'." in page


def test_the_list_is_paginated_with_the_chosen_page_size(client_of, school, teacher):
    CampaignFactory.create_batch(12, organization=school, creator=teacher)
    client = client_of(teacher)

    first = text(client.get(reverse("campaigns:mine")))
    assert "1-10 sur 12 éléments" in first and "Page 1 / 2" in first
    assert "11-12 sur 12 éléments" in text(client.get(reverse("campaigns:mine"), {"pageNumber": 2}))
    assert "1-12 sur 12 éléments" in text(client.get(reverse("campaigns:mine"), {"pageSize": 25}))


def test_the_list_costs_the_same_queries_whatever_the_number_of_campaigns(client_of, school, teacher,
                                                                          correspondent):
    client = client_of(teacher)

    def queries_for_the_list():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("campaigns:all"), {"pageSize": 100}).status_code == 200
        return len(captured)

    CampaignFactory(organization=school, creator=teacher)
    few = queries_for_the_list()
    for campaign in CampaignFactory.create_batch(30, organization=school, creator=correspondent):
        ParticipationFactory.create_batch(2, campaign=campaign, status="SHARED")
    # session, user, membership, campaigns exist, count, page of campaigns (owners and counts joined)
    assert queries_for_the_list() == few <= 7


def test_the_teacher_creates_a_profiles_collection_as_in_the_seed(client_of, school, teacher):
    response = client_of(teacher).post(reverse("campaigns:create"), {
        "name": "3e A - Collecte", "owner": teacher.pk, "type": "PROFILES_COLLECTION", "multiple_sendings": "0",
        "ask_external_id": "0", "custom_landing_page_text": "Bonjour la 3e A",
    })

    campaign = Campaign.objects.get(name="3e A - Collecte")
    assert response.status_code == 302 and response.url == reverse("campaigns:settings", args=[campaign.pk])
    assert CODE_PATTERN.match(campaign.code) and campaign.creator == teacher and campaign.organization == school


def test_the_teacher_creates_an_evaluation_on_a_parcours(client_of, teacher, referential):
    client = client_of(teacher)
    form = text(client.get(reverse("campaigns:create")))
    assert "Que souhaitez-vous tester ?" in form and '<optgroup label="Parcours de rentrée">' in form

    client.post(reverse("campaigns:create"), {
        "name": "3e B - Rentrée", "owner": teacher.pk, "type": "ASSESSMENT", "target_profile": "tp-rentree-3e",
        "multiple_sendings": "0", "ask_external_id": "1", "external_id_type": "STRING",
        "external_id_label": "Numéro de l'élève", "title": "Parcours de rentrée", "custom_landing_page_text": "",
    })

    campaign = Campaign.objects.get(name="3e B - Rentrée")
    assert (campaign.target_profile_id, campaign.external_id_label, campaign.external_id_type) == (
        "tp-rentree-3e", "Numéro de l'élève", "STRING")


@pytest.mark.parametrize("posted, shown", [("1", "Oui"), ("0", "Non")])
def test_the_teacher_chooses_automatic_sharing_and_sees_it_in_parametres(client_of, teacher, referential,
                                                                        posted, shown):
    client = client_of(teacher)
    form = text(client.get(reverse("campaigns:create")))
    assert "Envoi automatique des résultats" in form and 'name="automatic_sharing"' in form

    client.post(reverse("campaigns:create"), {
        "name": "3e C", "owner": teacher.pk, "type": "ASSESSMENT", "target_profile": "tp-rentree-3e",
        "automatic_sharing": posted, "multiple_sendings": "0", "ask_external_id": "0",
    })

    campaign = Campaign.objects.get(name="3e C")
    assert campaign.automatic_sharing is (posted == "1")
    page = text(client.get(reverse("campaigns:settings", args=[campaign.pk])))
    assert f"Envoi automatique des résultats</dt>\n  <dd>{shown}" in page


def test_automatic_sharing_is_off_unless_chosen(client_of, teacher, referential):
    client_of(teacher).post(reverse("campaigns:create"), {
        "name": "3e D", "owner": teacher.pk, "type": "ASSESSMENT", "target_profile": "tp-rentree-3e",
        "multiple_sendings": "0", "ask_external_id": "0",
    })

    assert Campaign.objects.get(name="3e D").automatic_sharing is False


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "Veuillez donner un nom à votre campagne."),
    ({"type": ""}, "Veuillez choisir l'objectif de votre campagne : Évaluation ou Collecte de profils."),
    ({"type": "ASSESSMENT"}, "Veuillez sélectionner un parcours pour votre campagne."),
    ({"ask_external_id": "1", "external_id_type": "EMAIL"}, "Veuillez préciser le libellé du champ"),
    ({"ask_external_id": "1", "external_id_label": "INE"}, "Veuillez sélectionner un type d'identifiant externe."),
    ({"type": "ASSESSMENT", "target_profile": "tp-rentree-3e", "title": "x" * 51},
     "Le titre de la campagne est trop long."),
    ({"custom_landing_page_text": "x" * 5001}, "Le texte de la page d'accueil ne doit pas dépasser 5000 caractères."),
    ({"owner": "999999"}, "Le propriétaire ne fait pas partie de l'organisation."),
])
def test_a_wrong_form_keeps_the_input_and_says_why(client_of, teacher, referential, data, message):
    posted = {"name": "Ma campagne", "owner": teacher.pk, "type": "PROFILES_COLLECTION", "multiple_sendings": "0",
              "ask_external_id": "0", **data}

    response = client_of(teacher).post(reverse("campaigns:create"), posted)

    assert response.status_code == 200 and message in text(response)
    assert not Campaign.objects.exists()


def test_duplicating_prefills_the_form_with_copie_de(client_of, teacher, teacher_campaign):
    page = text(client_of(teacher).get(reverse("campaigns:create"), {"source": teacher_campaign.pk}))

    assert 'value="Copie de 3e A - Collecte de profils"' in page


def test_the_settings_show_the_code_the_direct_link_and_a_harmless_landing_text(client_of, teacher,
                                                                                teacher_campaign):
    Campaign.objects.filter(pk=teacher_campaign.pk).update(
        custom_landing_page_text="**Bienvenue** <script>alert(1)</script> [lien](javascript:alert(1))")

    page = text(client_of(teacher).get(reverse("campaigns:settings", args=[teacher_campaign.pk])))

    assert teacher_campaign.code in page and "Copier le code" in page
    assert f"http://testserver/campagnes/{teacher_campaign.code}" in page and "Copier le lien direct" in page
    assert "<strong>Bienvenue</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page
    assert "Modifier" in page and "Archiver" in page


def test_the_empty_tabs_give_the_direct_link(client_of, teacher, teacher_campaign):
    page = text(client_of(teacher).get(reverse("analysis:activity", args=[teacher_campaign.pk])))

    assert "Aucun participant pour l’instant !" in page
    assert f"http://testserver/campagnes/{teacher_campaign.code}" in page
    assert "Résultats (0)" in page and "Analyse" not in page.split("Paramètres")[0].split("Activité")[1]


def test_the_owner_edits_his_campaign(client_of, teacher, teacher_campaign):
    response = client_of(teacher).post(reverse("campaigns:edit", args=[teacher_campaign.pk]), {
        "name": "3e A - Profils", "owner": teacher.pk, "custom_landing_page_text": "Nouveau texte",
    }, follow=True)

    assert "Les modifications ont bien été enregistrées." in text(response)
    assert Campaign.objects.get(pk=teacher_campaign.pk).name == "3e A - Profils"


def test_the_admin_edits_a_teachers_campaign(client_of, correspondent, teacher_campaign):
    client_of(correspondent).post(reverse("campaigns:edit", args=[teacher_campaign.pk]), {
        "name": "Renommée par l'admin", "owner": teacher_campaign.owner_id, "custom_landing_page_text": "",
    })

    assert Campaign.objects.get(pk=teacher_campaign.pk).name == "Renommée par l'admin"


def test_a_member_cannot_manage_another_members_campaign(client_of, school, teacher, correspondent_campaign):
    client = client_of(teacher)
    urls = [reverse(name, args=[correspondent_campaign.pk])
            for name in ("campaigns:edit", "campaigns:archive", "campaigns:unarchive")]

    assert client.get(urls[0]).status_code == 403
    assert all(client.post(url, {"name": "x"}).status_code == 403 for url in urls)
    page = text(client.get(reverse("campaigns:settings", args=[correspondent_campaign.pk])))
    assert "sont les seules personnes qui peuvent modifier ou archiver cette campagne" in page
    assert Campaign.objects.get(pk=correspondent_campaign.pk).archived_at is None


def test_archive_then_unarchive(client_of, teacher, teacher_campaign):
    client = client_of(teacher)

    archived = text(client.post(reverse("campaigns:archive", args=[teacher_campaign.pk]), follow=True))
    assert "Campagne archivée" in archived and "Désarchiver la campagne" in archived
    assert client.get(reverse("campaigns:edit", args=[teacher_campaign.pk])).status_code == 302

    client.post(reverse("campaigns:unarchive", args=[teacher_campaign.pk]))
    assert Campaign.objects.get(pk=teacher_campaign.pk).archived_at is None


CAMPAIGN_URLS = [
    ("get", "analysis:activity"), ("get", "analysis:results"), ("get", "campaigns:settings"),
    ("get", "campaigns:edit"), ("post", "campaigns:edit"), ("post", "campaigns:archive"),
    ("post", "campaigns:unarchive"),
]


@pytest.mark.parametrize("method, name", CAMPAIGN_URLS)
def test_a_teacher_of_another_school_gets_404_on_every_campaign_url(client_of, teacher_of_another_school,
                                                                     teacher_campaign, method, name):
    client = client_of(teacher_of_another_school)

    response = getattr(client, method)(reverse(name, args=[teacher_campaign.pk]))

    assert response.status_code == 404


def test_a_teacher_of_another_school_cannot_duplicate_nor_delete(client_of, teacher_of_another_school,
                                                                  teacher_campaign):
    client = client_of(teacher_of_another_school)

    assert client.get(reverse("campaigns:create"), {"source": teacher_campaign.pk}).status_code == 404
    client.post(reverse("campaigns:delete"), {"campaign": [teacher_campaign.pk], "confirm": "on"})
    assert Campaign.objects.get(pk=teacher_campaign.pk).deleted_at is None


def test_a_teacher_of_two_schools_opens_a_campaign_of_either(client_of, teacher, teacher_campaign, other_school):
    MembershipFactory(organization=other_school, user=teacher)
    foreign = CampaignFactory(organization=other_school, creator=teacher, name="Au lycée")
    client = client_of(teacher)

    assert client.get(reverse("campaigns:settings", args=[foreign.pk])).status_code == 200
    assert "Au lycée" in text(client.get(reverse("campaigns:mine")))


def test_analyse_exists_only_for_evaluations(client_of, teacher, teacher_campaign):
    assert client_of(teacher).get(reverse("analysis:analysis", args=[teacher_campaign.pk])).status_code == 404


def test_bulk_delete_asks_for_the_confirmation_box_first(client_of, teacher, teacher_campaign):
    client = client_of(teacher)
    participation = ParticipationFactory(campaign=teacher_campaign, status="SHARED")

    confirm = text(client.get(reverse("campaigns:delete"), {"campaign": [teacher_campaign.pk]}))
    assert "Attention, cette action est irréversible." in confirm
    assert "Je confirme avoir bien compris les impacts de la suppression" in confirm
    unconfirmed = client.post(reverse("campaigns:delete"), {"campaign": [teacher_campaign.pk]})
    assert unconfirmed.status_code == 200 and Campaign.objects.not_deleted().exists()

    done = text(client.post(reverse("campaigns:delete"), {"campaign": [teacher_campaign.pk], "confirm": "on"},
                            follow=True))

    assert "La campagne a bien été supprimée." in done
    assert not Campaign.objects.not_deleted().exists()
    assert CampaignParticipation.objects.get(pk=participation.pk).user is None


def test_a_member_cannot_bulk_delete_another_members_campaign(client_of, teacher, correspondent_campaign):
    response = client_of(teacher).post(reverse("campaigns:delete"),
                                       {"campaign": [correspondent_campaign.pk], "confirm": "on"})

    assert response.status_code == 403
    assert Campaign.objects.not_deleted().exists()


def test_a_deleted_campaign_is_gone_for_everyone(client_of, correspondent, teacher_campaign):
    Campaign.objects.filter(pk=teacher_campaign.pk).update(deleted_at=timezone.now())

    assert client_of(correspondent).get(reverse("campaigns:settings", args=[teacher_campaign.pk])).status_code == 404


def test_home_offers_to_create_a_campaign(client_of, teacher):
    page = text(client_of(teacher).get(reverse("orga:home")))

    assert reverse("campaigns:create") in page and "Créer une campagne" in page
