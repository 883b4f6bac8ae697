"""Class × competence: how much of each competence the pupils of each class master, for one
campaign or over the school year (each pupil's latest shared evaluation). A cell is Pix's
"Résultats par compétence" restricted to a class: validated skills ÷ skills targeted, summed
over the class's pupils."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.models import Campaign
from participations.models import CampaignParticipation

from .selectors import SnapshotValidatedSkillIds

# The bands of the colour scale (lower bounds, in %), each with its legend; the figure is
# always written in the cell, the colour only repeats it.
BANDS = ((0, "low"), (25, "fair"), (50, "good"), (75, "high"))


def band_of(percent: int | None) -> str:
    if percent is None:
        return "none"
    return [name for low, name in BANDS if percent >= low][-1]


def band_legend() -> list[dict]:
    labels = {"low": _("moins de 25 %"), "fair": _("de 25 à 49 %"), "good": _("de 50 à 74 %"),
              "high": _("de 75 à 100 %"), "none": _("non évaluée")}
    return [{"band": name, "label": labels[name]} for name in (*[name for _low, name in BANDS], "none")]


@dataclass(frozen=True)
class Entry:
    """One pupil's shared result: his class, the campaign's targeted skills, those he validated."""
    learner_id: int
    last_name: str
    first_name: str
    division: str
    target_skill_ids: frozenset
    validated_skill_ids: frozenset


def competence_cells(competences, skill_competence: dict[str, str], entries) -> dict:
    """{(competence id, division): (validated, targeted)} summed over the entries. competences:
    the ids shown; skill_competence: skill id → competence id."""
    cells: dict = {}
    for entry in entries:
        for skill_id in entry.target_skill_ids:
            competence_id = skill_competence.get(skill_id)
            if competence_id not in competences:
                continue
            validated, targeted = cells.get((competence_id, entry.division), (0, 0))
            cells[(competence_id, entry.division)] = (validated + (skill_id in entry.validated_skill_ids), targeted + 1)
    return cells


def percent(validated: int, targeted: int) -> int | None:
    return round(100 * validated / targeted) if targeted else None


def heatmap(content, entries) -> dict:
    """The table: competences (rows, référentiel order) that some entry targets, classes
    (columns) with at least one entry."""
    skill_competence = {skill_id: skill.competence_id for skill_id, skill in content.skills.items()}
    targeted = {skill_competence.get(skill_id) for entry in entries for skill_id in entry.target_skill_ids}
    competences = [competence for competence in content.competences_in_order() if competence.id in targeted]
    divisions = sorted({entry.division for entry in entries})
    cells = competence_cells({competence.id for competence in competences}, skill_competence, entries)
    rows = []
    for competence in competences:
        row = []
        for division in divisions:
            value = percent(*cells.get((competence.id, division), (0, 0)))
            row.append({"division": division, "percent": value, "band": band_of(value)})
        rows.append({"competence": competence, "cells": row})
    pupils = [sum(1 for entry in entries if entry.division == division) for division in divisions]
    return {"divisions": divisions, "rows": rows, "pupils": pupils}


def pupils_of_cell(content, entries, *, division: str, competence_id: str) -> list[dict]:
    """The pupils behind one cell, by name, with their own figure for the competence."""
    skills = {skill_id for skill_id, skill in content.skills.items() if skill.competence_id == competence_id}
    rows = []
    for entry in sorted(entries, key=lambda entry: (entry.last_name, entry.first_name, entry.learner_id)):
        target = entry.target_skill_ids & skills
        if entry.division != division or not target:
            continue
        validated = len(target & entry.validated_skill_ids)
        value = percent(validated, len(target))
        rows.append({"entry": entry, "validated": validated, "targeted": len(target), "percent": value,
                     "band": band_of(value)})
    return rows


# --- Reading the results -------------------------------------------------------------------

def _shared(organization):
    return (
        CampaignParticipation.objects.counted().filter(
            status=CampaignParticipation.Status.SHARED, campaign__organization=organization,
            campaign__deleted_at__isnull=True, campaign__type=Campaign.Type.ASSESSMENT,
            organization_learner__organization=organization, organization_learner__deleted_at__isnull=True,
        )
        .exclude(organization_learner__division="")
        .annotate(validated=SnapshotValidatedSkillIds("snapshot__knowledge_elements"))
        .values("organization_learner_id", "organization_learner__last_name", "organization_learner__first_name",
                "organization_learner__division", "campaign__target_profile_id", "validated")
    )


def _entry(content, row) -> Entry | None:
    profile = content.target_profiles.get(row["campaign__target_profile_id"])
    if profile is None:
        return None
    return Entry(row["organization_learner_id"], row["organization_learner__last_name"],
                 row["organization_learner__first_name"], row["organization_learner__division"],
                 frozenset(profile.skill_ids), frozenset(row["validated"] or ()))


def campaign_entries(content, campaign) -> list[Entry]:
    """The shared results of one evaluation (one query)."""
    rows = _shared(campaign.organization).filter(campaign=campaign)
    return [entry for entry in (_entry(content, row) for row in rows) if entry is not None]


def year_entries(content, organization, *, since) -> list[Entry]:
    """Each pupil's latest shared evaluation sent since `since` (the start of the school year),
    whatever the campaign (one query)."""
    rows = _shared(organization).filter(shared_at__gte=since).order_by(
        "organization_learner_id", "-shared_at", "-pk"
    )
    latest = {}
    for row in rows:
        latest.setdefault(row["organization_learner_id"], row)
    return [entry for entry in (_entry(content, row) for row in latest.values()) if entry is not None]


def school_year_start(today):
    """1 September of the current school year."""
    return today.replace(year=today.year if today.month >= 9 else today.year - 1, month=9, day=1)
