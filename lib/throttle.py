"""Guessing is throttled per user and per IP address: campaign codes (23^6 × 8^3
possibilities) and pupils' identities (name and birthdate). A class typing codes shares one
IP, hence a per-IP limit well above a class's honest mistakes."""

from django.core.cache import cache

WINDOW_SECONDS = 60
MAX_WRONG_CODES_PER_USER = 10
MAX_WRONG_CODES_PER_IP = 60
CODES, IDENTITIES = "wrong-code", "wrong-identity"


def _keys(request, scope):
    keys = [(f"{scope}:ip:{request.META.get('REMOTE_ADDR', '')}", MAX_WRONG_CODES_PER_IP)]
    if request.user.is_authenticated:
        keys.append((f"{scope}:user:{request.user.pk}", MAX_WRONG_CODES_PER_USER))
    else:
        keys.append((f"{scope}:session:{request.session.session_key or ''}", MAX_WRONG_CODES_PER_USER))
    return keys


def is_blocked(request, scope=CODES) -> bool:
    keys = _keys(request, scope)
    counts = cache.get_many([key for key, _limit in keys])  # one round trip
    return any((counts.get(key) or 0) >= limit for key, limit in keys)


def record_wrong_code(request, scope=CODES) -> None:
    for key, _limit in _keys(request, scope):
        if cache.add(key, 1, WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)
