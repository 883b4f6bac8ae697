"""Following the classes in a browser: the reminder sheet as printed, the class × competence
table as a screen reader and a colour-blind reader get it."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participations.models import KnowledgeElementSnapshot
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def managing_school(school):
    school.is_managing_students = True
    school.save()
    return school


def pupil(school, last_name, division):
    return LearnerFactory(organization=school, last_name=last_name, first_name="Léa", division=division,
                          user=UserFactory(last_name=last_name, first_name="Léa"))


def test_the_reminder_sheet_prints_one_class_per_page_without_the_site_around(visitor, managing_school, teacher):
    campaign = CampaignFactory(organization=managing_school, creator=teacher, name="Collecte de rentrée")
    for name in ("Abel", "Bruno"):
        pupil(managing_school, name, "3e A")
    sent = pupil(managing_school, "Chloé", "3e A")
    ParticipationFactory(campaign=campaign, user=sent.user, organization_learner=sent, status="SHARED")
    pupil(managing_school, "Durand", "3e B")
    page = visitor.sign_in(teacher.email, PASSWORD, path="/orga/connexion/")
    page = visitor.goto(f"/orga/campagnes/{campaign.pk}/manquants/?classes=3e+A&classes=3e+B")
    page = visitor.follow(page.get_by_role("link", name="Fiche de relance à imprimer"))
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    sheets = page.locator(".pix-sheet")
    expect(sheets).to_have_count(2)
    first = sheets.nth(0)
    expect(first.get_by_role("heading", level=1)).to_have_text("Classe 3e A")
    expect(first).to_contain_text("Collecte de rentrée")
    expect(first).to_contain_text(campaign.code)
    expect(first).to_contain_text(f"/campagnes/{campaign.code}")
    expect(first.locator("tbody tr")).to_have_count(2)
    expect(first.locator("tbody")).to_contain_text("Abel")
    expect(first.locator("tbody")).not_to_contain_text("Chloé")
    assert first.evaluate("node => getComputedStyle(node).breakAfter") == "page"
    expect(sheets.nth(1).get_by_role("heading", level=1)).to_have_text("Classe 3e B")
    assert page.pdf(format="A4")[:4] == b"%PDF"


def test_the_class_by_competence_table_reads_as_text_with_its_legend(visitor, managing_school, teacher, referential):
    profile = referential.target_profiles["tp-rentree-3e"]
    campaign = CampaignFactory(organization=managing_school, creator=teacher, type="ASSESSMENT",
                               target_profile_id=profile.id, name="Rentrée 3e")
    for name, division, validated in [("Abel", "3e A", profile.skill_ids), ("Bruno", "3e B", ())]:
        learner = pupil(managing_school, name, division)
        participation = ParticipationFactory(campaign=campaign, user=learner.user, organization_learner=learner,
                                             status="SHARED", mastery_rate=Decimal("0.5"), validated_skills_count=1)
        KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                                knowledge_elements=[{"skill_id": s, "status": "validated"}
                                                                    for s in validated])
    page = visitor.sign_in(teacher.email, PASSWORD, path="/orga/connexion/")

    page = visitor.goto(f"/orga/classes/competences/?campagne={campaign.pk}")

    table = page.get_by_role("table", name=re.compile("Maîtrise des compétences par classe"))
    expect(table.get_by_role("columnheader", name="3e A")).to_be_visible()
    expect(table.get_by_role("columnheader", name="3e B")).to_be_visible()
    first = referential.competences[referential.skills[profile.skill_ids[0]].competence_id]
    row = table.get_by_role("row", name=re.compile(re.escape(first.name)))
    expect(row.get_by_role("rowheader")).to_have_text(f"{first.index} {first.name}")
    expect(row.get_by_role("link", name="100 % – voir les élèves de 3e A")).to_be_visible()
    expect(row.get_by_role("link", name="0 % – voir les élèves de 3e B")).to_be_visible()
    legend = page.get_by_role("list", name="Légende")
    expect(legend.get_by_role("listitem")).to_have_count(5)
    page = visitor.follow(row.get_by_role("link", name="0 % – voir les élèves de 3e B"))
    expect(page.get_by_role("table")).to_contain_text("Bruno")


def test_the_class_report_prints_one_page_per_class(visitor, managing_school, teacher, referential):
    profile = next(profile for profile in referential.target_profiles.values() if profile.stages)
    campaign = CampaignFactory(organization=managing_school, creator=teacher, type="ASSESSMENT",
                               target_profile_id=profile.id, name="Rentrée 3e")
    for name, division in [("Abel", "3e A"), ("Bruno", "3e B")]:
        learner = pupil(managing_school, name, division)
        participation = ParticipationFactory(campaign=campaign, user=learner.user, organization_learner=learner,
                                             status="SHARED", mastery_rate=Decimal("0.5"), validated_skills_count=1)
        KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                                knowledge_elements=[{"skill_id": profile.skill_ids[0],
                                                                     "status": "validated"}])
    page = visitor.sign_in(teacher.email, PASSWORD, path="/orga/connexion/")
    page = visitor.goto(f"/orga/campagnes/{campaign.pk}/resultats/")
    page = visitor.follow(page.get_by_role("link", name="Rapport par classe à imprimer"))

    page.emulate_media(media="print")

    expect(page.get_by_role("link", name="Télécharger les mêmes données (.csv)")).to_be_hidden()
    sheets = page.locator(".pix-sheet")
    expect(sheets).to_have_count(2)
    expect(sheets.nth(0).get_by_role("heading", level=1)).to_have_text("Classe 3e A")
    expect(sheets.nth(0).get_by_role("table", name="Résultats des élèves")).to_contain_text("Abel")
    expect(sheets.nth(0).get_by_role("table", name="Répartition par palier")).to_be_visible()
    assert sheets.nth(0).evaluate("node => getComputedStyle(node).breakAfter") == "page"
