"""GDPR: deleting a participant anonymizes him and his participations (§10.4, §2.7)."""

import datetime

from django.urls import reverse

from organizations.models import OrganizationLearner
from participations.models import CampaignParticipation
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory


def test_the_admin_deletes_a_participant_who_is_anonymized_with_his_participations(client, school, correspondent):
    pupil = UserFactory(first_name="Inès", last_name="Benali")
    learner = LearnerFactory(organization=school, user=pupil, first_name="Inès", last_name="Benali",
                             birthdate=datetime.date(2011, 9, 12))
    participation = ParticipationFactory(campaign=CampaignFactory(organization=school), user=pupil,
                                         organization_learner=learner, participant_external_id="ines@x.fr",
                                         status="SHARED")
    client.force_login(correspondent)
    assert "Il ne pourra plus rejoindre" in client.get(reverse("learners:delete", args=[learner.pk])).content.decode()

    response = client.post(reverse("learners:delete", args=[learner.pk]))

    assert response.url == reverse("learners:list")
    learner.refresh_from_db()
    assert (learner.first_name, learner.last_name, learner.user, learner.national_student_id) == (
        "(anonymisé)", "(anonymisé)", None, "")
    assert learner.birthdate == datetime.date(2011, 1, 1)
    assert learner.deleted_at is not None
    participation.refresh_from_db()
    assert (participation.user, participation.participant_external_id) == (None, "")
    assert participation.deleted_at is not None
    assert "Benali" not in client.get(reverse("learners:list")).content.decode()
    assert CampaignParticipation.objects.counted().count() == 0


def test_a_school_that_imports_its_base_does_not_delete_pupils_by_hand(client, school, correspondent):
    school.is_managing_students = True
    school.save()
    learner = LearnerFactory(organization=school)
    client.force_login(correspondent)

    client.post(reverse("learners:delete", args=[learner.pk]))

    learner.refresh_from_db()
    assert learner.deleted_at is None


def test_a_teacher_who_is_not_admin_cannot_delete_a_participant(client, school, teacher):
    learner = LearnerFactory(organization=school)
    client.force_login(teacher)

    assert client.post(reverse("learners:delete", args=[learner.pk])).status_code == 403
    assert OrganizationLearner.objects.get().deleted_at is None
