"""Storage limitation (GDPR art. 5): pupils inactive for longer than the retention period are
anonymized. Their participations stay in the schools' statistics without anyone behind them;
the snapshots already hold no user. Teachers (active members) are kept."""

import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from allauth.account.models import EmailAddress

from accounts.models import User
from assessments.models import Assessment
from organizations.models import Membership, OrganizationLearner
from participations.models import CampaignParticipation

logger = logging.getLogger(__name__)


def inactive_pupils(*, now, days: int):
    limit = now - timedelta(days=days)
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .exclude(email__endswith="@anonyme.invalid")
        .filter(Q(last_login__lt=limit) | Q(last_login__isnull=True, date_joined__lt=limit))
        .exclude(pk__in=Membership.objects.filter(disabled_at__isnull=True).values("user_id"))
    )


def pupil_anonymize(user, *, now) -> None:
    """One transaction: the pupil's participations lose him, his answers and knowledge
    elements go, and the account keeps no name nor e-mail nor usable password."""
    with transaction.atomic():
        CampaignParticipation.objects.filter(user=user).update(user=None, participant_external_id="", assessment=None)
        Assessment.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        OrganizationLearner.objects.filter(user=user).update(user=None)
        user.email = f"{secrets.token_hex(12)}@anonyme.invalid"
        user.username = None
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "username", "first_name", "last_name", "is_active", "password"])
    logger.info("user %s anonymized after inactivity", user.pk)


def anonymize_inactive_pupils(*, now, days: int) -> int:
    count = 0
    for user in inactive_pupils(now=now, days=days).iterator():
        pupil_anonymize(user, now=now)
        count += 1
    return count
