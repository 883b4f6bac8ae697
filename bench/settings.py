"""The settings of the HTTP load runs (bench/http_load.py): production settings (DEBUG off)
served over plain HTTP on the loopback, with the bare view of bench/urls.py.

The per-IP sign-in limit is raised: the load generator's single address stands for the
thousands of schools that sign in at the same time; the per-account limits are unchanged."""

import tempfile
from pathlib import Path

from pixorga.settings import *  # noqa: F403
from pixorga.settings import ACCOUNT_RATE_LIMITS

# collectstatic out of the checkout: a `staticfiles/` there would be scanned by whitenoise at
# every test client's start, doubling `make test` in that checkout.
STATIC_ROOT = Path(tempfile.gettempdir()) / "pixorga-bench-static"

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "100000/m/ip"}
