import pytest
from django.utils import timezone

from organizations import services
from organizations.models import Invitation
from organizations.tasks import send_invitation_email
from tests.conftest import wait_for

pytestmark = pytest.mark.services


def test_a_real_worker_sends_the_invitation_email(real_worker, school, correspondent):
    sent = services.invitation_create(
        organization=school, emails=["prof@college.test"], invited_by=correspondent, now=timezone.now()
    )
    send_invitation_email.delay(sent[0].invitation.pk, "http://testserver", sent[0].token)

    assert wait_for(lambda: real_worker.mail_dir.exists() and any(real_worker.mail_dir.iterdir())), "".join(
        real_worker.log[-20:]
    )
    message = next(real_worker.mail_dir.iterdir()).read_text()
    assert "To: prof@college.test" in message
    assert f"http://testserver/orga/rejoindre/{sent[0].token}/" in message
    assert wait_for(lambda: Invitation.objects.filter(pk=sent[0].invitation.pk, mailed_at__isnull=False).exists())
