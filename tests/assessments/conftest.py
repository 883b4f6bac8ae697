"""Fixtures of the answer loop's tests."""

import pytest
from django.urls import reverse

from participations.models import CampaignParticipation


@pytest.fixture
def pupil(client_of, student, evaluation):
    """Ada's client, her test started."""
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    return client


@pytest.fixture
def assessment(pupil):
    return CampaignParticipation.objects.get().assessment
