"""Writes on accounts: the sign-in failure counters of accounts/lockout.py."""

import logging

from django.db import transaction

from . import lockout
from .models import LoginFailure

logger = logging.getLogger(__name__)


def login_failure_record(*, login: str, address: str, now) -> LoginFailure:
    """One more wrong password for `login` from `address`; blocks it there when the rule says."""
    key = {"login_hash": lockout.login_hash(login), "address": lockout.network_of(address)}
    with transaction.atomic():
        failure, _created = LoginFailure.objects.select_for_update().get_or_create(
            **key, defaults={"last_failure_at": now}
        )
        if failure.last_failure_at < now - lockout.FORGET_AFTER:
            failure.failures = 0
        failure.failures += 1
        failure.last_failure_at = now
        wait = lockout.wait_after(failure.failures)
        if wait is not None:
            failure.blocked_until = now + wait
        failure.save(update_fields=["failures", "last_failure_at", "blocked_until"])
    if wait is not None:
        logger.warning("sign-in blocked for %s min from %s after %s failures (login %s…)",
                       int(wait.total_seconds() // 60), key["address"], failure.failures, key["login_hash"][:8])
    return failure


def login_failures_clear(*, login: str, address: str | None = None) -> None:
    """A successful sign-in clears its address's counter; a password reset, every address's."""
    failures = LoginFailure.objects.filter(login_hash=lockout.login_hash(login))
    if address is not None:
        failures = failures.filter(address=lockout.network_of(address))
    failures.delete()


def login_failures_forget(*, now) -> int:
    limit = now - lockout.FORGET_AFTER
    return LoginFailure.objects.filter(last_failure_at__lt=limit).exclude(blocked_until__gte=now).delete()[0]
