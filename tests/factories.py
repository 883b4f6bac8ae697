import factory
from django.utils import timezone

from accounts.models import User
from campaigns.codes import generate_code
from organizations.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationLearner,
    Role,
    hash_invitation_token,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "Pix-Test-2026")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Collège numéro {n}")
    type = Organization.Type.SCO
    external_id = factory.Sequence(lambda n: f"{n:07d}A")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    """Pass `token="..."` to know the link; the row only keeps its hash."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invite{n}@example.test")
    token = factory.Sequence(lambda n: f"token-{n}-abcdefghijklmnopqrstuvwxyz")
    token_hash = factory.LazyAttribute(lambda o: hash_invitation_token(o.token))
    sent_at = factory.LazyFunction(timezone.now)


class CampaignFactory(factory.django.DjangoModelFactory):
    """A profiles collection by default (no référentiel needed); pass `target_profile` and
    `type=Campaign.Type.ASSESSMENT` for an evaluation."""

    class Meta:
        model = "campaigns.Campaign"

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Campagne {n}")
    code = factory.LazyFunction(generate_code)
    type = "PROFILES_COLLECTION"
    creator = factory.LazyAttribute(lambda o: MembershipFactory(organization=o.organization).user)
    owner = factory.SelfAttribute("creator")


class LearnerFactory(factory.django.DjangoModelFactory):
    """A pupil of the school's base, not yet linked to an account unless `user` is given."""

    class Meta:
        model = OrganizationLearner

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birthdate = factory.Faker("date_between", start_date="-15y", end_date="-11y")
    sex = "F"
    national_student_id = factory.Sequence(lambda n: f"{n:010d}A")
    division = "3e A"


def learner_of(organization, user):
    """The pupil a participation belongs to: the account's learner in that school."""
    if user is None:
        return OrganizationLearner.objects.create(organization=organization, first_name="", last_name="")
    learner = OrganizationLearner.objects.filter(organization=organization, user=user).first()
    return learner or OrganizationLearner.objects.create(
        organization=organization, user=user, first_name=user.first_name, last_name=user.last_name
    )


class ParticipationFactory(factory.django.DjangoModelFactory):
    """A started participation of a new pupil; pass `status="SHARED"` (the sharing date follows)."""

    class Meta:
        model = "participations.CampaignParticipation"

    campaign = factory.SubFactory(CampaignFactory)
    user = factory.SubFactory(UserFactory)
    organization_learner = factory.LazyAttribute(lambda o: learner_of(o.campaign.organization, o.user))
    status = "STARTED"
    shared_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == "SHARED" else None)


def stage_reached(participation, *, validated_count: int):
    """Store the stage a completion with that many validated skills stores
    (participations.services.participation_complete), for a participation made by a factory."""
    from assessments import scoring
    from learning_content.repository import get_content
    from participations.models import StageAcquisition

    content = get_content()
    profile = content.target_profiles[participation.campaign.target_profile_id]
    percentage = scoring.mastery_percentage(validated_count, len(profile.skill_ids))
    reached, count = scoring.reached_stage(
        profile.stages, mastery_percentage=percentage, validated_count=validated_count,
        target_skill_levels=[content.skills[skill_id].level for skill_id in profile.skill_ids],
    )
    return StageAcquisition.objects.create(
        participation=participation, reached=reached, stage_count=count, mastery_percentage=percentage,
        acquired_at=timezone.now(),
    )
