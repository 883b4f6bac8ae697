"""A small hand-made référentiel for the pure tests of the test engine and of scoring.

Skill ids read like Pix skill names ("@web3"); each skill has one validated, untimed challenge
"web3-a" unless `challenges` gives its own list of (status, timer).
"""

from dataclasses import replace

from learning_content.repository import (
    AreaData,
    ChallengeData,
    CompetenceData,
    Content,
    SkillData,
    TubeData,
)

# Two competences; "mail" and "file" are easy tubes (max level 3), "web" and "code" are not.
TUBES = {
    "web": ("comp-a", (1, 2, 3, 4, 5, 6)),
    "mail": ("comp-a", (1, 2, 3)),
    "file": ("comp-b", (1, 2, 3)),
    "code": ("comp-b", (3, 4, 5)),
}
VALIDE, ARCHIVE, PERIME = "validé", "archivé", "périmé"


def make_content(tubes=None, challenges=None, competence_ids=("comp-a", "comp-b")) -> Content:
    tubes = TUBES if tubes is None else tubes
    challenges = challenges or {}
    skills, tube_data, challenge_data, by_skill = {}, {}, {}, {}
    for tube_name, (competence_id, levels) in tubes.items():
        skill_ids = []
        for level in sorted(levels):
            skill_id = f"@{tube_name}{level}"
            skill_ids.append(skill_id)
            skills[skill_id] = SkillData(
                id=skill_id, name=skill_id, level=level, pix_value=0.0, tube_id=f"tube-{tube_name}",
                competence_id=competence_id, tutorial_ids=(),
            )
            specs = challenges.get(skill_id, [(VALIDE, None)])
            ids = []
            for position, (status, timer) in enumerate(specs):
                challenge_id = f"{skill_id[1:]}-{'abcdefgh'[position]}"
                challenge_data[challenge_id] = ChallengeData(
                    id=challenge_id, skill_id=skill_id, type="QCU", instruction="", proposals=("a", "b"),
                    inputs=(), solution="1", tolerances=(), format="", timer=timer, illustration_src="",
                    illustration_alt="", status=status,
                )
                ids.append(challenge_id)
            by_skill[skill_id] = tuple(ids)
        tube_data[f"tube-{tube_name}"] = TubeData(
            id=f"tube-{tube_name}", name=tube_name, practical_title=tube_name, practical_description="",
            competence_id=competence_id, skill_ids=tuple(skill_ids),
        )
    _set_pix_values(skills, challenge_data)
    competences = {
        competence_id: CompetenceData(
            id=competence_id, index=f"{position // 4 + 1}.{position % 4 + 1}", name=competence_id,
            description="", area_id="area-1",
            tube_ids=tuple(t.id for t in tube_data.values() if t.competence_id == competence_id),
            skill_ids=tuple(s.id for s in skills.values() if s.competence_id == competence_id),
        )
        for position, competence_id in enumerate(competence_ids)
    }
    areas = {"area-1": AreaData(id="area-1", code="1", title="Aire", color="jaffa",
                                competence_ids=tuple(competences))}
    return Content(
        version="test", areas=areas, competences=competences, tubes=tube_data, skills=skills,
        challenges=challenge_data, tutorials={}, target_profiles={}, challenges_by_skill=by_skill,
    )


def _set_pix_values(skills, challenges):
    """8 pix per level of a competence, shared by its skills that have a validated challenge (§3.2)."""
    playable = {c.skill_id for c in challenges.values() if c.status == VALIDE}
    counts: dict[tuple[str, int], int] = {}
    for skill in skills.values():
        if skill.id in playable:
            counts[skill.competence_id, skill.level] = counts.get((skill.competence_id, skill.level), 0) + 1
    for skill_id, skill in skills.items():
        count = counts.get((skill.competence_id, skill.level))
        pix_value = min(4.0, 8 / count) if skill_id in playable and count else 0.0
        skills[skill_id] = replace(skill, pix_value=pix_value)


def skills_of(*tube_names, up_to=8, tubes=TUBES) -> frozenset[str]:
    return frozenset(
        f"@{name}{level}" for name in tube_names for level in tubes[name][1] if level <= up_to
    )
