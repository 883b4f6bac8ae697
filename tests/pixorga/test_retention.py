from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, KnowledgeElement
from participations.models import CampaignParticipation
from tests.factories import CampaignFactory, MembershipFactory, ParticipationFactory, UserFactory


def test_pupils_inactive_beyond_the_retention_period_are_anonymized(db, settings):
    settings.RETENTION_DAYS = 1000
    long_ago = timezone.now() - timedelta(days=1001)
    pupil = UserFactory(email="ancien@eleve.test", first_name="Ada", last_name="Lovelace", last_login=long_ago)
    recent = UserFactory(email="recent@eleve.test", last_login=timezone.now() - timedelta(days=10))
    teacher = UserFactory(email="prof@college.test", last_login=long_ago)
    MembershipFactory(user=teacher)
    participation = ParticipationFactory(user=pupil, status="SHARED", participant_external_id="123",
                                         campaign=CampaignFactory())
    assessment = Assessment.objects.create(user=pupil, type="CAMPAIGN", target_profile_id="tp", end_path="/")
    CampaignParticipation.objects.filter(pk=participation.pk).update(assessment=assessment)
    KnowledgeElement.objects.create(user=pupil, assessment=assessment, skill_id="s", competence_id="c",
                                    status="validated", source="direct", created_at=long_ago)

    call_command("anonymize_inactive")

    pupil.refresh_from_db()
    assert pupil.email.endswith("@anonyme.invalid") and pupil.first_name == pupil.last_name == ""
    assert not pupil.is_active and not pupil.has_usable_password()
    participation.refresh_from_db()
    assert participation.user is None and participation.participant_external_id == ""
    assert participation.status == "SHARED" and CampaignParticipation.objects.count() == 1
    assert not KnowledgeElement.objects.exists() and not Assessment.objects.exists()
    assert User.objects.get(pk=recent.pk).email == "recent@eleve.test"
    assert User.objects.get(pk=teacher.pk).email == "prof@college.test"


def test_running_it_twice_changes_nothing_more(db, settings):
    settings.RETENTION_DAYS = 10
    UserFactory(last_login=timezone.now() - timedelta(days=11))
    call_command("anonymize_inactive")
    email = User.objects.get().email

    call_command("anonymize_inactive")

    assert User.objects.get().email == email
