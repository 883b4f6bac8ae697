"""Reads of the « Classes » pages: the school's classes with the campaigns given to them, and
who is missing in a campaign, class by class. Each function costs a fixed number of queries
whatever the number of pupils, classes or campaigns."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from organizations.models import OrganizationLearner
from participations.models import CampaignParticipation

from . import recommendation
from .selectors import SnapshotValidatedSkillIds

Status = CampaignParticipation.Status
NOT_STARTED = "NOT_STARTED"


@dataclass
class ClassFigures:
    division: str
    pupils: int = 0
    campaign_ids: set = field(default_factory=set)
    shared: int = 0
    in_progress: int = 0
    joined: int = 0
    is_mine: bool = False

    @property
    def campaigns(self) -> int:
        return len(self.campaign_ids)

    @property
    def not_started(self) -> int:
        """Pupils × campaigns given, less the participations: a pupil who never joined a campaign
        given to his class counts once for that campaign."""
        return max(self.pupils * self.campaigns - self.joined, 0)


def class_figures(pupils: dict[str, int], participations, restrictions, *, mine=()) -> list[ClassFigures]:
    """The figures of each class from plain rows. pupils: {division: active pupils};
    participations: (division, campaign id, status, count); restrictions: (campaign id, [divisions])
    for the campaigns limited to some classes, given to them even before anyone joins."""
    figures = {division: ClassFigures(division, pupils=count, is_mine=division in mine)
               for division, count in pupils.items()}
    for campaign_id, divisions in restrictions:
        for division in divisions:
            if division in figures:
                figures[division].campaign_ids.add(campaign_id)
    for division, campaign_id, status, count in participations:
        if division not in figures:
            continue
        row = figures[division]
        row.campaign_ids.add(campaign_id)
        row.joined += count
        if status == Status.SHARED:
            row.shared += count
        else:
            row.in_progress += count
    return sorted(figures.values(), key=lambda row: (not row.is_mine, row.division))


def _pupils_by_class(organization) -> dict[str, int]:
    return dict(
        OrganizationLearner.objects.active().filter(organization=organization).exclude(division="")
        .order_by().values("division").annotate(n=Count("pk")).values_list("division", "n")
    )


def _current_participations(organization):
    """The counted participations of the school's active pupils in its campaigns still there."""
    return CampaignParticipation.objects.counted().filter(
        campaign__organization=organization, campaign__deleted_at__isnull=True,
        organization_learner__organization=organization, organization_learner__deleted_at__isnull=True,
        organization_learner__is_disabled=False,
    )


def _restrictions(organization):
    return [(pk, divisions) for pk, divisions in
            Campaign.objects.not_deleted().filter(organization=organization).values_list("pk", "divisions")
            if divisions]


def school_classes(organization, *, mine=()) -> list[ClassFigures]:
    """The « Classes » page: three grouped queries."""
    participations = (
        _current_participations(organization).order_by()
        .values_list("organization_learner__division", "campaign_id", "status").annotate(n=Count("pk"))
    )
    return class_figures(_pupils_by_class(organization), participations, _restrictions(organization), mine=mine)


@dataclass
class CampaignOfClass:
    campaign: Campaign
    shared: int = 0
    started: int = 0
    to_share: int = 0
    pupils: int = 0

    @property
    def not_started(self) -> int:
        return max(self.pupils - self.shared - self.started - self.to_share, 0)


def class_campaigns(organization, division: str) -> tuple[int, list[CampaignOfClass]]:
    """The campaigns given to one class, newest first, with where its pupils stand (three queries)."""
    pupils = OrganizationLearner.objects.active().filter(organization=organization, division=division).count()
    counts = (
        _current_participations(organization).filter(organization_learner__division=division).order_by()
        .values_list("campaign_id", "status").annotate(n=Count("pk"))
    )
    by_campaign: dict[int, dict] = {}
    for campaign_id, status, count in counts:
        by_campaign.setdefault(campaign_id, {})[status] = count
    restricted = {pk for pk, divisions in _restrictions(organization) if division in divisions}
    campaigns = Campaign.objects.not_deleted().filter(organization=organization, pk__in=set(by_campaign) | restricted)
    rows = []
    for campaign in campaigns.order_by("-created_at", "-pk"):
        statuses = by_campaign.get(campaign.pk, {})
        rows.append(CampaignOfClass(
            campaign, shared=statuses.get(Status.SHARED, 0), started=statuses.get(Status.STARTED, 0),
            to_share=statuses.get(Status.TO_SHARE, 0), pupils=pupils,
        ))
    return pupils, rows


def missing_label(status: str | None, *, is_assessment: bool) -> str:
    if status is None:
        return _("Pas encore commencé")
    if status == Status.STARTED:
        return _("Parcours non terminé")
    return _("Résultats non envoyés") if is_assessment else _("Profil non envoyé")


def missing_pupils(campaign, divisions) -> dict[str, list]:
    """The pupils of these classes who have not sent their results to the campaign: never
    joined, not finished, or finished without sending; by class, then by name (one query)."""
    status = (
        CampaignParticipation.objects.counted().filter(campaign=campaign, organization_learner=OuterRef("pk"))
        .values("status")[:1]
    )
    learners = (
        OrganizationLearner.objects.active().filter(organization=campaign.organization, division__in=divisions)
        .annotate(participation_status=Subquery(status))
        .filter(Q(participation_status__isnull=True) | Q(participation_status__in=[Status.STARTED, Status.TO_SHARE]))
        .order_by("division", "last_name", "first_name", "pk")
    )
    by_class: dict[str, list] = {division: [] for division in sorted(divisions)}
    for learner in learners:
        learner.missing_label = missing_label(learner.participation_status, is_assessment=campaign.is_assessment)
        by_class[learner.division].append(learner)
    return by_class


def classes_analysis(content, campaign, divisions) -> dict:
    """The "Analyse" of the pupils of some classes, computed on the spot from their current
    shared results (one query): the stored analysis covers the whole campaign, and a few
    classes are a few hundred snapshots at most."""
    profile = content.target_profiles.get(campaign.target_profile_id or "")
    target = profile.skill_ids if profile else ()
    participants = [
        set(validated or ()) for validated in
        CampaignParticipation.objects.counted().filter(
            campaign=campaign, status=Status.SHARED, organization_learner__organization_id=campaign.organization_id,
            organization_learner__division__in=divisions,
        ).values_list(SnapshotValidatedSkillIds("snapshot__knowledge_elements"), flat=True)
    ]
    return {
        "recommendations": recommendation.tube_recommendations(content, target, participants),
        "competences": recommendation.competence_results(content, target, participants),
        "participant_count": len(participants),
    }
