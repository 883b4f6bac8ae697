"""Badges §1.2, table-driven without a database: criteria on the rounded mastery, a badge won
when all its criteria are met, the progress of a badge not won."""

import pytest

from assessments.badges import badge_progress, criterion_percentage, criterion_skill_ids
from learning_content.repository import BadgeCriterionData, BadgeData

# The parcours: tube "mail" levels 1-4, tube "web" levels 1-3, tube "pwd" level 2.
SKILLS = {
    "mail1": ("mail", 1), "mail2": ("mail", 2), "mail3": ("mail", 3), "mail4": ("mail", 4),
    "web1": ("web", 1), "web2": ("web", 2), "web3": ("web", 3), "pwd2": ("pwd", 2),
}


def whole(threshold):
    return BadgeCriterionData(scope="CampaignParticipation", threshold=threshold)


def capped(threshold, *tubes):
    return BadgeCriterionData(scope="CappedTubes", threshold=threshold, capped_tubes=tubes)


def badge(*criteria):
    return BadgeData(key="b", title="Badge", message="", image_src="badges/x.svg", alt_message="",
                     is_certifiable=False, is_always_visible=True, criteria=criteria)


@pytest.mark.parametrize("criterion, skill_ids", [
    (whole(50), set(SKILLS)),
    (capped(50, ("mail", 2)), {"mail1", "mail2"}),
    (capped(50, ("mail", 2), ("web", 9)), {"mail1", "mail2", "web1", "web2", "web3"}),
    (capped(50, ("pwd", 1)), set()),  # below the tube's first level: nothing to measure
    (capped(50, ("other", 3)), set()),
])
def test_the_skills_a_criterion_covers(criterion, skill_ids):
    assert criterion_skill_ids(criterion, SKILLS) == skill_ids


@pytest.mark.parametrize("mastery, threshold, percentage", [
    (0, 50, 0),
    (25, 50, 50),
    (49, 50, 98),
    (50, 50, 100),
    (90, 50, 100),  # capped at 100
    (33, 40, 83),   # 82.5 rounds up
    (0, 0, 100),
])
def test_criterion_percentage(mastery, threshold, percentage):
    assert criterion_percentage(mastery, threshold) == percentage


@pytest.mark.parametrize("criteria, validated, acquired, percentage", [
    # 4 of 8 = 50 %: the threshold is reached.
    ((whole(50),), {"mail1", "mail2", "web1", "web2"}, True, 100),
    # 3 of 8 = 37.5, rounded to 38 %: 38 / 50 = 76 %.
    ((whole(50),), {"mail1", "mail2", "web1"}, False, 76),
    # The rounded mastery decides: 1 of 3 = 33.3 % → 33 % meets a threshold of 33.
    ((capped(33, ("web", 3)),), {"web1"}, True, 100),
    # 2 of 3 = 66.7 % → 67 %: meets 67, not 68.
    ((capped(67, ("web", 3)),), {"web1", "web2"}, True, 100),
    ((capped(68, ("web", 3)),), {"web1", "web2"}, False, 99),
    # All the criteria: the whole parcours is met (5/8 = 63 %), the mail tube up to 2 is not.
    ((whole(60), capped(100, ("mail", 2))), {"mail1", "web1", "web2", "web3", "pwd2"}, False, 75),
    ((whole(60), capped(100, ("mail", 2))), {"mail1", "mail2", "web1", "web2", "pwd2"}, True, 100),
    # A criterion left without skills is dropped; with none left, no badge.
    ((whole(50), capped(100, ("pwd", 1))), set(SKILLS), True, 100),
    ((capped(10, ("pwd", 1)),), set(SKILLS), False, 0),
    ((whole(50),), set(), False, 0),
])
def test_a_badge_is_won_when_all_its_criteria_are_met(criteria, validated, acquired, percentage):
    progress = badge_progress(badge(*criteria), validated_skill_ids=validated, target_skills=SKILLS)
    assert (progress.is_acquired, progress.percentage) == (acquired, percentage)
