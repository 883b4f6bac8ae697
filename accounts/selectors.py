from . import lockout
from .models import LoginFailure


def login_blocked_until(*, login: str, address: str, now):
    """When `login` may be tried again from `address`, or None if it may now."""
    return (
        LoginFailure.objects.filter(
            login_hash=lockout.login_hash(login), address=lockout.network_of(address), blocked_until__gt=now
        )
        .values_list("blocked_until", flat=True)
        .first()
    )
