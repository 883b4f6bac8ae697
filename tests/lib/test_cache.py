"""The fail-soft cache against a real Redis that stops and starts again (a throwaway
redis-server on a port of its own, never the machine's)."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache

from lib import cache as fail_soft
from pixorga.settings import redis_cache


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    def __init__(self, directory):
        self.port, self.directory, self.process = free_port(), directory, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return client
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def throwaway_redis(tmp_path, settings, monkeypatch):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = ThrowawayRedis(tmp_path)
    server.start()
    monkeypatch.setattr(fail_soft, "_outages", {})
    settings.CACHES = {"default": redis_cache(server.url)}
    yield server
    if server.process.poll() is None:
        server.stop()


def test_the_cache_carries_on_in_memory_while_redis_is_stopped_then_goes_back_to_redis(
    throwaway_redis, monkeypatch, caplog
):
    cache.set("before", 1)
    assert redis.Redis.from_url(throwaway_redis.url).keys("*") == [b":1:before"]

    throwaway_redis.stop()
    with caplog.at_level(logging.INFO, logger="lib.cache"):
        cache.set("during", 2)
        for _ in range(50):
            assert cache.get("during") == 2
        assert cache.add("limit", 1) and cache.incr("limit") == 2
        assert cache.get("before") is None, "Redis's values are out of reach, not guessed"
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()

    client = throwaway_redis.start()
    monkeypatch.setattr(fail_soft, "RETRY_SECONDS", 0.0)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="lib.cache"):
        cache.set("after", 3)

    assert client.get(":1:after") is not None
    assert cache.get("during") is None, "what was counted alone is dropped once Redis answers"
    assert [record.getMessage().split(" after ")[0] for record in caplog.records] == [
        f"cache {throwaway_redis.url} reachable again"
    ]


def test_while_redis_is_down_it_is_asked_again_only_every_few_seconds(settings, monkeypatch, db):
    monkeypatch.setattr(fail_soft, "_outages", {})
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0")}
    attempts = []
    original = fail_soft.RedisCache.get

    def counted(self, *args, **kwargs):
        attempts.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(fail_soft.RedisCache, "get", counted)
    for _ in range(100):
        cache.get("anything")

    assert len(attempts) == 1
