"""Writes the parsed content files into the database, in one transaction, by stable ids."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import models
from .files import ContentError, ContentFileError
from .parsing import ParsedContent, parse_content_dir
from .repository import invalidate_content_cache

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(settings.BASE_DIR) / "content"


@dataclass
class KindReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    def changed(self):
        return self.created + self.updated + self.retired


@dataclass
class LoadReport:
    version: str
    kinds: dict[str, KindReport] = field(default_factory=dict)

    @property
    def changed(self):
        return sum(kind.changed() for kind in self.kinds.values())

    def lines(self):
        for name, kind in self.kinds.items():
            yield (f"{name:<16} {kind.created:>4} créé(s) {kind.updated:>4} modifié(s) "
                   f"{kind.unchanged:>5} inchangé(s) {kind.retired:>4} retiré(s)")


def load_content(directory: Path = CONTENT_DIR) -> LoadReport:
    """Validate every file first (ContentFileError lists the errors), then upsert."""
    parsed = parse_content_dir(directory)
    _check_lengths(parsed)
    with transaction.atomic():
        report = _write(parsed)
        models.ContentRelease.objects.update_or_create(
            pk=1, defaults={"version": parsed.version, "loaded_at": timezone.now(),
                            "summary": {name: vars(kind) for name, kind in report.kinds.items()}},
        )
        transaction.on_commit(invalidate_content_cache)
    logger.info("content %s loaded, %s change(s)", parsed.version[:12], report.changed)
    return report


def _check_lengths(parsed: ParsedContent) -> None:
    """A text longer than its column: SQLite would store it, PostgreSQL refuse the whole load."""
    errors = []
    for model, rows in [
        (models.Area, parsed.areas), (models.Competence, parsed.competences), (models.Tube, parsed.tubes),
        (models.Tutorial, parsed.tutorials), (models.Skill, parsed.skills), (models.Challenge, parsed.challenges),
        (models.TargetProfile, parsed.target_profiles), (models.Badge, parsed.badges),
    ]:
        limits = {f.name: f.max_length for f in model._meta.fields if getattr(f, "max_length", None)}
        for row in rows:
            for name, limit in limits.items():
                value = row.get(name)
                if isinstance(value, str) and len(value) > limit:
                    errors.append(ContentError(
                        str(CONTENT_DIR.name), 0,
                        f"{row.get('id') or row['key']} : « {name} » a {len(value)} caractères, {limit} au plus",
                    ))
    if errors:
        raise ContentFileError(errors)


def _upsert(model, rows, report: KindReport, *, retire=None):
    """Create or update `rows` (dicts with an `id`); `retire(queryset)` handles the rows that
    are no longer in the files and returns how many it changed."""
    pk = model._meta.pk.name
    fields = [name for name in rows[0] if name != pk] if rows else []
    existing = {obj.pk: obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for row in rows:
        current = existing.get(row[pk])
        if current is None:
            to_create.append(model(**row))
        elif any(getattr(current, name) != row[name] for name in fields):
            for name in fields:
                setattr(current, name, row[name])
            to_update.append(current)
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    report.created += len(to_create)
    report.updated += len(to_update)
    if retire:
        gone = model.objects.exclude(pk__in=[row[pk] for row in rows])
        report.retired += retire(gone)


def _write(parsed: ParsedContent) -> LoadReport:
    report = LoadReport(version=parsed.version)
    kinds = {name: KindReport() for name in (
        "domaines", "compétences", "sujets", "tutoriels", "acquis", "liens tutoriels", "épreuves",
        "profils cibles", "paliers et sujets", "badges",
    )}
    report.kinds = kinds
    _upsert(models.Area, parsed.areas, kinds["domaines"])
    _upsert(models.Competence, parsed.competences, kinds["compétences"])
    for tube in parsed.tubes:
        tube["is_active"] = True
    _upsert(models.Tube, parsed.tubes, kinds["sujets"],
            retire=lambda gone: gone.filter(is_active=True).update(is_active=False))
    _upsert(models.Tutorial, parsed.tutorials, kinds["tutoriels"])
    for skill in parsed.skills:
        skill["is_active"] = True
    _upsert(models.Skill, parsed.skills, kinds["acquis"],
            retire=lambda gone: gone.filter(is_active=True).update(is_active=False))
    _sync_skill_tutorials(parsed.skill_tutorials, kinds["liens tutoriels"])
    _upsert(models.Challenge, parsed.challenges, kinds["épreuves"],
            retire=lambda gone: gone.exclude(status="périmé").update(status="périmé"))
    _upsert(models.TargetProfile, parsed.target_profiles, kinds["profils cibles"],
            retire=lambda gone: gone.filter(is_outdated=False).update(is_outdated=True))
    _sync_profile_details(parsed, kinds["paliers et sujets"])
    _sync_badges(parsed.badges, kinds["badges"])
    return report


def _sync_badges(rows: list[dict], report: KindReport):
    """By key. A badge gone from the files is deleted: its acquisitions keep its key."""
    _upsert(models.Badge, rows, report, retire=lambda gone: gone.delete()[0])


def _sync_skill_tutorials(wanted: set[tuple[str, str]], report: KindReport):
    through = models.Skill.tutorials.through
    existing = set(through.objects.values_list("skill_id", "tutorial_id"))
    removed = existing - wanted
    if removed:
        pairs = Q()
        for skill_id, tutorial_id in removed:
            pairs |= Q(skill_id=skill_id, tutorial_id=tutorial_id)
        through.objects.filter(pairs).delete()
    through.objects.bulk_create(
        [through(skill_id=s, tutorial_id=t) for s, t in sorted(wanted - existing)], batch_size=1000
    )
    report.created += len(wanted - existing)
    report.retired += len(removed)
    report.unchanged += len(existing & wanted)


def _sync_profile_details(parsed: ParsedContent, report: KindReport):
    """Capped tubes and stages have no ids of their own: a profile whose list changed gets
    its list rewritten."""
    def key_tubes(rows):
        return sorted((row["tube_id"], row["level"]) for row in rows)

    stage_fields = [
        "threshold", "level", "is_first_skill", "title", "message", "prescriber_title", "prescriber_description",
    ]

    def key_stages(rows):
        return sorted(tuple(str(row[name]) for name in stage_fields) for row in rows)

    def by_profile(rows):
        grouped = defaultdict(list)
        for row in rows:
            grouped[row["target_profile_id"]].append(row)
        return grouped

    wanted_tubes, wanted_stages = by_profile(parsed.capped_tubes), by_profile(parsed.stages)
    current_tubes = by_profile(models.TargetProfileTube.objects.values())
    current_stages = by_profile(models.Stage.objects.values())
    rewritten = []
    for profile in parsed.target_profiles:
        profile_id = profile["id"]
        if (key_tubes(current_tubes[profile_id]) == key_tubes(wanted_tubes[profile_id])
                and key_stages(current_stages[profile_id]) == key_stages(wanted_stages[profile_id])):
            report.unchanged += 1
            continue
        rewritten.append(profile_id)
        if current_tubes[profile_id] or current_stages[profile_id]:
            report.updated += 1
        else:
            report.created += 1
    if rewritten:
        models.TargetProfileTube.objects.filter(target_profile_id__in=rewritten).delete()
        models.Stage.objects.filter(target_profile_id__in=rewritten).delete()
        models.TargetProfileTube.objects.bulk_create(
            models.TargetProfileTube(**row) for profile_id in rewritten for row in wanted_tubes[profile_id]
        )
        models.Stage.objects.bulk_create(
            models.Stage(**row) for profile_id in rewritten for row in wanted_stages[profile_id]
        )
