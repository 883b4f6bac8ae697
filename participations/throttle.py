"""Campaign-code guessing is throttled per user and per IP address (a code is 23^6 × 8^3
possibilities, but a class typing codes shares one IP, hence a per-IP limit well above a
class's honest mistakes)."""

from django.core.cache import cache

WINDOW_SECONDS = 60
MAX_WRONG_CODES_PER_USER = 10
MAX_WRONG_CODES_PER_IP = 60


def _keys(request):
    keys = [(f"wrong-code:ip:{request.META.get('REMOTE_ADDR', '')}", MAX_WRONG_CODES_PER_IP)]
    if request.user.is_authenticated:
        keys.append((f"wrong-code:user:{request.user.pk}", MAX_WRONG_CODES_PER_USER))
    else:
        keys.append((f"wrong-code:session:{request.session.session_key or ''}", MAX_WRONG_CODES_PER_USER))
    return keys


def is_blocked(request) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request))


def record_wrong_code(request) -> None:
    for key, _limit in _keys(request):
        if cache.add(key, 1, WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)
