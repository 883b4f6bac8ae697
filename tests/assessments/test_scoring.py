from decimal import Decimal

import pytest

from assessments.algorithm import DIRECT, INVALIDATED, VALIDATED, KnowledgeElement
from assessments.scoring import (
    CompetenceScore,
    certifiable_competence_count,
    competence_scores,
    is_certifiable,
    mastery_percentage,
    mastery_rate,
    pix_score,
    progression,
    reached_stage,
    stage_thresholds,
)
from learning_content.repository import StageData

from . import make_content

COMPETENCES = tuple(f"comp-{n}" for n in range(1, 17))


def earned(competence_id, *pix_values, status=VALIDATED):
    return [
        KnowledgeElement(
            f"@{competence_id}-{n}", status, DIRECT, pix if status == VALIDATED else 0.0, competence_id,
        )
        for n, pix in enumerate(pix_values)
    ]


def scores_of(knowledge_elements, max_level=5):
    content = make_content(tubes={}, competence_ids=COMPETENCES)
    return competence_scores(content, knowledge_elements, max_level=max_level)


@pytest.mark.parametrize("pix_values, max_level, pix, level, pix_in_level", [
    ((), 5, 0, 0, 0),
    ((4.0, 3.5), 5, 7, 0, 7),
    ((8 / 3,) * 3, 5, 8, 1, 0),
    ((8 / 6,) * 6, 5, 8, 1, 0),  # the float sum is 7.999…, still one level
    ((8 / 7,) * 7, 5, 8, 1, 0),
    ((4.0, 4.0, 4.0, 1.6), 5, 13, 1, 5),  # floor of 13.6
    ((4.0,) * 10, 5, 40, 5, 0),
    ((4.0,) * 13, 5, 40, 5, 0),  # 52 raw: capped at 5 × 8, no progress beyond the last level
    ((4.0,) * 13, 7, 52, 6, 4),  # MAX_REACHABLE_LEVEL's default: level 6 is reachable
    ((4.0,) * 15, 7, 56, 7, 0),  # 60 raw: capped at 7 × 8
    ((4.0,) * 13, 8, 52, 6, 4),
    ((4.0,) * 20, 8, 64, 8, 0),
])
def test_pix_and_level_of_a_competence(pix_values, max_level, pix, level, pix_in_level):
    score = scores_of(earned("comp-3", *pix_values), max_level=max_level)["comp-3"]
    assert (score.pix, score.level, score.pix_in_level) == (pix, level, pix_in_level)


def test_every_competence_is_scored_in_order_and_failures_earn_nothing():
    scores = scores_of(earned("comp-2", 4.0, 4.0) + earned("comp-2", 4.0, status=INVALIDATED))
    assert list(scores) == list(COMPETENCES)
    assert scores["comp-2"] == CompetenceScore("comp-2", pix=8, level=1, pix_in_level=0, raw_pix=8.0)
    assert scores["comp-16"] == CompetenceScore("comp-16", pix=0, level=0, pix_in_level=0, raw_pix=0.0)


def test_the_pix_score_adds_the_capped_competence_pix():
    knowledge_elements = earned("comp-1", *(4.0,) * 13) + earned("comp-2", 2.5, 2.5) + earned("comp-3", 0.9)
    assert pix_score(scores_of(knowledge_elements)) == 40 + 5 + 0


@pytest.mark.parametrize("levels, certifiable_count, certifiable", [
    ((), 0, False),
    ((1, 1, 1, 1), 4, False),
    ((5, 5, 5, 5, 0, 0), 4, False),
    ((1, 1, 1, 1, 1), 5, True),
    ((1, 2, 3, 4, 5, 1, 1), 7, True),
])
def test_certifiable_from_level_1_in_5_competences(levels, certifiable_count, certifiable):
    scores = {
        f"comp-{n}": CompetenceScore(f"comp-{n}", pix=8 * level, level=level, pix_in_level=0)
        for n, level in enumerate(levels)
    }
    assert certifiable_competence_count(scores) == certifiable_count
    assert is_certifiable(scores) is certifiable
    assert is_certifiable(scores.values()) is certifiable


@pytest.mark.parametrize("validated, targets, rate", [
    (set(), set(), Decimal("0")),
    ({"@a1"}, set(), Decimal("0")),
    (set(), {"@a1", "@a2"}, Decimal("0")),
    ({"@a1"}, {"@a1", "@a2", "@a3"}, Decimal("0.3333")),
    ({"@a1", "@a2"}, {"@a1", "@a2", "@a3"}, Decimal("0.6667")),
    ({"@a1", "@other"}, {"@a1", "@a2"}, Decimal("0.5")),  # validated outside the profile: ignored
    ({"@a1", "@a2"}, {"@a1", "@a2"}, Decimal("1")),
])
def test_mastery_rate(validated, targets, rate):
    result = mastery_rate(validated, targets)
    assert result == rate
    assert result.as_tuple().exponent == -4


