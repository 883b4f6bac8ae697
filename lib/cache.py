"""A Redis cache that never takes a page down.

Everything the cache holds here can be rebuilt or lived without: the sign-in and code-guessing
limits, the référentiel's version number. When Redis does not answer, each process carries on
with a cache of its own in memory (the limits then count per process) and says so in one
warning line per outage, not one per request; it asks Redis again every few seconds and goes
back to it, with an info line, as soon as it answers.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# While Redis is down, a request asks it again at most this often (per process): a Redis that
# drops packets costs one connection timeout per interval, not one per cache call.
RETRY_SECONDS = 5.0
# What the per-process cache may hold during an outage (limits' histories, a version number).
FALLBACK_MAX_ENTRIES = 10_000


class Outage:
    """Whether one Redis location is down, for every thread of the process."""

    def __init__(self, location: str):
        self.location = location
        self.lock = threading.Lock()
        self.since: float | None = None
        self.failed_at = 0.0

    def ongoing(self, now: float) -> bool:
        return self.since is not None and now < self.failed_at + RETRY_SECONDS

    def started(self, error: Exception, now: float) -> None:
        with self.lock:
            self.failed_at = now
            if self.since is not None:
                return
            self.since = now
        logger.warning(
            "cache %s unreachable (%s): this process keeps its own cache in memory until Redis "
            "answers (sign-in and code limits count per process meanwhile)", self.location, error,
        )

    def ended(self, now: float) -> bool:
        if self.since is None:
            return False
        with self.lock:
            since, self.since = self.since, None
        if since is None:
            return False
        logger.info("cache %s reachable again after %.0f s", self.location, now - since)
        return True


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_of(location: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(location, Outage(location))


class ReusedClients(RedisCacheClient):
    """Django's client of the cache builds a `redis.Redis` per call (80 µs of CPU: its table of
    ~170 reply parsers), a third of a cache call's cost; one per connection pool is enough,
    as a `redis.Redis` over a pool is safe across threads (issue #23)."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache, falling back to a per-process LocMemCache on any Redis error."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        self.location = server if isinstance(server, str) else ",".join(server)
        fallback_params = {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}}
        self._fallback = LocMemCache(f"fail-soft:{self.location}", fallback_params)

    @property
    def _outage(self) -> Outage:
        return outage_of(self.location)

    def is_reachable(self) -> bool:
        """A PING, for /healthz; a failure starts (or prolongs) the outage like any call."""
        try:
            self._cache.get_client(write=False).ping()
        except RedisError as error:
            self._outage.started(error, time.monotonic())
            return False
        self._recovered()
        return True

    def _recovered(self) -> None:
        if self._outage.ended(time.monotonic()):
            # What was counted meanwhile is this process's alone; Redis holds the shared truth.
            self._fallback.clear()

    def _call(self, name, *args, **kwargs):
        outage = self._outage
        if outage.ongoing(time.monotonic()):
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            outage.started(error, time.monotonic())
            return getattr(self._fallback, name)(*args, **kwargs)
        self._recovered()
        return result

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
