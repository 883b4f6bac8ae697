"""Storage limitation (GDPR art. 5): what has been out of use for RETENTION_DAYS is erased
(`privacy.erasure`), by `manage.py anonymize_inactive` every night.

- Accounts not signed in for that long (never, since their creation) are erased, except the
  active members of a team and the platform's staff. The records a school built from such an
  account go with it; a school that imports its base keeps its own record of a pupil still in
  its base (unlinked from the account).
- Pupils' records that a school's import disabled (the pupil left) that long ago are erased,
  with or without an account.
The participations stay in the schools' statistics, with no one behind them."""

import logging
from datetime import timedelta

from django.db.models import Q

from accounts.models import User
from organizations.models import Membership, OrganizationLearner

from .erasure import ANONYMOUS_DOMAIN, Erased, account_erase, learner_erase

logger = logging.getLogger(__name__)


def inactive_accounts(*, now, days: int):
    limit = now - timedelta(days=days)
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .exclude(email__endswith="@" + ANONYMOUS_DOMAIN)
        .filter(Q(last_login__lt=limit) | Q(last_login__isnull=True, date_joined__lt=limit))
        .exclude(pk__in=Membership.objects.filter(disabled_at__isnull=True).values("user_id"))
    )


def departed_learners(*, now, days: int):
    return OrganizationLearner.objects.alive().filter(is_disabled=True, disabled_at__lt=now - timedelta(days=days))


def anonymize_inactive(*, now, days: int) -> dict[str, int]:
    """One transaction per person: a failure leaves the others done and this one whole."""
    accounts = learners = 0
    erased = Erased()
    for user in inactive_accounts(now=now, days=days).iterator():
        erased += account_erase(user=user, now=now)
        accounts += 1
    for learner_id in departed_learners(now=now, days=days).values_list("pk", flat=True).iterator():
        erased += learner_erase(learner_id=learner_id, now=now)
        learners += 1
    if accounts or learners:
        logger.info("retention: %s account(s) and %s departed pupil(s) erased after %s days (%s)",
                    accounts, learners, days, erased)
    return {"accounts": accounts, "learners": learners, "participations": erased.participations,
            "export_files": erased.export_files}
