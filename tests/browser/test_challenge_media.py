"""An illustrated question and a question with a file to open, in a real browser: the picture
loads from the static files, the file downloads, both fit a 320 px phone and pass axe-core."""

import pytest
from django.utils import timezone

from assessments.models import Assessment
from learning_content.repository import get_content
from participations import services as participation_services
from tests.factories import CampaignFactory

from .test_phone import assert_fits_a_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asked(school, teacher, student, referential):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                               title="Parcours de rentrée 3e")
    assessment = participation_services.participation_join(campaign=campaign, user=student, now=timezone.now()).assessment

    def ask(predicate):
        challenge = next(c for c in sorted(get_content().challenges.values(), key=lambda c: c.id)
                         if not c.is_timed and predicate(c))
        Assessment.objects.filter(pk=assessment.pk).update(current_challenge_id=challenge.id,
                                                           current_challenge_started_at=timezone.now())
        return challenge

    return assessment, ask


def test_the_illustration_loads_and_the_file_downloads(page, live_server, student, asked):
    assessment, ask = asked
    sign_in(page, live_server, student)
    url = f"{live_server.url}/evaluations/{assessment.pk}/"

    illustrated = ask(lambda c: c.illustration_src)
    assert_fits_a_phone(page, url)
    image = page.get_by_role("img", name=illustrated.illustration_alt)
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")

    with_file = ask(lambda c: c.attachment)
    assert_fits_a_phone(page, url)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Télécharger {with_file.attachment['name']}").click()
    assert download.value.suggested_filename == with_file.attachment["name"]
