"""With DEBUG off, errors read in French in the site's layout, with a way back (issues 17 and 21)."""

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse

from participations import selectors
from tests.factories import CampaignFactory
from tests.utils import text


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_a_missing_pupil_page_is_french_with_the_way_back(client, db):
    response = client.get("/cette-page-n-existe-pas/")

    page = text(response)
    assert response.status_code == 404 and "Not Found" not in page
    assert "<h1>Page non trouvée</h1>" in page and "Erreur 404" in page
    assert "La page que vous cherchez est introuvable." in page
    assert 'class="fr-header"' in page and 'class="fr-footer"' in page
    assert f'href="{reverse("home")}">Page d\'accueil</a>' in page
    assert f'href="{reverse("participations:code")}">J\'ai un code</a>' in page


def test_a_missing_teacher_page_leads_back_to_pix_orga(client_of, teacher):
    response = client_of(teacher).get("/orga/cette-page-n-existe-pas/")

    page = text(response)
    assert response.status_code == 404 and "Page non trouvée" in page
    assert f'href="{reverse("orga:home")}">Accueil de Pix Orga</a>' in page
    assert f'fr-btn--secondary" href="{reverse("participations:code")}"' not in page and "| Pix Orga</title>" in page


def test_another_schools_campaign_is_a_french_404_on_the_teacher_side(client_of, teacher_of_another_school, school,
                                                                       teacher):
    campaign = CampaignFactory(organization=school, creator=teacher)

    response = client_of(teacher_of_another_school).get(reverse("campaigns:settings", args=[campaign.pk]))

    assert response.status_code == 404 and "Page non trouvée" in text(response)
    assert "Accueil de Pix Orga" in text(response)


def test_a_member_without_the_right_gets_a_french_403(client_of, teacher):
    response = client_of(teacher).get(reverse("orga:team_invite"))

    page = text(response)
    assert response.status_code == 403 and "403 Forbidden" not in page
    assert "<h1>Accès refusé</h1>" in page and "demandez à l'administrateur de votre espace Pix Orga" in page


def test_a_crash_shows_the_french_500_page(db, student, monkeypatch):
    def crash(user):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(selectors, "student_participations", crash)
    client = Client(raise_request_exception=False)
    client.force_login(student)

    response = client.get(reverse("participations:mine"))

    page = text(response)
    assert response.status_code == 500 and "Server Error" not in page
    assert "<h1>Erreur inattendue</h1>" in page and "Erreur 500" in page
    assert "Essayez de rafraîchir la page" in page and f'href="{reverse("home")}">Page d\'accueil</a>' in page
    assert "Se déconnecter" not in page and "Ada" not in page


def test_the_500_page_needs_neither_a_request_nor_the_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        page = loader.get_template("500.html").render({})

    assert "Erreur inattendue" in page and 'id="bouton-menu"' not in page and "csrfmiddlewaretoken" not in page


def test_an_expired_form_says_so_in_french(db, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(reverse("participations:code"), {"code": "ABCDEF234"})

    page = text(response)
    assert response.status_code == 403 and "CSRF verification failed" not in page
    assert "<h1>La page a expiré</h1>" in page and "rechargez-la, puis recommencez" in page


def test_a_direct_link_with_a_trailing_slash_goes_to_the_campaign(client, school, teacher):
    campaign = CampaignFactory(organization=school, creator=teacher)
    typed = f"/campagnes/{campaign.code[:3].lower()}-{campaign.code[3:]}/?participantExternalId=42"

    response = client.get(typed)

    assert response.status_code == 301
    assert response["Location"] == reverse("participations:entry", args=[campaign.code]) + "?participantExternalId=42"
    assert client.get(response["Location"]).status_code == 200


def test_a_malformed_code_with_a_trailing_slash_is_a_french_404(client, db):
    response = client.get("/campagnes/pas-un-code/")

    assert response.status_code == 404 and "Page non trouvée" in text(response)
