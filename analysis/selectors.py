"""Reads of the campaign tabs. Shared participations are read from the values stored at
sharing (mastery, pix) or from their snapshot, never from live knowledge elements. Every
function costs a fixed number of queries whatever the number of participants."""

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from assessments import algorithm, scoring
from learning_content.repository import get_content
from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from participations.selectors import knowledge_from_snapshot

Status = CampaignParticipation.Status
BY_NAME = ("organization_learner__last_name", "organization_learner__first_name", "pk")


def activity_summary(campaign) -> dict:
    counts = CampaignParticipation.objects.filter(campaign=campaign).counted().aggregate(
        total=Count("pk"),
        started=Count("pk", filter=Q(status=Status.STARTED)),
        to_share=Count("pk", filter=Q(status=Status.TO_SHARE)),
        shared=Count("pk", filter=Q(status=Status.SHARED)),
    )
    total = counts["total"] or 0
    labels = {
        "started": _label("started", campaign), "to_share": _label("to_share", campaign),
        "shared": _label("shared", campaign),
    }
    counts["by_status"] = [
        {"key": key, "label": labels[key], "count": counts[key],
         "percent": round(100 * counts[key] / total) if total else 0}
        for key in ("started", "to_share", "shared")
    ]
    return counts


def _label(key, campaign):
    if key == "started":
        return _("En cours")
    if key == "to_share":
        return _("En attente d'envoi")
    return _("Résultats reçus") if campaign.is_assessment else _("Profils reçus")


def status_label(participation, campaign):
    return _label({"STARTED": "started", "TO_SHARE": "to_share", "SHARED": "shared"}[participation.status], campaign)


def activity_by_day(campaign) -> list[dict]:
    """Cumulated participants and received results per day (two grouped queries)."""
    counted = CampaignParticipation.objects.filter(campaign=campaign).counted()
    started = dict(counted.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("pk"))
                   .values_list("day", "n"))
    shared = dict(counted.filter(status=Status.SHARED).annotate(day=TruncDate("shared_at")).values("day")
                  .annotate(n=Count("pk")).values_list("day", "n"))
    rows, total, received = [], 0, 0
    for day in sorted(set(started) | set(shared)):
        total += started.get(day, 0)
        received += shared.get(day, 0)
        rows.append({"day": day, "total": total, "shared": received})
    return rows


def _matching(rows, search: str, divisions=()):
    """Every word of the search in the first name, the last name or the external id; in one
    of the classes if any is chosen."""
    for word in search.split():
        rows = rows.filter(
            Q(organization_learner__first_name__icontains=word) | Q(organization_learner__last_name__icontains=word)
            | Q(participant_external_id__icontains=word)
        )
    if divisions:
        rows = rows.filter(organization_learner__division__in=divisions)
    return rows


def campaign_divisions(campaign) -> list[str]:
    """The classes of the campaign's participants, for the "Classes" filter."""
    return list(
        CampaignParticipation.objects.filter(campaign=campaign).counted().exclude(organization_learner__division="")
        .values_list("organization_learner__division", flat=True).distinct().order_by("organization_learner__division")
    )


def participants(campaign, *, status: str = "", search: str = "", divisions=()):
    """The participants list of Activité: current participations, with the number of
    participations of the same pupil (multiple sending)."""
    sendings = (
        CampaignParticipation.objects.filter(
            campaign=campaign, organization_learner=OuterRef("organization_learner"), deleted_at__isnull=True
        ).order_by().values("organization_learner").annotate(n=Count("pk")).values("n")
    )
    rows = (
        CampaignParticipation.objects.filter(campaign=campaign).counted()
        .select_related("organization_learner")
        .annotate(participation_count=Subquery(sendings))
        .order_by("organization_learner__last_name", "organization_learner__first_name", "pk")
    )
    if status in Status.values:
        rows = rows.filter(status=status)
    return _matching(rows, search, divisions)


def _stage_thresholds(content, campaign):
    profile = content.target_profiles.get(campaign.target_profile_id)
    if profile is None or not profile.stages:
        return profile, []
    levels = [content.skills[skill_id].level for skill_id in profile.skill_ids]
    return profile, scoring.stage_thresholds(profile.stages, levels)


