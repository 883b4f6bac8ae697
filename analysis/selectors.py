"""Reads of the campaign tabs. Shared participations are read from the values stored at
sharing (mastery, pix) or from their snapshot, never from live knowledge elements. Every
function costs a fixed number of queries whatever the number of participants.

The figures over a whole campaign (counts, days, average, distribution) are read from the
index of counted participations (`participation_counted`) without touching the table; the
lists walk the pupils in name order along their (organization, name) index, which is why they
name the campaign's school although every participant's pupil belongs to it (bench/README.md,
"Scale": 100,000 participations).
"""

from collections import Counter

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Exists, FilteredRelation, Func, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from assessments import algorithm, scoring
from learning_content.repository import get_content
from organizations.models import OrganizationLearner
from participations.models import BadgeAcquisition, CampaignParticipation, KnowledgeElementSnapshot
from participations.selectors import knowledge_from_snapshot, stored_stars

Status = CampaignParticipation.Status


class SnapshotValidatedSkillIds(Func):
    """The ids of the skills a snapshot validates, as a JSON list picked out by the database:
    an export or an analysis of a big campaign then reads about twenty ids per participant
    instead of some fifty objects of six keys (parsing them was most of its time). A snapshot
    holds one element per skill, the latest at sending, as `recommendation.validated_skill_ids`
    also assumes."""

    arity = 1
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra):
        template = (f"jsonb_path_query_array(%(expressions)s, "
                    f"'$[*] ? (@.status == \"{algorithm.VALIDATED}\").skill_id')")
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = (
            "(SELECT json_group_array(json_extract(value, '$.skill_id')) FROM json_each(%(expressions)s) "
            f"WHERE json_extract(value, '$.status') = '{algorithm.VALIDATED}')"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def _counted(campaign):
    return CampaignParticipation.objects.filter(campaign=campaign).counted()


def _in_name_order(rows, campaign):
    """rows by the pupil's last name, first name, then id. Naming the school is redundant (a
    participant's pupil always belongs to the campaign's) but lets the database walk the pupils
    along their (organization, name) index and stop at the page, where it sorted them all;
    inside the join (a FilteredRelation), the condition stays out of the paginator's COUNT."""
    return rows.annotate(pupil=FilteredRelation(
        "organization_learner", condition=Q(organization_learner__organization_id=campaign.organization_id),
    )).order_by("pupil__last_name", "pupil__first_name", "pk")


def activity_summary(campaign) -> dict:
    by_status = dict(_counted(campaign).order_by().values("status").annotate(n=Count("pk"))
                     .values_list("status", "n"))
    counts = {"started": by_status.get(Status.STARTED, 0), "to_share": by_status.get(Status.TO_SHARE, 0),
              "shared": by_status.get(Status.SHARED, 0)}
    counts["total"] = total = sum(by_status.values())
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
    """Cumulated participants and received results per day: one query grouped by the day of
    joining and the day of sending (none before sending), read once."""
    started, shared = Counter(), Counter()
    pairs = (
        _counted(campaign).order_by()
        .values(started_on=TruncDate("created_at"), shared_on=TruncDate("shared_at"))
        .annotate(n=Count("pk")).values_list("started_on", "shared_on", "n")
    )
    for started_on, shared_on, count in pairs:
        started[started_on] += count
        if shared_on is not None:
            shared[shared_on] += count
    rows, total, received = [], 0, 0
    for day in sorted(set(started) | set(shared)):
        total += started.get(day, 0)
        received += shared.get(day, 0)
        rows.append({"day": day, "total": total, "shared": received})
    return rows


def _matching(rows, campaign, search: str, divisions=()):
    """Every word of the search in the first name, the last name or (when the campaign asks for
    one) the external id; in one of the classes if any is chosen. Either joins the pupils:
    naming the school there too lets the database start from a class through the pupils'
    (organization, division) index, or from a word through the names' trigram indexes."""
    if search.split() or divisions:
        rows = rows.filter(organization_learner__organization_id=campaign.organization_id)
    for word in search.split():
        matches = (Q(organization_learner__first_name__icontains=word)
                   | Q(organization_learner__last_name__icontains=word))
        if campaign.external_id_label:
            # Only then: an OR across the two tables keeps PostgreSQL off the names' trigram indexes.
            matches |= Q(participant_external_id__icontains=word)
        rows = rows.filter(matches)
    if divisions:
        rows = rows.filter(organization_learner__division__in=divisions)
    return rows


_CAMPAIGN_DIVISIONS = """
WITH RECURSIVE classes(division) AS (
    SELECT MIN(division) FROM {learners} WHERE organization_id = %(school)s AND division > ''
    UNION ALL
    SELECT (SELECT MIN(division) FROM {learners}
            WHERE organization_id = %(school)s AND division > classes.division)
    FROM classes WHERE classes.division IS NOT NULL
)
SELECT division FROM classes
WHERE division IS NOT NULL AND (
    SELECT 1 FROM {learners} pupil JOIN {participations} participation
        ON participation.organization_learner_id = pupil.id
    WHERE pupil.organization_id = %(school)s AND pupil.division = classes.division
        AND participation.campaign_id = %(campaign)s AND NOT participation.is_improved
        AND participation.deleted_at IS NULL
    LIMIT 1
) IS NOT NULL
ORDER BY division
"""


def campaign_divisions(campaign) -> list[str]:
    """The classes of the campaign's participants, for the "Classes" filter. The school's
    classes are walked one by one along the pupils' (organization, division) index, each kept
    if one of its pupils takes part: a DISTINCT over the participants read all of them on every
    view of a tab (80 ms for 100,000 on the bench machine, under 1 ms this way). The probe is a
    scalar subquery with LIMIT 1, not EXISTS: PostgreSQL would turn an EXISTS into a join of
    every participant again."""
    sql = _CAMPAIGN_DIVISIONS.format(
        learners=connection.ops.quote_name(OrganizationLearner._meta.db_table),
        participations=connection.ops.quote_name(CampaignParticipation._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"school": campaign.organization_id, "campaign": campaign.pk})
        return [division for (division,) in cursor.fetchall()]


def participants(campaign, *, status: str = "", search: str = "", divisions=()):
    """The participants list of Activité: current participations, with the number of
    participations of the same pupil (multiple sending)."""
    sendings = (
        CampaignParticipation.objects.filter(
            campaign=campaign, organization_learner=OuterRef("organization_learner"), deleted_at__isnull=True
        ).order_by().values("organization_learner").annotate(n=Count("pk")).values("n")
    )
    rows = (
        _in_name_order(_counted(campaign), campaign)
        .select_related("organization_learner")
        .annotate(participation_count=Subquery(sendings))
    )
    if status in Status.values:
        rows = rows.filter(status=status)
    return _matching(rows, campaign, search, divisions)


def _profile(content, campaign):
    return content.target_profiles.get(campaign.target_profile_id)


def _badge_filter(rows, profile, *, badges=(), unacquired=()):
    """« Thématiques »: every badge chosen won; « Lacunes »: none of them won (badges §1.4).
    One EXISTS per chosen badge, whatever the number of participants."""
    keys = {badge.key for badge in profile.badges} if profile else set()
    for key in sorted(set(badges) & keys):
        rows = rows.filter(Exists(BadgeAcquisition.objects.filter(participation=OuterRef("pk"), badge_key=key)))
    missing = sorted(set(unacquired) & keys)
    if missing:
        won_one = BadgeAcquisition.objects.filter(participation=OuterRef("pk"), badge_key__in=missing)
        rows = rows.filter(~Exists(won_one))
    return rows


def assessment_results(campaign, *, search: str = "", stage: str = "", divisions=(), badges=(), unacquired=()):
    """Résultats of an evaluation: the average, the count and the distribution by the stage
    stored at completion (one query) and the list of received results."""
    content = get_content()
    shared = CampaignParticipation.objects.filter(campaign=campaign, status=Status.SHARED).counted()
    profile = _profile(content, campaign)
    stages = profile.stages if profile else ()
    distribution = []
    if stages:
        figures = shared.aggregate(average=Avg("mastery_rate"), shared_count=Count("pk"), **{
            f"s{index}": Count("pk", filter=Q(stage_acquisition__reached=index + 1)) for index in range(len(stages))
        })
        counts = [figures[f"s{index}"] for index in range(len(stages))]
        total = sum(counts)
        for index, (stage_data, count) in enumerate(zip(stages, counts)):
            distribution.append({
                "index": index, "stars": index, "total_stars": len(stages) - 1,
                "star_range": range(len(stages) - 1),
                "label": stage_data.prescriber_title or stage_data.title,
                "count": count, "percent": round(100 * count / total) if total else 0,
            })
    else:
        buckets = [(low, low + 10) for low in range(0, 100, 10)]
        figures = shared.aggregate(average=Avg("mastery_rate"), shared_count=Count("pk"), **{
            f"b{low}": Count("pk", filter=_mastery_between(low, high if high < 100 else None)) for low, high in buckets
        })
        counts = {f"b{low}": figures[f"b{low}"] for low, _high in buckets}
        total = sum(counts.values())
        distribution = [
            {"label": f"{low} % - {high} %", "count": counts[f"b{low}"],
             "percent": round(100 * counts[f"b{low}"] / total) if total else 0}
            for low, high in buckets
        ]
    rows = _in_name_order(shared, campaign).select_related("organization_learner", "stage_acquisition")
    rows = _matching(rows, campaign, search, divisions)
    if stage.isascii() and stage.isdigit() and int(stage) < len(stages):
        rows = rows.filter(stage_acquisition__reached=int(stage) + 1)
    rows = _badge_filter(rows, profile, badges=badges, unacquired=unacquired)
    average = figures["average"]
    return {
        "average_percent": round(float(average) * 100) if average is not None else None,
        "shared_count": figures["shared_count"],
        "has_stages": bool(stages),
        "badges": profile.badges if profile else (),
        "distribution": distribution,
        "rows": rows,
    }


def _mastery_between(low_percent, high_percent):
    condition = Q(mastery_rate__gte=low_percent / 100)
    if high_percent is not None:
        condition &= Q(mastery_rate__lt=high_percent / 100)
    return condition


def decorate_assessment_rows(campaign, rows):
    """Stars of the stored stage (joined with the rows) and every badge of the parcours, won or
    not (one query for the page)."""
    profile = _profile(get_content(), campaign)
    won: dict[int, set[str]] = {}
    if profile and profile.badges:
        for participation_id, key in BadgeAcquisition.objects.filter(
            participation__in=[row.pk for row in rows]
        ).values_list("participation_id", "badge_key"):
            won.setdefault(participation_id, set()).add(key)
    for row in rows:
        row.stars = stored_stars(profile, getattr(row, "stage_acquisition", None)) if profile else None
        row.mastery_percent = round(float(row.mastery_rate or 0) * 100)
        row.badges = [
            {"badge": badge, "acquired": badge.key in won.get(row.pk, ())}
            for badge in (profile.badges if profile else ())
        ]
    return rows


def badge_shares(campaign) -> list[dict]:
    """Per badge of the parcours, how many of the received results won it and their share
    (the latest sending of each pupil): one query."""
    profile = _profile(get_content(), campaign)
    if profile is None or not profile.badges:
        return []
    shared = CampaignParticipation.objects.filter(campaign=campaign, status=Status.SHARED).counted()
    # Distinct: the join has one line per badge won.
    figures = shared.aggregate(total=Count("pk", distinct=True), **{
        f"b{index}": Count("pk", distinct=True, filter=Q(badge_acquisitions__badge_key=badge.key))
        for index, badge in enumerate(profile.badges)
    })
    total = figures["total"]
    return [
        {"badge": badge, "count": figures[f"b{index}"],
         "percent": round(100 * figures[f"b{index}"] / total) if total else 0}
        for index, badge in enumerate(profile.badges)
    ]


def profiles_results(campaign, *, search: str = "", certifiable: str = "", divisions=()):
    rows = (
        _in_name_order(_counted(campaign).exclude(status=Status.STARTED), campaign)
        .select_related("organization_learner")
    )
    rows = _matching(rows, campaign, search, divisions)
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
                max_level=settings.MAX_REACHABLE_LEVEL,
            )
            row.certifiable_competences = scoring.certifiable_competence_count(scores)
    return rows

