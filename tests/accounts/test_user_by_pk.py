"""`User.objects.get(pk=…)`, the signed-in user of every request, read without a queryset
(accounts/models.py, lib/compiled.RowByPk; issue #23): the same user, every field alike."""

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import UserFactory


def test_the_user_read_by_pk_equals_the_orm_s_in_every_field(db):
    user = UserFactory(username="ada.lovelace1012", email=None, must_change_password=True,
                       last_login=timezone.now())

    fast, orm = User.objects.get(pk=user.pk), User.objects.filter(pk=user.pk).get()

    for field in User._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(orm, field.attname), field.name
    assert fast.last_login.tzinfo is not None and fast._state.adding is False and fast._state.db == "default"
    fast.first_name = "Ada"
    fast.save(update_fields=["first_name"])
    assert User.objects.filter(pk=user.pk, first_name="Ada").exists()


def test_a_missing_user_is_does_not_exist(db):
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=987654)


def test_other_lookups_go_the_usual_way(db):
    user = UserFactory(email="ada@college.test")
    UserFactory.create_batch(2, first_name="Sam")

    assert User.objects.get(email="ada@college.test") == user
    with pytest.raises(User.MultipleObjectsReturned):
        User.objects.get(first_name="Sam")


def test_the_request_s_user_is_one_statement_and_a_changed_password_still_signs_out(client, db):
    user = UserFactory()
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        assert get_user(client) == user
    assert sum('FROM "accounts_user"' in q["sql"] for q in queries) == 1

    user.set_password("Un-nouveau-mot-de-passe-2026")
    user.save()

    assert client.get(reverse("participations:mine")).status_code == 302
    assert not get_user(client).is_authenticated