def _stars_of(profile, levels, participation) -> dict | None:
    if participation.mastery_rate is None:
        return None
    reached, total = scoring.reached_stage(
        profile.stages, mastery_rate=participation.mastery_rate,
        validated_count=participation.validated_skills_count or 0, target_skill_levels=levels,
    )
    stage = profile.stages[reached - 1] if reached else None
    return {"count": max(reached - 1, 0), "total": total - 1, "range": range(total - 1), "stage": stage}


def assessment_results(campaign, *, search: str = "", stage: str = "", divisions=()):
    """Résultats of an evaluation: the average, the distribution and the list of received
    results (4 queries)."""
    content = get_content()
    shared = CampaignParticipation.objects.filter(campaign=campaign, status=Status.SHARED).counted()
    average = shared.aggregate(avg=Avg("mastery_rate"))["avg"]
    profile, thresholds = _stage_thresholds(content, campaign)
    distribution = []
    if thresholds:
        bounds = list(zip(thresholds, [*thresholds[1:], None]))
        counts = shared.aggregate(**{
            f"s{index}": Count("pk", filter=_mastery_between(low, high)) for index, (low, high) in enumerate(bounds)
        })
        total = sum(counts.values())
        for index, (stage_data, (low, high)) in enumerate(zip(profile.stages, bounds)):
            count = counts[f"s{index}"]
            distribution.append({
                "index": index, "stars": index, "total_stars": len(thresholds) - 1, "star_range": range(len(thresholds) - 1),
                "label": stage_data.prescriber_title or stage_data.title, "low": low, "high": high,
                "count": count, "percent": round(100 * count / total) if total else 0,
            })
    else:
        buckets = [(low, low + 10) for low in range(0, 100, 10)]
        counts = shared.aggregate(**{
            f"b{low}": Count("pk", filter=_mastery_between(low, high if high < 100 else None)) for low, high in buckets
        })
        total = sum(counts.values())
        distribution = [
            {"label": f"{low} % - {high} %", "count": counts[f"b{low}"],
             "percent": round(100 * counts[f"b{low}"] / total) if total else 0}
            for low, high in buckets
        ]
    rows = shared.select_related("organization_learner").order_by(*BY_NAME)
    rows = _matching(rows, search, divisions)
    if stage.isdigit() and thresholds and int(stage) < len(thresholds):
        low, high = list(zip(thresholds, [*thresholds[1:], None]))[int(stage)]
        rows = rows.filter(_mastery_between(low, high))
    return {
        "average_percent": round(float(average) * 100) if average is not None else None,
        "shared_count": shared.count(),
        "has_stages": bool(thresholds),
        "distribution": distribution,
        "rows": rows,
    }


def _mastery_between(low_percent, high_percent):
    condition = Q(mastery_rate__gte=low_percent / 100)
    if high_percent is not None:
        condition &= Q(mastery_rate__lt=high_percent / 100)
    return condition


def decorate_assessment_rows(campaign, rows):
    content = get_content()
    profile, thresholds = _stage_thresholds(content, campaign)
    levels = [content.skills[skill_id].level for skill_id in profile.skill_ids] if thresholds else []
    for row in rows:
        row.stars = _stars_of(profile, levels, row) if thresholds else None
        row.mastery_percent = round(float(row.mastery_rate or 0) * 100)
    return rows


def profiles_results(campaign, *, search: str = "", certifiable: str = "", divisions=()):
    rows = (
        CampaignParticipation.objects.filter(campaign=campaign).counted().exclude(status=Status.STARTED)
        .select_related("organization_learner").order_by(*BY_NAME)
    )
    rows = _matching(rows, search, divisions)
    if certifiable in ("oui", "non"):
        rows = rows.filter(status=Status.SHARED, is_certifiable=certifiable == "oui")
    return rows


def decorate_profile_rows(rows):
    """Certifiable competences of a page of profiles, from their snapshots (one query)."""
    content = get_content()
    snapshots = dict(
        KnowledgeElementSnapshot.objects.filter(participation__in=[row.pk for row in rows if row.is_shared])
        .values_list("participation_id", "knowledge_elements")
    )
    for row in rows:
        row.certifiable_competences = None
        if row.pk in snapshots:
            scores = scoring.competence_scores(
                content, list(algorithm.latest_per_skill(knowledge_from_snapshot(snapshots[row.pk])).values()),
                max_level=settings.PIX_MAX_REACHABLE_LEVEL,
            )
            row.certifiable_competences = scoring.certifiable_competence_count(scores)
    return rows

