"""The results export of a campaign, as CSV or XLSX (domain rules §9).

Two halves. The pure one turns plain values into cells, headers and lines, and is tested
without a database. The reading one (`export_chunks`) goes through the participations with a
server-side cursor, in chunks: per chunk one query for the snapshots of the shared ones and
one for the live knowledge elements of the unfinished evaluations, whatever the number of
participants, so memory stays flat and the file is written as it is read.
"""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from itertools import islice
from zoneinfo import ZoneInfo

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessments import algorithm, scoring
from assessments.models import Assessment
from assessments.services import users_knowledge_elements
from lib.csv_format import (
    BOM,
    FORMULA_TRIGGERS,
    LINE_END,
    SEPARATOR,
    csv_cell,
    csv_line,  # noqa: F401 - the line CsvWriter writes, tested from here
    plain,
)
from participations.models import (
    BadgeAcquisition,
    CampaignParticipation,
    KnowledgeElementSnapshot,
    StageAcquisition,
)
from participations.selectors import knowledge_from_snapshot

from .selectors import SnapshotValidatedSkillIds

PARIS = ZoneInfo("Europe/Paris")
CHUNK_SIZE = 200
_FILENAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Status = CampaignParticipation.Status
# DATETIME_FORMAT in Excel's notation, so a date cell reads as the CSV's text.
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def paris_datetime(moment: datetime) -> datetime:
    """The wall-clock time in Paris, to the minute as the CSV shows it. Naive, because a
    spreadsheet's date cell has no time zone: the XLSX then holds the same date as the CSV."""
    return moment.astimezone(PARIS).replace(tzinfo=None, second=0, microsecond=0)


