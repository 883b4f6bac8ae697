"""Where a person's data still is: every text, JSON, binary and date column of every table,
and the decoded sessions, searched for the given values. An erasure test asserts it finds
nothing; its values must not be made of hexadecimal letters only, which an anonymized
e-mail's random part may hold."""

import datetime

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def rows_holding(*values) -> list[str]:
    """"app.Model.field #pk" for every row holding one of the values (strings are searched
    case-insensitively inside the text, dates compared whole)."""
    texts = [value for value in values if isinstance(value, str) and value]
    dates = [value for value in values if isinstance(value, datetime.date)]
    found = []
    for model in apps.get_models():
        if model is Session:
            continue
        manager = model._base_manager
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if field.name == "password":
                # A hash (or an unusable password's random marker) may hold any few letters.
                continue
            if isinstance(field, TEXT_FIELDS):
                for text in texts:
                    found += [f"{label} #{pk}" for pk in manager.filter(**{f"{field.name}__icontains": text})
                              .values_list("pk", flat=True)]
            elif isinstance(field, models.BinaryField):
                for pk, data in manager.exclude(**{field.name: None}).values_list("pk", field.name):
                    if any(text.encode() in bytes(data) for text in texts):
                        found.append(f"{label} #{pk}")
            elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                for date in dates:
                    found += [f"{label} #{pk}" for pk in manager.filter(**{field.name: date})
                              .values_list("pk", flat=True)]
    for session in Session.objects.all():
        decoded = str(session.get_decoded()).lower()
        found += [f"session {session.pk}" for text in texts if text.lower() in decoded]
    return found
