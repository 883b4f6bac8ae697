"""« Évolution »: how a pupil's shared result moved since his previous sending to the same
campaign (Pix's increase / decrease / stable), on Résultats and over the year on his page."""

from django.utils.translation import gettext as _

from participations.models import CampaignParticipation

INCREASE, DECREASE, STABLE = "increase", "decrease", "stable"


def evolution(previous, current) -> str | None:
    """None when there is nothing to compare (a first sending, or a value missing)."""
    if previous is None or current is None:
        return None
    if current > previous:
        return INCREASE
    if current < previous:
        return DECREASE
    return STABLE


def evolution_label(value: str | None) -> str:
    return {INCREASE: _("En progression"), DECREASE: _("En régression"), STABLE: _("Constant")}.get(
        value, _("Non disponible")
    )


def result_of(participation, *, is_assessment: bool):
    """What is compared: the mastery of an evaluation, the Pix score of a profile."""
    return participation["mastery_rate"] if is_assessment else participation["pix_score"]


def decorate_evolution(campaign, rows) -> None:
    """Each row (a current shared participation of the page) against the same pupil's previous
    sending to this campaign (one query for the page)."""
    previous = {}
    older = (
        CampaignParticipation.objects.filter(
            campaign=campaign, organization_learner_id__in=[row.organization_learner_id for row in rows],
            is_improved=True, status=CampaignParticipation.Status.SHARED, deleted_at__isnull=True,
        )
        .order_by("organization_learner_id", "-shared_at", "-pk")
        .values("organization_learner_id", "mastery_rate", "pix_score")
    )
    for row in older:
        previous.setdefault(row["organization_learner_id"], result_of(row, is_assessment=campaign.is_assessment))
    for row in rows:
        current = row.mastery_rate if campaign.is_assessment else row.pix_score
        row.evolution = evolution(previous.get(row.organization_learner_id), current) if row.is_shared else None
        row.evolution_label = evolution_label(row.evolution)


def learner_shared_results(learner) -> list[dict]:
    """Every result the pupil sent, older sendings too, by date, each with its evolution since
    his previous sending to the same campaign (one query)."""
    rows = (
        CampaignParticipation.objects.filter(
            organization_learner=learner, status=CampaignParticipation.Status.SHARED, deleted_at__isnull=True,
            campaign__deleted_at__isnull=True,
        )
        .order_by("shared_at", "pk")
        .values("pk", "campaign_id", "campaign__name", "campaign__type", "shared_at", "mastery_rate", "pix_score",
                "is_improved")
    )
    last: dict[int, object] = {}
    results = []
    for row in rows:
        is_assessment = row["campaign__type"] == "ASSESSMENT"
        value = result_of(row, is_assessment=is_assessment)
        change = evolution(last.get(row["campaign_id"]), value)
        last[row["campaign_id"]] = value
        results.append({
            **row, "is_assessment": is_assessment, "evolution": change, "evolution_label": evolution_label(change),
            "mastery_percent": round(float(row["mastery_rate"]) * 100) if row["mastery_rate"] is not None else None,
        })
    return results