# The same few fractions come back on every line (mastered skills out of a group's count).
@lru_cache(maxsize=4096)
def ratio(numerator: int, denominator: int, places: int) -> Decimal:
    if not denominator:
        return Decimal(0)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(numerator) / Decimal(denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def export_filename(campaign_name: str, campaign_id: int, moment: datetime, extension: str) -> str:
    """§9.0 `Resultats-{name}-{id}-{YYYY-MM-DD-HHmm}`; characters a file system refuses become _."""
    name = _FILENAME_UNSAFE.sub("_", campaign_name).strip() or "campagne"
    return f"Resultats-{name}-{campaign_id}-{moment.astimezone(PARIS):%Y-%m-%d-%H%M}.{extension}"


# --- Headers and lines from plain values ----------------------------------------------------

@dataclass(frozen=True, slots=True)
class SkillGroup:
    """A competence or an area, with the campaign's skills in it."""

    id: str
    name: str
    skill_ids: frozenset[str]


@dataclass(frozen=True)
class Layout:
    """What the columns of a campaign's export depend on."""

    is_assessment: bool
    organization_name: str
    campaign_id: int
    campaign_code: str
    campaign_name: str
    external_id_label: str = ""
    target_profile_name: str = ""
    target_skill_ids: frozenset[str] = frozenset()
    stages: tuple = ()
    # (key, title) of the parcours' badges, in its order: one column each.
    badges: tuple[tuple[str, str], ...] = ()
    competences: tuple[SkillGroup, ...] = ()
    areas: tuple[SkillGroup, ...] = ()
    max_level: int = 7
    # A SCO school managing its pupils: the `Classe` column (§9.0).
    with_division: bool = False

    @cached_property
    def participant_values(self):
        # Built once per export: the headers' gettext calls cost more than the line itself.
        return tuple(value for _header, value in _participant_columns(self))


@dataclass(frozen=True, slots=True)
class Participant:
    """One participation as read from the database."""

    last_name: str
    first_name: str
    external_id: str
    created_at: datetime
    division: str = ""
    shared_at: datetime | None = None
    mastery_rate: Decimal | None = None
    pix_score: int | None = None
    is_certifiable: bool | None = None
    # The snapshot frozen at sending; empty before.
    knowledge: tuple[algorithm.KnowledgeElement, ...] = ()
    # Evaluations: the skills the snapshot validates, when read as such (then `knowledge` is
    # not needed).
    validated_skill_ids: frozenset[str] | None = None
    # Evaluations: 1 once the test is over, else the share of target skills tested.
    progression: Decimal | int | None = None
    # Evaluations: the stage stored at completion (1-based, None without) and the badges won.
    reached_stage: int | None = None
    badge_keys: frozenset[str] = frozenset()

    @property
    def is_shared(self):
        return self.shared_at is not None


def _participant_columns(layout: Layout):
    """(header, value) of the columns naming the participant, at the same place in both
    kinds of export; `Classe` for a SCO school managing its pupils (§9.0)."""
    columns = [
        (_("Nom du Participant"), lambda participant: participant.last_name),
        (_("Prénom du Participant"), lambda participant: participant.first_name),
    ]
    if layout.with_division:
        columns.append((_("Classe"), lambda participant: participant.division))
    if layout.external_id_label:
        columns.append((layout.external_id_label, lambda participant: participant.external_id))
    return columns


def _campaign_headers(layout: Layout) -> list[str]:
    headers = [_("Nom de l'organisation"), _("ID Campagne"), _("Code"), _("Nom de la campagne")]
    if layout.is_assessment:
        headers.append(_("Parcours"))
    return headers


def _campaign_cells(layout: Layout) -> list:
    cells = [layout.organization_name, layout.campaign_id, layout.campaign_code, layout.campaign_name]
    if layout.is_assessment:
        cells.append(layout.target_profile_name)
    return cells


def headers(layout: Layout) -> list[str]:
    columns = [*_campaign_headers(layout), *(header for header, _ in _participant_columns(layout))]
    if not layout.is_assessment:
        columns += [_("Envoi (O/N)"), _("Date de l'envoi"), _("Nombre de pix total"), _("Certifiable (O/N)"),
                    _("Nombre de compétences certifiables")]
        for competence in layout.competences:
            columns += [_("Niveau pour la compétence {name}").format(name=competence.name),
                        _("Nombre de pix pour la compétence {name}").format(name=competence.name)]
        return columns
    columns += [_("% de progression"), _("Date de début"), _("Partage (O/N)"), _("Date du partage")]
    if layout.stages:
        columns.append(_("Palier obtenu (/{count})").format(count=len(layout.stages) - 1))
    columns += [_("{title} obtenu (O/N)").format(title=title) for _key, title in layout.badges]
    columns.append(_("% maitrise de l'ensemble des acquis du profil"))
    for competence in layout.competences:
        name = competence.name
        columns += [_("% de maitrise des acquis de la compétence {name}").format(name=name),
                    _("Nombre d'acquis du profil cible dans la compétence {name}").format(name=name),
                    _("Acquis maitrisés dans la compétence {name}").format(name=name)]
    for area in layout.areas:
        columns += [_("% de maitrise des acquis du domaine {name}").format(name=area.name),
                    _("Nombre d'acquis du profil cible du domaine {name}").format(name=area.name),
                    _("Acquis maitrisés du domaine {name}").format(name=area.name)]
    return columns


def line(layout: Layout, participant: Participant) -> list:
    cells = [*_campaign_cells(layout), *(value(participant) for value in layout.participant_values)]
    if layout.is_assessment:
        return cells + _evaluation_cells(layout, participant)
    return cells + _collection_cells(layout, participant)


def _evaluation_cells(layout: Layout, participant: Participant) -> list:
    shared = participant.is_shared
    cells = [
        participant.progression, paris_datetime(participant.created_at), shared,
        paris_datetime(participant.shared_at) if shared else None,
    ]
    results_width = (
        (1 if layout.stages else 0) + len(layout.badges) + 1 + 3 * (len(layout.competences) + len(layout.areas))
    )
    if not shared:
        return cells + [None] * results_width
    validated = _validated_target_skills(layout, participant)
    if layout.stages:
        cells.append(participant.reached_stage - 1 if participant.reached_stage else None)
    cells += [key in participant.badge_keys for key, _title in layout.badges]
    cells.append(participant.mastery_rate)
    for group in (*layout.competences, *layout.areas):
        mastered = len(validated & group.skill_ids)
        cells += [ratio(mastered, len(group.skill_ids), 2), len(group.skill_ids), mastered]
    return cells


def _validated_target_skills(layout: Layout, participant: Participant) -> frozenset[str]:
    if participant.validated_skill_ids is not None:
        return layout.target_skill_ids.intersection(participant.validated_skill_ids)
    latest = algorithm.latest_per_skill(participant.knowledge)
    return layout.target_skill_ids.intersection(
        skill_id for skill_id, element in latest.items() if element.status == algorithm.VALIDATED
    )


def _collection_cells(layout: Layout, participant: Participant) -> list:
    shared = participant.is_shared
    cells = [shared, paris_datetime(participant.shared_at) if shared else None]
    if not shared:
        return cells + [None] * (3 + 2 * len(layout.competences))
    earned: dict[str, list[float]] = {}
    for element in algorithm.latest_per_skill(participant.knowledge).values():
        earned.setdefault(element.competence_id, []).append(element.earned_pix)
    scores = [
        scoring.competence_score(
            competence.id, math.fsum(earned.get(competence.id, ())), max_level=layout.max_level
        )
        for competence in layout.competences
    ]
    cells += [participant.pix_score, participant.is_certifiable, scoring.certifiable_competence_count(scores)]
    for score in scores:
        cells += [score.level, score.pix]
    return cells


def evaluation_progression(knowledge, *, target_skill_ids: frozenset[str], completed: bool,
                           assessment_started_at: datetime | None) -> Decimal | int:
    """§6 "% de progression" of a participation not sent: 1 once the test is over, else the
    target skills tested (after the 4-day rule of every campaign test, §4.2) over the target
    skills, 3 decimals."""
    if completed:
        return 1
    if assessment_started_at is not None:
        knowledge = algorithm.usable_for_campaign(
            knowledge, assessment_started_at=assessment_started_at, improving=True
        )
    tested = len(target_skill_ids.intersection(algorithm.latest_per_skill(knowledge)))
    return ratio(tested, len(target_skill_ids), 3)


# --- Reading the campaign ------------------------------------------------------------------

def campaign_layout(campaign, content, *, max_level: int) -> Layout:
    """campaign with its organization loaded; content = get_content()."""
    common = dict(
        organization_name=campaign.organization.name, campaign_id=campaign.pk, campaign_code=campaign.code,
        campaign_name=campaign.name, external_id_label=campaign.external_id_label, max_level=max_level,
        with_division=campaign.organization.type == "SCO" and campaign.organization.is_managing_students,
    )
    if not campaign.is_assessment:
        return Layout(is_assessment=False, competences=tuple(
            SkillGroup(competence.id, competence.name, frozenset(competence.skill_ids))
            for competence in content.competences_in_order()
        ), **common)
    profile = content.target_profiles[campaign.target_profile_id]
    target = frozenset(profile.skill_ids)
    by_competence: dict[str, set[str]] = {}
    for skill_id in target:
        by_competence.setdefault(content.skills[skill_id].competence_id, set()).add(skill_id)
    competences = tuple(
        SkillGroup(competence.id, competence.name, frozenset(by_competence[competence.id]))
        for competence in content.competences_in_order() if competence.id in by_competence
    )
    areas = []
    for area in sorted(content.areas.values(), key=lambda area: area.code):
        skills = frozenset().union(*(by_competence.get(competence_id, ()) for competence_id in area.competence_ids))
        if skills:
            areas.append(SkillGroup(area.id, area.title, skills))
    return Layout(
        is_assessment=True, target_profile_name=profile.name, target_skill_ids=target,
        stages=profile.stages, badges=tuple((badge.key, badge.title) for badge in profile.badges),
        competences=competences, areas=tuple(areas), **common,
    )


_FIELDS = (
    "pk", "user_id", "organization_learner__last_name", "organization_learner__first_name",
    "organization_learner__division", "participant_external_id", "status", "created_at",
    "shared_at", "mastery_rate", "pix_score", "is_certifiable", "assessment__state", "assessment__created_at",
)


def _participations(campaign, divisions=()):
    """§9.0: every participation not deleted, the older sendings too; of these classes if any."""
    rows = CampaignParticipation.objects.filter(campaign=campaign, deleted_at__isnull=True)
    if divisions:
        rows = rows.filter(organization_learner__organization_id=campaign.organization_id,
                           organization_learner__division__in=divisions)
    return rows


def export_row_count(campaign, divisions=()) -> int:
    return _participations(campaign, divisions).count()


def export_chunks(campaign, layout: Layout, *, chunk_size: int | None = None, divisions=()) -> Iterator[list[list]]:
    """The lines of the export, chunk by chunk, in a stable order (§9.0): by name, the latest
    sending of a pupil first."""
    chunk_size = chunk_size or CHUNK_SIZE
    rows = (
        _participations(campaign, divisions)
        .order_by(
            Lower("organization_learner__last_name"), Lower("organization_learner__first_name"), "-created_at", "-pk"
        )
        .values(*_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(rows, chunk_size)):
        yield [line(layout, participant) for participant in _participants(chunk, layout)]


def _participants(chunk: list[dict], layout: Layout) -> list[Participant]:
    shared_snapshots = KnowledgeElementSnapshot.objects.filter(
        participation_id__in=[row["pk"] for row in chunk if row["status"] == Status.SHARED]
    )
    # An evaluation's line needs only the validated skills; a profile's line needs the pix of
    # every element.
    snapshots = dict(shared_snapshots.values_list(
        "participation_id",
        SnapshotValidatedSkillIds("knowledge_elements") if layout.is_assessment else "knowledge_elements",
    ))
    unfinished = {
        row["user_id"] for row in chunk
        if layout.is_assessment and row["user_id"] and row["status"] != Status.SHARED
        and row["assessment__state"] != Assessment.State.COMPLETED
    }
    live = users_knowledge_elements(unfinished, layout.target_skill_ids)
    shared_ids = [row["pk"] for row in chunk if row["status"] == Status.SHARED and layout.is_assessment]
    reached = dict(
        StageAcquisition.objects.filter(participation_id__in=shared_ids).values_list("participation_id", "reached")
    ) if layout.stages and shared_ids else {}
    won: dict[int, set[str]] = {}
    if layout.badges and shared_ids:
        for participation_id, key in BadgeAcquisition.objects.filter(participation_id__in=shared_ids).values_list(
            "participation_id", "badge_key"
        ):
            won.setdefault(participation_id, set()).add(key)
    participants = []
    for row in chunk:
        shared = row["status"] == Status.SHARED
        progression = None
        if layout.is_assessment:
            progression = evaluation_progression(
                live.get(row["user_id"], ()), target_skill_ids=layout.target_skill_ids,
                completed=shared or row["assessment__state"] == Assessment.State.COMPLETED,
                assessment_started_at=row["assessment__created_at"],
            )
        participants.append(Participant(
            last_name=row["organization_learner__last_name"], first_name=row["organization_learner__first_name"],
            division=row["organization_learner__division"],
            external_id=row["participant_external_id"], created_at=row["created_at"],
            shared_at=row["shared_at"], mastery_rate=row["mastery_rate"], pix_score=row["pix_score"],
            is_certifiable=row["is_certifiable"],
            knowledge=tuple(knowledge_from_snapshot(snapshots.get(row["pk"]) or ()))
            if shared and not layout.is_assessment else (),
            validated_skill_ids=frozenset(snapshots.get(row["pk"]) or ())
            if shared and layout.is_assessment else None,
            progression=progression, reached_stage=reached.get(row["pk"]),
            badge_keys=frozenset(won.get(row["pk"], ())),
        ))
    return participants


# --- Writers -------------------------------------------------------------------------------

class CsvWriter:
    # Most cells repeat from line to line (the campaign's, counts, ratios, Oui/Non, NA): each
    # distinct value is formatted once. Floats are left out (0.0 == -0.0 but they print apart).
    CACHED_CELLS = 20_000

    def __init__(self, path):
        self._file = open(path, "w", encoding="utf-8", newline="")
        self._file.write(BOM)
        self._cells = {}

    def write(self, values) -> None:
        cells, texts = self._cells, []
        for value in values:
            key = (value.__class__, value)
            text = cells.get(key)
            if text is None:
                text = csv_cell(value)
                if len(cells) < self.CACHED_CELLS and not isinstance(value, float):
                    cells[key] = text
            texts.append(text)
        self._file.write(SEPARATOR.join(texts) + LINE_END)

    def close(self) -> None:
        self._file.flush()
        self._file.close()


class XlsxWriter:
    """The same table in a workbook written as it goes (openpyxl's write-only mode)."""

    def __init__(self, path):
        self._path = path
        self._workbook = Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet(_("Résultats"))

    def write(self, values) -> None:
        self._sheet.append([self._cell(value) for value in values])

    def _cell(self, value):
        value = plain(value)
        if isinstance(value, (int, float, Decimal)):
            return WriteOnlyCell(self._sheet, value=value)
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = XLSX_DATETIME_FORMAT
            return cell
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell = WriteOnlyCell(self._sheet, value=text)
        # A string cell is never evaluated; the quote prefix keeps it text when edited, without
        # the apostrophe the CSV needs.
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
        return cell

    def close(self) -> None:
        self._workbook.save(self._path)


WRITERS = {"csv": CsvWriter, "xlsx": XlsxWriter}
