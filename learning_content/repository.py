"""The référentiel in memory, per process, keyed by content version.

Choosing the next challenge, checking an answer or scoring must never query the content
tables: they read `get_content()`. The version is looked up in the cache (a shared Redis in
production), falling back to one query on the release row, and remembered in the process for
VERSION_MEMO_SECONDS; the content itself is rebuilt only when the version changes.
"""

import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache

VERSION_CACHE_KEY = "learning_content:version"
VERSION_CACHE_SECONDS = 60
# A Redis read costs 0.4-0.9 ms and the answer loop asked twice per answer: each process asks
# at most every few seconds, so a content load elsewhere is served within that delay.
VERSION_MEMO_SECONDS = 5
# Monotonic, so that a wall-clock jump neither freezes nor floods the check; tests move it (a
# clock behind the remembered instant counts as expired).
clock = time.monotonic


@dataclass(frozen=True, slots=True)
class AreaData:
    id: str
    code: str
    title: str
    color: str
    competence_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompetenceData:
    id: str
    index: str
    name: str
    description: str
    area_id: str
    tube_ids: tuple[str, ...]
    skill_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TubeData:
    id: str
    name: str
    practical_title: str
    practical_description: str
    competence_id: str
    skill_ids: tuple[str, ...]  # by level


@dataclass(frozen=True, slots=True)
class SkillData:
    id: str
    name: str
    level: int
    pix_value: float
    tube_id: str
    competence_id: str
    tutorial_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChallengeData:
    id: str
    skill_id: str
    type: str
    instruction: str
    proposals: tuple[str, ...]
    inputs: tuple[dict, ...]
    solution: object
    tolerances: tuple[str, ...]
    format: str
    timer: int | None
    illustration_src: str
    illustration_alt: str
    status: str
    # Not compared: challenges are set members (the engine's candidates), a dict is unhashable.
    attachment: dict = field(default_factory=dict, compare=False)

    @property
    def is_timed(self):
        return self.timer is not None


@dataclass(frozen=True, slots=True)
class TutorialData:
    id: str
    title: str
    link: str
    source: str
    format: str
    duration: timedelta


@dataclass(frozen=True, slots=True)
class StageData:
    threshold: int | None
    level: int | None
    title: str
    message: str
    prescriber_title: str
    prescriber_description: str
    is_first_skill: bool = False


@dataclass(frozen=True, slots=True)
class BadgeCriterionData:
    scope: str  # "CampaignParticipation" | "CappedTubes"
    threshold: int
    name: str = ""
    capped_tubes: tuple[tuple[str, int], ...] = ()  # (tube id, level)


@dataclass(frozen=True, slots=True)
class BadgeData:
    key: str
    title: str
    message: str
    image_src: str
    alt_message: str
    is_certifiable: bool
    is_always_visible: bool
    criteria: tuple[BadgeCriterionData, ...]


@dataclass(frozen=True, slots=True)
class TargetProfileData:
    id: str
    name: str
    category: str
    description: str
    is_outdated: bool
    are_knowledge_elements_resettable: bool
    capped_tubes: tuple[tuple[str, int], ...]
    skill_ids: tuple[str, ...]
    # Zero stage, then the « premier acquis » one, then by value: the order Pix counts them in.
    stages: tuple[StageData, ...]
    badges: tuple[BadgeData, ...] = ()


@dataclass(frozen=True)
class Content:
    version: str
    areas: dict[str, AreaData]
    competences: dict[str, CompetenceData]
    tubes: dict[str, TubeData]
    skills: dict[str, SkillData]
    challenges: dict[str, ChallengeData]
    tutorials: dict[str, TutorialData]
    target_profiles: dict[str, TargetProfileData]
    challenges_by_skill: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def competences_in_order(self):
        return sorted(self.competences.values(), key=lambda competence: competence.index)


_lock = threading.Lock()
_loaded: Content | None = None
# (version, when it was read): one tuple, replaced whole, so that threads never see half of it.
_memo: tuple[str | None, float] | None = None


def current_version() -> str | None:
    global _memo
    memo, now = _memo, clock()
    if memo is not None and 0 <= now - memo[1] < VERSION_MEMO_SECONDS:
        return memo[0]
    version = _shared_version()
    # No référentiel loaded yet (a fresh install): asked again at each call, as the cache does.
    _memo = (version, now) if version is not None else None
    return version


def _shared_version() -> str | None:
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        from .models import ContentRelease

        version = ContentRelease.objects.values_list("version", flat=True).first()
        if version is not None:
            cache.set(VERSION_CACHE_KEY, version, VERSION_CACHE_SECONDS)
    return version


def get_content() -> Content:
    global _loaded
    version = current_version()
    loaded = _loaded
    if loaded is not None and loaded.version == version:
        return loaded
    with _lock:
        if _loaded is None or _loaded.version != version:
            _loaded = build_content(version)
        return _loaded


def invalidate_content_cache():
    """After a load in this process: seen here at once, by the other processes within
    VERSION_MEMO_SECONDS."""
    global _loaded, _memo
    cache.delete(VERSION_CACHE_KEY)
    _loaded = None
    _memo = None


def _stage_order(stage: StageData):
    value = stage.threshold if stage.threshold is not None else stage.level
    if stage.is_first_skill:
        return (1, 0)
    return (0, 0) if value == 0 else (2, value)


