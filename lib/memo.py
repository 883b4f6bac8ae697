"""What is the same for every request, kept in the process: page chrome rendered once (the
`{% memo %}` tag of lib/templatetags/pix.py) and values read for a short time (`remembered`).

The DSFR header, footer and asset tags are the same on every page for a given language and
a few variables (signed in or not, the current menu entry), yet Django's template engine
renders them again at each request: about 1 ms of a pupil's page (bench/README.md, issue
#23). `{% memo a b %}…{% endmemo %}` keeps what its block rendered, keyed by the block itself,
the active language, the URL prefix and the values of `a`, `b`; what varies with the request
(the CSRF token, the user's name, the current path) must stay outside the block or among its
variables. Off when `DEBUG` is on (a template edited while serving shows at once); emptied
when a setting changes (tests) and when it reaches `LIMIT` entries.

`remembered(key, seconds, compute)` keeps `compute()` for `seconds`: for rows that change a
few times a year (the ENT buttons of the sign-in page), one query less per page; a change made
in this process is seen at once (`forget(key)`), one made in another within `seconds`.
"""

import threading
import time

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation

LIMIT = 1024

_now = time.monotonic  # a test moves it
_rendered: dict[tuple, str] = {}
_values: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def memo_render(node, values: tuple, render) -> str:
    """What `node` rendered for these values, rendering it with `render()` the first time."""
    if settings.DEBUG:
        return render()
    key = (node, translation.get_language(), get_script_prefix(), get_urlconf(), *values)
    try:
        return _rendered[key]
    except KeyError:
        pass
    output = render()
    with _lock:
        if len(_rendered) >= LIMIT:
            _rendered.clear()
        _rendered[key] = output
    return output


def remembered(key: str, seconds: float, compute):
    now = _now()
    kept = _values.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value = compute()
    _values[key] = (now + seconds, value)
    return value


def forget(key: str) -> None:
    _values.pop(key, None)


def memo_clear() -> None:
    with _lock:
        _rendered.clear()
        _values.clear()


@receiver(setting_changed)
def _setting_changed(**_kwargs):
    memo_clear()
