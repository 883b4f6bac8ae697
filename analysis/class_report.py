"""The printable class report of an evaluation: per class, its stage distribution, average,
subjects to work on with their tutorials and each pupil's stars. Its figures are the results
export's (mastery of the whole profile, "Palier obtenu"), read from the shared results."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lib.csv_format import BOM, csv_line
from participations.models import CampaignParticipation

from . import recommendation
from .selectors import SnapshotValidatedSkillIds

SUBJECTS_SHOWN = 5


@dataclass
class ClassReport:
    division: str
    pupils: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    subjects: list = field(default_factory=list)
    average_percent: int | None = None


def build_reports(content, profile, rows) -> list[ClassReport]:
    """rows: (division, last name, first name, mastery rate, validated skill ids, stage reached at
    completion or None), in name order. The stars are the stage stored at completion, as in
    Résultats and the export, whatever the parcours' stages became afterwards."""
    target = frozenset(profile.skill_ids)
    by_class: dict[str, list] = {}
    for division, last_name, first_name, mastery_rate, validated, reached in rows:
        by_class.setdefault(division, []).append(
            (last_name, first_name, mastery_rate, target & frozenset(validated), reached))
    reports = []
    for division in sorted(by_class):
        report = ClassReport(division)
        stage_counts = [0] * len(profile.stages)
        total = len(profile.stages) - 1
        for last_name, first_name, mastery_rate, _validated, reached in by_class[division]:
            pupil = {"last_name": last_name, "first_name": first_name, "mastery_rate": mastery_rate or 0,
                     "mastery_percent": round(float(mastery_rate or 0) * 100), "stars": None}
            if profile.stages and reached:
                stars = min(reached, len(profile.stages)) - 1
                pupil["stars"] = {"count": stars, "total": total, "range": range(total)}
                stage_counts[stars] += 1
            report.pupils.append(pupil)
        count = len(report.pupils)
        # As Résultats' "Résultat moyen": the mean of the mastery rates, rounded once.
        report.average_percent = round(float(sum(pupil["mastery_rate"] for pupil in report.pupils)) / count * 100)
        report.stages = [
            {"stars": index, "total": len(profile.stages) - 1, "range": range(len(profile.stages) - 1),
             "label": stage.prescriber_title or stage.title, "count": stage_counts[index]}
            for index, stage in enumerate(profile.stages)
        ]
        subjects = recommendation.tube_recommendations(
            content, profile.skill_ids, [validated for *_names, validated, _reached in by_class[division]]
        )
        report.subjects = [
            {**subject, "relevance_label": recommendation.relevance_label(subject["relevance"])}
            for subject in subjects[:SUBJECTS_SHOWN] if subject["relevance"]
        ]
        reports.append(report)
    return reports


def campaign_report_rows(campaign, divisions=()):
    """The current shared results of the campaign's pupils with a class (one query)."""
    rows = (
        CampaignParticipation.objects.counted().filter(campaign=campaign, status=CampaignParticipation.Status.SHARED)
        .filter(organization_learner__organization_id=campaign.organization_id)
        .exclude(organization_learner__division="")
        .annotate(validated=SnapshotValidatedSkillIds("snapshot__knowledge_elements"))
        .order_by("organization_learner__division", "organization_learner__last_name",
                  "organization_learner__first_name", "pk")
        .values_list("organization_learner__division", "organization_learner__last_name",
                     "organization_learner__first_name", "mastery_rate", "validated", "stage_acquisition__reached")
    )
    if divisions:
        rows = rows.filter(organization_learner__division__in=divisions)
    return [(division, last, first, rate, validated or (), reached)
            for division, last, first, rate, validated, reached in rows]


def report_csv(profile, reports) -> str:
    """The report's pupils with the export's headers and figures."""
    header = [_("Classe"), _("Nom du Participant"), _("Prénom du Participant")]
    if profile.stages:
        header.append(_("Palier obtenu (/{count})").format(count=len(profile.stages) - 1))
    header.append(_("% maitrise de l'ensemble des acquis du profil"))
    lines = [csv_line(header)]
    for report in reports:
        for pupil in report.pupils:
            cells = [report.division, pupil["last_name"], pupil["first_name"]]
            if profile.stages:
                cells.append(pupil["stars"]["count"] if pupil["stars"] else "")
            cells.append(pupil["mastery_rate"])
            lines.append(csv_line(cells))
    return BOM + "".join(lines)