def build_content(version: str | None) -> Content:
    """Ten queries, whatever the size of the référentiel."""
    from . import models

    skill_tutorials: dict[str, list[str]] = {}
    for skill_id, tutorial_id in models.Skill.tutorials.through.objects.values_list("skill_id", "tutorial_id"):
        skill_tutorials.setdefault(skill_id, []).append(tutorial_id)

    skills = {
        row["id"]: SkillData(
            id=row["id"], name=row["name"], level=row["level"], pix_value=row["pix_value"],
            tube_id=row["tube_id"], competence_id=row["competence_id"],
            tutorial_ids=tuple(sorted(skill_tutorials.get(row["id"], ()))),
        )
        for row in models.Skill.objects.filter(is_active=True).values(
            "id", "name", "level", "pix_value", "tube_id", "competence_id"
        )
    }
    challenges = {}
    challenges_by_skill: dict[str, list[str]] = {}
    for row in models.Challenge.objects.exclude(status=models.Challenge.Status.OBSOLETE).filter(
        skill_id__in=skills
    ).order_by("id").values():
        challenge = ChallengeData(
            id=row["id"], skill_id=row["skill_id"], type=row["type"], instruction=row["instruction"],
            proposals=tuple(row["proposals"]), inputs=tuple(row["inputs"]), solution=row["solution"],
            tolerances=tuple(row["tolerances"]), format=row["format"], timer=row["timer"],
            illustration_src=row["illustration_src"], illustration_alt=row["illustration_alt"],
            status=row["status"], attachment=row["attachment"],
        )
        challenges[challenge.id] = challenge
        challenges_by_skill.setdefault(challenge.skill_id, []).append(challenge.id)

    skills_by_tube: dict[str, list[SkillData]] = {}
    for skill in skills.values():
        skills_by_tube.setdefault(skill.tube_id, []).append(skill)
    tubes = {
        row["id"]: TubeData(
            id=row["id"], name=row["name"], practical_title=row["practical_title"],
            practical_description=row["practical_description"], competence_id=row["competence_id"],
            skill_ids=tuple(s.id for s in sorted(skills_by_tube.get(row["id"], []), key=lambda s: s.level)),
        )
        for row in models.Tube.objects.filter(is_active=True).values(
            "id", "name", "practical_title", "practical_description", "competence_id"
        )
    }
    competences = {}
    for row in models.Competence.objects.order_by("index").values():
        competence_tubes = sorted((t for t in tubes.values() if t.competence_id == row["id"]), key=lambda t: t.name)
        competences[row["id"]] = CompetenceData(
            id=row["id"], index=row["index"], name=row["name"], description=row["description"],
            area_id=row["area_id"], tube_ids=tuple(t.id for t in competence_tubes),
            skill_ids=tuple(s for t in competence_tubes for s in t.skill_ids),
        )
    areas = {
        row["id"]: AreaData(
            id=row["id"], code=row["code"], title=row["title"], color=row["color"],
            competence_ids=tuple(c.id for c in competences.values() if c.area_id == row["id"]),
        )
        for row in models.Area.objects.order_by("code").values()
    }
    tutorials = {row["id"]: TutorialData(**row) for row in models.Tutorial.objects.values()}

    capped: dict[str, list[tuple[str, int]]] = {}
    for row in models.TargetProfileTube.objects.order_by("tube_id").values("target_profile_id", "tube_id", "level"):
        capped.setdefault(row["target_profile_id"], []).append((row["tube_id"], row["level"]))
    stages: dict[str, list[StageData]] = {}
    for row in models.Stage.objects.values(
        "target_profile_id", "threshold", "level", "is_first_skill", "title", "message", "prescriber_title",
        "prescriber_description",
    ):
        profile_id = row.pop("target_profile_id")
        stages.setdefault(profile_id, []).append(StageData(**row))
    for profile_stages in stages.values():
        profile_stages.sort(key=_stage_order)
    badges: dict[str, list[BadgeData]] = {}
    for row in models.Badge.objects.order_by("position").values():
        badges.setdefault(row["target_profile_id"], []).append(BadgeData(
            key=row["key"], title=row["title"], message=row["message"], image_src=row["image_src"],
            alt_message=row["alt_message"], is_certifiable=row["is_certifiable"],
            is_always_visible=row["is_always_visible"],
            criteria=tuple(
                BadgeCriterionData(
                    scope=item["scope"], threshold=item["threshold"], name=item.get("name", ""),
                    capped_tubes=tuple((tube["tube_id"], tube["level"]) for tube in item.get("capped_tubes", ())),
                )
                for item in row["criteria"]
            ),
        ))
    target_profiles = {}
    for row in models.TargetProfile.objects.values():
        tubes_of_profile = tuple(capped.get(row["id"], ()))
        skill_ids = tuple(
            skill_id
            for tube_id, level in tubes_of_profile if tube_id in tubes
            for skill_id in tubes[tube_id].skill_ids if skills[skill_id].level <= level
        )
        target_profiles[row["id"]] = TargetProfileData(
            id=row["id"], name=row["name"], category=row["category"], description=row["description"],
            is_outdated=row["is_outdated"], are_knowledge_elements_resettable=row["are_knowledge_elements_resettable"],
            capped_tubes=tubes_of_profile, skill_ids=skill_ids, stages=tuple(stages.get(row["id"], ())),
            badges=tuple(badges.get(row["id"], ())),
        )
    return Content(
        version=version or "", areas=areas, competences=competences, tubes=tubes, skills=skills,
        challenges=challenges, tutorials=tutorials, target_profiles=target_profiles,
        challenges_by_skill={skill_id: tuple(ids) for skill_id, ids in challenges_by_skill.items()},
    )
