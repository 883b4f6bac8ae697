"""Sign-in blocking after wrong passwords, per (login, address): Pix's temporary blocking
(domain rules §11.2, 2, 4, 8… minutes) kept to the address the failures come from, so that
nobody can lock a pupil or a teacher out from elsewhere, and a school's shared address is not
locked by its pupils' typing mistakes (each has his own counter there).

Pure rules; the counters live in `LoginFailure` (accounts/services.py, accounts/selectors.py)."""

import hashlib
import ipaddress
from datetime import timedelta

# Pix blocks every 10 failures; 5 here, as the per-account limit before it: the counter is now
# per address, a guesser elsewhere starts his own, so a stricter threshold costs the user nothing.
THRESHOLD = 5
BASE_WAIT = timedelta(minutes=2)
MAX_WAIT = timedelta(hours=24)
# A counter without a failure for this long starts again from zero (and its row is deleted).
FORGET_AFTER = timedelta(hours=24)
# An IPv6 client owns a whole /64: counting per address would let it change address at will.
IPV6_PREFIX = 64


def wait_after(failures: int) -> timedelta | None:
    """The blocking that the failure number `failures` starts, if any: 2 minutes at the
    THRESHOLD-th, then twice as long at each further THRESHOLD failures."""
    if failures <= 0 or failures % THRESHOLD:
        return None
    return min(BASE_WAIT * 2 ** (failures // THRESHOLD - 1), MAX_WAIT)


def network_of(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:45]
    if ip.version == 6:
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return str(ip)


def login_hash(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode("utf-8")).hexdigest()
