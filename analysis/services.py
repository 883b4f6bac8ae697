"""Writes of the results pages."""

from .models import ParticipantReading, ResultsReading


def results_reading_record(*, user, campaign, participation=None, now) -> None:
    """The member has the results in front of him: those shared until `now` are read. One
    upsert, the same single query at the first visit as at the next ones."""
    if participation is None:
        reading, key = ResultsReading(user=user, campaign=campaign, read_at=now), ["user", "campaign"]
    else:
        reading = ParticipantReading(user=user, participation=participation, read_at=now)
        key = ["user", "participation"]
    type(reading).objects.bulk_create([reading], update_conflicts=True, unique_fields=key, update_fields=["read_at"])
