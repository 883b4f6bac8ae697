from . import lockout
from .models import LoginFailure


def login_failure_state(*, login: str, address: str, now) -> tuple[bool, object]:
    """Whether `login` has a failure counter at `address`, and until when it is blocked there
    (None if it may be tried now): one statement, read before the password is checked."""
    row = (
        LoginFailure.objects.filter(login_hash=lockout.login_hash(login), address=lockout.network_of(address))
        .values_list("blocked_until", flat=True)
    )
    found = list(row[:1])
    if not found:
        return False, None
    blocked_until = found[0]
    return True, blocked_until if blocked_until is not None and blocked_until > now else None
