"""When "Je retente" and "Retenter" would ask something (issue 17, item 4): pure rules."""

from datetime import UTC, datetime, timedelta

import pytest

from assessments.algorithm import DIRECT, INVALIDATED, RESET, VALIDATED, KnowledgeElement, knowledge_for_test
from assessments.retries import (
    NOTHING,
    RESUME,
    RETRY,
    START,
    WAIT,
    CompetenceAction,
    competence_action,
    days_until,
    next_try_at,
    skills_to_ask,
)

from . import PERIME, make_content, skills_of

NOW = datetime(2026, 9, 14, 10, 0, tzinfo=UTC)
V, I = VALIDATED, INVALIDATED
MAIL = skills_of("mail")
COMP_B = skills_of("file", "code")


def ke(skill_id, status=V, days_before=10.0):
    competence_id = "comp-b" if skill_id.startswith(("@file", "@code")) else "comp-a"
    return KnowledgeElement(
        skill_id=skill_id, status=status, source=DIRECT, earned_pix=2.0 if status == V else 0.0,
        competence_id=competence_id, created_at=NOW - timedelta(days=days_before),
    )


def all_validated(skill_ids, days_before=10.0):
    return [ke(skill_id, V, days_before) for skill_id in sorted(skill_ids)]


@pytest.mark.parametrize("history, improving, expected", [
    ([], True, NOW),  # nothing tested yet
    (all_validated(MAIL), True, None),  # everything validated: waiting changes nothing
    ([*all_validated(MAIL - {"@mail3"}), ke("@mail3", I, 5)], True, NOW),
    ([*all_validated(MAIL - {"@mail3"}), ke("@mail3", I, 4)], True, NOW),  # the delay exactly
    ([*all_validated(MAIL - {"@mail3"}), ke("@mail3", I, 1)], True, NOW + timedelta(days=3)),
    ([*all_validated(MAIL - {"@mail2", "@mail3"}), ke("@mail2", I, 2), ke("@mail3", I, 1)], True,
     NOW + timedelta(days=2)),  # the first failure forgotten is enough
    # Validated long ago, failed since: the failure is the latest, it is forgotten, the skill asked.
    ([*all_validated(MAIL, days_before=400), ke("@mail3", I, 5)], True, NOW),
    ([*all_validated(MAIL - {"@mail3"}), ke("@mail3", I, 10)], False, None),  # not improving: kept
    ([*all_validated(MAIL), ke("@mail3", RESET, 1)], True, NOW),  # a reset skill is asked again
    # Another competence's failure changes nothing here.
    ([*all_validated(MAIL), ke("@file1", I, 1)], True, None),
])
def test_when_a_new_test_would_ask_something(history, improving, expected):
    assert next_try_at(make_content(), history, skill_ids=MAIL, now=NOW, improving=improving) == expected


def test_a_skill_without_a_challenge_to_ask_is_never_asked():
    content = make_content(challenges={"@mail3": [(PERIME, None)]})
    history = all_validated(MAIL - {"@mail3"})

    assert skills_to_ask(content, history, skill_ids=MAIL, started_at=NOW, improving=True) == set()
    assert next_try_at(content, [*history, ke("@mail3", I, 1)], skill_ids=MAIL, now=NOW) is None


@pytest.mark.parametrize("history, started_days_after, kept", [
    ([ke("@web3", I, 5)], 0, set()),
    ([ke("@web3", I, 3)], 0, {"@web3"}),
    ([ke("@web3", I, 3)], 1, set()),  # a test started a day later forgets it
    ([ke("@web3", V, 400), ke("@web3", I, 5)], 0, set()),
    ([ke("@web3", I, 400), ke("@web3", V, 5)], 0, {"@web3"}),
])
def test_an_improving_test_builds_on_the_latest_element_of_each_skill_less_its_old_failures(
    history, started_days_after, kept,
):
    known = knowledge_for_test(history, started_at=NOW + timedelta(days=started_days_after), improving=True)
    assert set(known) == kept


@pytest.mark.parametrize("wait, days", [
    (timedelta(days=3), 3),
    (timedelta(days=2, hours=1), 3),
    (timedelta(hours=1), 1),
    (timedelta(0), 0),
])
def test_days_to_wait_are_rounded_up(wait, days):
    assert days_until(NOW + wait, NOW) == days


@pytest.mark.parametrize("history, started, expected", [
    ([], False, CompetenceAction(START)),
    ([], True, CompetenceAction(RESUME)),
    (all_validated(COMP_B), True, CompetenceAction(RESUME)),
    (all_validated(COMP_B), False, CompetenceAction(NOTHING)),
    ([*all_validated(COMP_B - {"@file3"}), ke("@file3", I, 1)], False, CompetenceAction(WAIT, 3)),
    ([*all_validated(COMP_B - {"@file3"}), ke("@file3", I, 5)], False, CompetenceAction(RETRY)),
    # Worked on in a campaign, partly: the rest is asked, improving.
    (all_validated({"@file1", "@file2"}), False, CompetenceAction(RETRY)),
    # Everything reset: a new start.
    ([*all_validated(COMP_B), *(ke(skill_id, RESET, 1) for skill_id in sorted(COMP_B))], False,
     CompetenceAction(START)),
])
def test_the_button_of_a_competence_card(history, started, expected):
    action = competence_action(make_content(), history, competence_id="comp-b", started=started, now=NOW)

    assert action == expected
    assert action.can_start == (expected.kind in (START, RETRY))
