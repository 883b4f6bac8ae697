"""Every pupil page on a phone: 320 and 375 px wide with no horizontal scroll, and axe-core at
375 px (features §B; a pupil often answers on his own phone)."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment
from learning_content.repository import get_content
from participations import services as participation_services
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 375)
# The page's width, and the text that ends beyond the screen's right edge (read or scrolled to
# sideways), unless a box that clips it (a visually hidden label, the icon-only menu button)
# keeps it off the screen on purpose.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const clipped = element => {
    for (let box = element; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (['hidden', 'clip'].includes(style.overflowX) || style.clipPath !== 'none' || style.clip !== 'auto') return true;
      if (style.display === 'none' || style.visibility === 'hidden') return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const outside = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    if (right > width + 1 && !clipped(node.parentElement)) {
      outside.push(`${node.parentElement.tagName.toLowerCase()} « ${node.textContent.trim().slice(0, 50)} » ends at ${Math.round(right)} px`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, outside: outside.slice(0, 5)};
}"""


def sign_in(page, live_server, user):
    """The browser gets the session of a signed-in user (the sign-in page is audited apart)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def open_everything(page):
    """Accordions and disclosures open, so that what they hide is measured too."""
    closed = page.locator("button[aria-expanded=false].fr-accordion__btn")
    for _ in range(closed.count()):
        closed.first.click()
    page.wait_for_timeout(400)


def assert_fits_a_phone(page, url):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        open_everything(page)
        measure = page.evaluate(OVERFLOW)
        assert measure["scroll"] <= measure["width"] and not measure["outside"], f"{url} at {width} px: {measure}"
    assert_accessible(page)


def hardest_challenges(content):
    """Per answer type, the challenge with the longest unbreakable word (URLs, addresses), plus
    the timed ones: the worst cases for a narrow screen."""
    def longest_word(challenge):
        texts = [challenge.instruction, *challenge.proposals, *(str(item.get("label", "")) for item in challenge.inputs)]
        return max(len(word) for text in texts for word in re.split(r"\s", text))

    chosen = {}
    for challenge in sorted(content.challenges.values(), key=longest_word, reverse=True):
        if challenge.type not in chosen:
            chosen[challenge.type] = challenge
    timed = max((c for c in content.challenges.values() if c.is_timed), key=longest_word)
    return [*chosen.values(), timed]


@pytest.fixture
def pupil_world(school, other_school, teacher, student, referential):
    """The pupil with one of everything: an evaluation under way (with a checkpoint), one
    finished, a profile collection to send, and campaigns that ask who he is."""
    now = timezone.now()
    content = get_content()
    evaluation = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", name="3e A - Rentrée",
                                 target_profile_id="tp-rentree-3e", title="Parcours de rentrée 3e")
    finished = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", name="3e A - Fin",
                               target_profile_id="tp-rentree-4e", title="Parcours de rentrée 4e")
    collection = CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte des profils")
    with_id = CampaignFactory(organization=school, creator=teacher, name="Avec identifiant",
                              external_id_label="Numéro d'élève au lycée professionnel de la ville",
                              external_id_type="STRING")
    other_school.is_managing_students = True
    other_school.save()
    restricted = CampaignFactory(organization=other_school, name="Lycée - Rentrée")
    archived = CampaignFactory(organization=school, creator=teacher, name="Archivée", archived_at=now)

    participation = participation_services.participation_join(campaign=evaluation, user=student, now=now)
    assessment = participation.assessment
    challenges = hardest_challenges(content)
    for challenge in challenges[:5]:
        Assessment.objects.filter(pk=assessment.pk).update(current_challenge_id=challenge.id, current_challenge_started_at=now)
        value = {item["key"]: "https://www.exemple-de-site-tres-long.education.gouv.fr/chemin/vers/la/page" for item in challenge.inputs}
        assessment_services.answer_save(
            assessment_id=assessment.pk, user=student, challenge_id=challenge.id,
            value=value if challenge.type.startswith("QROCM") else "https://www.exemple-de-site-tres-long.education.gouv.fr/x",
            skipped=False, now=now,
        )
    done = Assessment.objects.create(user=student, type=Assessment.Type.CAMPAIGN, target_profile_id="tp-rentree-4e",
                                     title=finished.title, end_path="/", state=Assessment.State.COMPLETED, completed_at=now)
    ParticipationFactory(campaign=finished, user=student, status="TO_SHARE", assessment=done)
    participation_services.participation_join(campaign=collection, user=student, now=now)
    return {
        "evaluation": evaluation, "finished": finished, "collection": collection, "with_id": with_id,
        "restricted": restricted, "archived": archived, "assessment": assessment, "challenges": challenges,
    }


def test_every_page_a_visitor_sees_fits_a_phone(page, live_server, pupil_world):
    paths = [
        "/", "/campagnes/", f"/campagnes/{pupil_world['evaluation'].code}", f"/campagnes/{pupil_world['collection'].code}",
        "/compte/login/", "/compte/signup/", "/compte/password/reset/", "/compte/password/reset/done/",
        "/compte/password/reset/key/1-cle-perimee/", "/cette-page-n-existe-pas/",
    ]
    for path in paths:
        assert_fits_a_phone(page, live_server.url + path)


def test_every_page_of_a_signed_in_pupil_fits_a_phone(page, live_server, pupil_world, student):
    sign_in(page, live_server, student)
    content = get_content()
    competence = content.competences_in_order()[0]
    paths = [
        "/", "/campagnes/", "/mes-parcours/", "/competences/", f"/competences/{competence.id}/resultats/",
        f"/campagnes/{pupil_world['with_id'].code}", f"/campagnes/{pupil_world['with_id'].code}/identifiant/",
        f"/campagnes/{pupil_world['restricted'].code}", f"/campagnes/{pupil_world['restricted'].code}/eleve/",
        f"/campagnes/{pupil_world['archived'].code}",
        f"/evaluations/{pupil_world['assessment'].pk}/avancement/",
        f"/campagnes/{pupil_world['finished'].code}/evaluation/resultats/",
        f"/campagnes/{pupil_world['collection'].code}/envoi-profil/",
        "/compte/password/change/",
    ]
    for path in paths:
        assert_fits_a_phone(page, live_server.url + path)


def test_every_kind_of_question_fits_a_phone(page, live_server, pupil_world, student):
    sign_in(page, live_server, student)
    assessment = pupil_world["assessment"]
    url = f"{live_server.url}/evaluations/{assessment.pk}/"
    for challenge in pupil_world["challenges"]:
        started = None if challenge.is_timed else timezone.now()
        Assessment.objects.filter(pk=assessment.pk).update(current_challenge_id=challenge.id, current_challenge_started_at=started)
        assert_fits_a_phone(page, url)
        if challenge.is_timed:
            assert page.get_by_role("button", name="Commencer l'épreuve").count() == 1
            Assessment.objects.filter(pk=assessment.pk).update(current_challenge_started_at=timezone.now())
            assert_fits_a_phone(page, url)


def test_the_first_password_page_fits_a_phone(page, live_server, db):
    pupil = UserFactory(email=None, username="lucas.legoff0703", must_change_password=True)
    sign_in(page, live_server, pupil)

    assert_fits_a_phone(page, live_server.url + "/compte/premier-mot-de-passe/")
