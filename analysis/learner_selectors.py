"""Reads for "Élèves" / "Participants": the school's pupils with their participations."""

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from organizations.models import OrganizationLearner
from participations.models import CampaignParticipation

Status = CampaignParticipation.Status
CERTIFIABILITY = {"certifiable": Q(is_certifiable=True), "non-certifiable": Q(is_certifiable=False),
                  "non-communique": Q(is_certifiable__isnull=True)}
SORTS = {
    "nom": ("last_name", "first_name", "pk"), "-nom": ("-last_name", "-first_name", "-pk"),
    "classe": ("division", "last_name", "first_name", "pk"), "-classe": ("-division", "last_name", "first_name", "pk"),
    "participations": ("participation_count", "last_name", "first_name", "pk"),
    "-participations": ("-participation_count", "last_name", "first_name", "pk"),
}


def _of_learner():
    """The pupil's counted participations (neither superseded by a newer sending nor deleted,
    in a campaign that still exists), as a subquery per listed pupil: PostgreSQL computes it
    for the rows of the page only, where a join would group every pupil of the school."""
    return (
        CampaignParticipation.objects.filter(organization_learner=OuterRef("pk")).counted()
        .filter(campaign__deleted_at__isnull=True).order_by().values("organization_learner")
    )


def learner_list(organization, *, search: str = "", divisions=(), certificability: str = "", sort: str = "nom"):
    """The active pupils of the school, with how many campaigns each joined and when last
    (one grouped query for the page)."""
    rows = (
        OrganizationLearner.objects.active().filter(organization=organization)
        .select_related("user")
        .annotate(
            participation_count=Coalesce(
                Subquery(_of_learner().annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
            ),
            last_participation_at=Subquery(_of_learner().annotate(last=Max("created_at")).values("last")),
        )
    )
    for word in search.split():
        rows = rows.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if divisions:
        rows = rows.filter(division__in=divisions)
    if certificability in CERTIFIABILITY:
        rows = rows.filter(CERTIFIABILITY[certificability])
    return rows.order_by(*SORTS.get(sort, SORTS["nom"]))


def learner_divisions(organization) -> list[str]:
    return list(
        OrganizationLearner.objects.active().filter(organization=organization).exclude(division="")
        .values_list("division", flat=True).distinct().order_by("division")
    )


def decorate_last_participations(learners) -> None:
    """The campaign, type and status of each pupil's last participation (one query)."""
    latest = {}
    rows = (
        CampaignParticipation.objects.filter(organization_learner__in=learners).counted()
        .filter(campaign__deleted_at__isnull=True)
        .order_by("organization_learner_id", "-created_at", "-pk")
        .values("organization_learner_id", "status", "campaign__name", "campaign__type")
    )
    for row in rows:
        latest.setdefault(row["organization_learner_id"], row)
    for learner in learners:
        learner.last_participation = latest.get(learner.pk)


def learner_participations(learner):
    """"Liste de toutes les participations" of a pupil: one row per campaign, the current
    sending, with the number of sendings (one query)."""
    sendings = (
        CampaignParticipation.objects.filter(organization_learner=learner, deleted_at__isnull=True)
        .filter(campaign__deleted_at__isnull=True).values("campaign_id").annotate(n=Count("pk"))
    )
    counts = {row["campaign_id"]: row["n"] for row in sendings}
    rows = list(
        CampaignParticipation.objects.filter(organization_learner=learner).counted()
        .filter(campaign__deleted_at__isnull=True).select_related("campaign").order_by("-created_at", "-pk")
    )
    for row in rows:
        row.participation_count = counts.get(row.campaign_id, 1)
    return rows


def learner_activity(participations) -> dict:
    """The two cards "Évaluations" and "Collectes de profil" of a pupil's page."""
    cards = {kind: {"total": 0, Status.STARTED: 0, Status.TO_SHARE: 0, Status.SHARED: 0}
             for kind in ("ASSESSMENT", "PROFILES_COLLECTION")}
    for participation in participations:
        card = cards[participation.campaign.type]
        card["total"] += 1
        card[participation.status] += 1
    return {
        kind: {"total": card["total"], "started": card[Status.STARTED], "to_share": card[Status.TO_SHARE],
               "shared": card[Status.SHARED]}
        for kind, card in cards.items()
    }