def stages(**values):
    kind, numbers = next(iter(values.items()))
    return tuple(
        StageData(threshold=n if kind == "thresholds" else None, level=n if kind == "levels" else None,
                  title=f"Palier {n}", message="", prescriber_title="", prescriber_description="")
        for n in numbers
    )


FOUR_BANDS = stages(thresholds=(0, 21, 51, 81))
SIX_SKILLS = (1, 1, 2, 2, 2, 3)


@pytest.mark.parametrize("profile_stages, levels, thresholds", [
    (FOUR_BANDS, SIX_SKILLS, [0, 21, 51, 81]),
    (stages(levels=(0, 1, 2, 3)), SIX_SKILLS, [0, 33, 83, 100]),
    (stages(levels=(0, 1)), (1, 2, 2, 2, 2, 2, 2, 2), [0, 13]),  # 12.5 rounds up, as Math.round
    (stages(levels=(0, 2)), (), [0, 0]),
])
def test_stage_thresholds(profile_stages, levels, thresholds):
    assert stage_thresholds(profile_stages, levels) == thresholds


FIRST_SKILL = StageData(threshold=None, level=None, title="Premier acquis", message="", prescriber_title="",
                        prescriber_description="", is_first_skill=True)
WITH_FIRST_SKILL = (FOUR_BANDS[0], FIRST_SKILL, *FOUR_BANDS[1:])


@pytest.mark.parametrize("validated, targets, percentage", [
    (0, 0, 0),
    (0, 12, 0),
    (41, 200, 21),  # 20.5 rounds up, as Math.round
    (2, 5, 40),
    (1, 3, 33),
    (2, 3, 67),
    (12, 12, 100),
])
def test_mastery_percentage_is_a_rounded_integer(validated, targets, percentage):
    assert mastery_percentage(validated, targets) == percentage


@pytest.mark.parametrize("profile_stages, validated_count, target_count, reached", [
    (FOUR_BANDS, 0, 12, (1, 4)),
    (FOUR_BANDS, 1, 12, (1, 4)),          # 8 %
    (FOUR_BANDS, 41, 200, (2, 4)),        # 20.5 % is 21 %: the rounded percentage reaches 21
    (FOUR_BANDS, 83, 400, (2, 4)),        # 20.75 % is 21 % too
    (FOUR_BANDS, 204, 1000, (1, 4)),      # 20.4 % is 20 %
    (FOUR_BANDS, 6, 12, (2, 4)),          # 50 %
    (FOUR_BANDS, 101, 200, (3, 4)),       # 50.5 % is 51 %
    (FOUR_BANDS, 12, 12, (4, 4)),
    (tuple(reversed(FOUR_BANDS)), 7, 12, (3, 4)),
    (stages(levels=(0, 1, 2, 3)), 4, 6, (2, 4)),  # 67 %: level 2 is 83 % of the six skills
    (stages(levels=(0, 1, 2, 3)), 5, 6, (3, 4)),  # 83 %
    ((), 3, 6, (0, 0)),
    # « premier acquis »: reached with one validated skill, counted second.
    (WITH_FIRST_SKILL, 0, 12, (1, 5)),
    (WITH_FIRST_SKILL, 1, 12, (2, 5)),
    (WITH_FIRST_SKILL, 3, 12, (3, 5)),    # 25 %
    ((FIRST_SKILL, *reversed(FOUR_BANDS)), 1, 12, (2, 5)),
])
def test_reached_stage(profile_stages, validated_count, target_count, reached):
    assert reached_stage(
        profile_stages, mastery_percentage=mastery_percentage(validated_count, target_count),
        validated_count=validated_count, target_skill_levels=SIX_SKILLS,
    ) == reached


def test_the_first_skill_stage_has_no_threshold():
    assert stage_thresholds(WITH_FIRST_SKILL, SIX_SKILLS) == [0, None, 21, 51, 81]


@pytest.mark.parametrize("tested, total, completed, expected", [
    (3, 12, False, 0.25),
    (0, 12, False, 0.0),
    (3, 12, True, 1.0),
    (0, 0, False, 0.0),
    (12, 12, False, 1.0),
])
def test_progression(tested, total, completed, expected):
    assert progression(tested, total, completed=completed) == expected
