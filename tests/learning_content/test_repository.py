"""The référentiel version is remembered in each process for a few seconds: the answer loop
does not read it from Redis on every call, and a load made by another process is still served
within that delay."""

from django.core.cache import cache
from django.utils import timezone

from learning_content import repository
from learning_content.models import ContentRelease
from learning_content.repository import VERSION_CACHE_KEY, VERSION_MEMO_SECONDS, get_content


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def loaded_elsewhere(version):
    """What a load in another process leaves behind: a new release row, the shared key gone
    (its invalidate_content_cache); this process's memory is untouched."""
    ContentRelease.objects.filter(pk=1).update(version=version)
    cache.delete(VERSION_CACHE_KEY)


def test_within_the_delay_the_version_costs_neither_a_cache_read_nor_a_query(
    referential, monkeypatch, django_assert_num_queries
):
    clock = Clock()
    monkeypatch.setattr(repository, "clock", clock)
    get_content()
    # An empty shared cache would cost the release row's query: none is sent.
    cache.clear()
    clock.now += VERSION_MEMO_SECONDS - 0.5

    with django_assert_num_queries(0):
        assert get_content() is referential


def test_the_first_référentiel_loaded_elsewhere_is_served_at_once(db, monkeypatch):
    monkeypatch.setattr(repository, "clock", Clock())
    assert get_content().version == ""

    ContentRelease.objects.create(pk=1, version="première-version", loaded_at=timezone.now())

    assert get_content().version == "première-version"


def test_a_load_in_another_process_is_served_within_the_delay(referential, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(repository, "clock", clock)
    get_content()

    loaded_elsewhere("version-suivante")
    clock.now += VERSION_MEMO_SECONDS - 0.5
    assert get_content().version == referential.version
    clock.now += 0.5

    assert get_content().version == "version-suivante"


def test_a_load_in_this_process_is_served_at_once(referential, monkeypatch):
    monkeypatch.setattr(repository, "clock", Clock())
    get_content()

    loaded_elsewhere("version-suivante")
    repository.invalidate_content_cache()

    assert get_content().version == "version-suivante"
