"""`manage.py anonymize_inactive`: accounts unused for RETENTION_DAYS and pupils who left their
school that long ago are erased, with or without an account."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, KnowledgeElement
from demo.siecle import generated_students, siecle_xml
from organizations.learner_import import learner_import_request, learner_import_run
from organizations.models import OrganizationLearner
from participations.models import CampaignParticipation
from tests.factories import (
    CampaignFactory,
    LearnerFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.personal_data import rows_holding

LONG_AGO = timedelta(days=1001)


@pytest.fixture(autouse=True)
def retention(settings):
    settings.RETENTION_DAYS = 1000


def long_ago():
    return timezone.now() - LONG_AGO


def test_an_inactive_pupil_is_erased_with_the_record_made_from_his_account(db, capsys):
    pupil = UserFactory(email="ancien@eleve.test", first_name="Aurélien", last_name="Ancien", last_login=long_ago())
    participation = ParticipationFactory(user=pupil, status="SHARED", participant_external_id="123",
                                         campaign=CampaignFactory())
    assessment = Assessment.objects.create(user=pupil, type="CAMPAIGN", target_profile_id="tp", end_path="/")
    CampaignParticipation.objects.filter(pk=participation.pk).update(assessment=assessment)
    KnowledgeElement.objects.create(user=pupil, assessment=assessment, skill_id="s", competence_id="c",
                                    status="validated", source="direct", created_at=long_ago())

    call_command("anonymize_inactive")

    pupil.refresh_from_db()
    assert pupil.email.endswith("@anonyme.invalid") and not pupil.is_active and not pupil.has_usable_password()
    participation.refresh_from_db()
    assert (participation.user, participation.participant_external_id, participation.assessment) == (None, "", None)
    assert participation.status == "SHARED" and CampaignParticipation.objects.counted().count() == 1
    assert not KnowledgeElement.objects.exists() and not Assessment.objects.exists()
    assert rows_holding("Aurélien", "Ancien", "ancien@eleve.test") == []
    assert "1 compte(s) inactif(s) depuis plus de 1000 jours anonymisé(s)" in capsys.readouterr().out


def test_a_school_that_imports_its_base_keeps_its_record_of_a_pupil_still_there(db):
    school = OrganizationFactory(is_managing_students=True)
    pupil = UserFactory(last_login=long_ago())
    record = LearnerFactory(organization=school, user=pupil, last_name="Toujours-Là")

    call_command("anonymize_inactive")

    record.refresh_from_db()
    assert (record.last_name, record.user, record.deleted_at) == ("Toujours-Là", None, None)


def test_recent_accounts_team_members_and_staff_are_kept(db):
    recent = UserFactory(email="recent@eleve.test", last_login=timezone.now() - timedelta(days=10))
    never_yet = UserFactory(email="nouveau@eleve.test", last_login=None)
    teacher = UserFactory(email="prof@college.test", last_login=long_ago())
    MembershipFactory(user=teacher)
    staff = UserFactory(email="ops@plateforme.test", last_login=long_ago(), is_staff=True)

    call_command("anonymize_inactive")

    for user in (recent, never_yet, teacher, staff):
        assert User.objects.get(pk=user.pk).is_active


def test_an_account_never_used_since_it_was_made_long_ago_is_erased(db):
    pupil = UserFactory(email="jamais@eleve.test", last_login=None)
    User.objects.filter(pk=pupil.pk).update(date_joined=long_ago())

    call_command("anonymize_inactive")

    assert not User.objects.get(pk=pupil.pk).is_active


def run_import(school, admin, students):
    job = learner_import_request(organization=school, user=admin, filename="eleves.xml",
                                 data=siecle_xml(school.external_id, students), now=timezone.now(), enqueue=False)
    learner_import_run(job.pk, now=timezone.now())


@pytest.fixture
def departed(school, correspondent):
    """Three pupils imported, two of whom left (absent from the next import); one of them has
    an account, which he still uses."""
    school.is_managing_students = True
    school.save()
    students = generated_students(3, divisions=["3e A"], seed=11)
    run_import(school, correspondent, students)
    run_import(school, correspondent, students[2:])
    gone = OrganizationLearner.objects.filter(is_disabled=True).order_by("pk")
    OrganizationLearner.objects.filter(pk=gone[0].pk).update(user=UserFactory(last_login=timezone.now()))
    return students


def test_the_import_dates_the_departure_and_forgets_it_when_the_pupil_comes_back(school, correspondent, departed):
    assert all(learner.disabled_at is not None for learner in OrganizationLearner.objects.filter(is_disabled=True))

    run_import(school, correspondent, departed)

    assert not OrganizationLearner.objects.filter(disabled_at__isnull=False).exists()


def test_pupils_who_left_longer_ago_than_the_retention_are_erased_with_or_without_account(departed, capsys):
    OrganizationLearner.objects.filter(is_disabled=True).update(disabled_at=long_ago())
    names = [value for student in departed[:2] for value in (student.last_name, student.ine)]
    assert rows_holding(*names)

    call_command("anonymize_inactive")

    assert rows_holding(*names) == []
    assert OrganizationLearner.objects.alive().count() == 1
    assert OrganizationLearner.objects.alive().get().national_student_id == departed[2].ine
    assert "2 fiche(s) d'élève parti effacée(s)" in capsys.readouterr().out


def test_pupils_who_left_recently_stay_with_their_results(departed):
    OrganizationLearner.objects.filter(is_disabled=True).update(disabled_at=timezone.now() - timedelta(days=999))

    call_command("anonymize_inactive")

    assert OrganizationLearner.objects.alive().count() == 3


def test_running_it_twice_changes_nothing_more(db, capsys):
    UserFactory(last_login=long_ago())
    call_command("anonymize_inactive")
    email = User.objects.get().email

    call_command("anonymize_inactive")

    assert User.objects.get().email == email
    assert "0 compte(s) inactif(s)" in capsys.readouterr().out.splitlines()[-1]
