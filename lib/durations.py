"""Durations as Pix writes them next to a tutorial: « 8 min », « 1 h », « 1 h 05 », with
no-break spaces (a number is never left alone at the end of a line)."""

from datetime import timedelta

from django.utils.translation import gettext as _


def duration_label(duration: timedelta | int) -> str:
    """A timedelta or a number of seconds, rounded to the minute (a tutorial lasts at least one)."""
    seconds = int(duration.total_seconds()) if isinstance(duration, timedelta) else int(duration)
    minutes = max(1, (seconds + 30) // 60)
    if minutes < 60:
        return _("%(minutes)d\u00a0min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if not minutes:
        return _("%(hours)d\u00a0h") % {"hours": hours}
    return _("%(hours)d\u00a0h\u00a0%(minutes)02d") % {"hours": hours, "minutes": minutes}
