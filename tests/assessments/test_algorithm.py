from datetime import UTC, datetime, timedelta

import pytest

from assessments.algorithm import (
    DIRECT,
    INFERRED,
    INVALIDATED,
    RESET,
    VALIDATED,
    KnowledgeElement,
    direct_outcomes,
    forgets_old_failures,
    hash_int,
    knowledge_elements_for_answer,
    knowledge_for_test,
    latest_per_skill,
    next_challenge,
    predicted_level,
    skill_reward,
    usable_for_campaign,
)

from . import ARCHIVE, PERIME, VALIDE, make_content, skills_of

NOW = datetime(2026, 9, 14, 10, 0, tzinfo=UTC)
SEEDS = range(40)
V, I = VALIDATED, INVALIDATED
D, INF = DIRECT, INFERRED


def ask(content=None, *, targets, answered=(), tested=(), outcomes=(), last_timed=False, seed=1):
    return next_challenge(
        content or make_content(), target_skill_ids=targets, answered_challenge_ids=set(answered),
        tested_skill_ids=set(tested), direct_outcomes=list(outcomes), last_answer_timed=last_timed, seed=seed,
    )


def asked_skills(content=None, **kwargs):
    """The skills asked over many assessments: the candidate set the pick draws from."""
    challenges = {ask(content, seed=seed, **kwargs) for seed in SEEDS}
    return {challenge.skill_id if challenge else None for challenge in challenges}


# §4.1 knowledge elements of an answer

WEB_UP_TO_5_AND_MAIL = skills_of("web", up_to=5) | skills_of("mail")


@pytest.mark.parametrize("skill_id, is_ok, assessed, targets, expected", [
    ("@web3", True, set(), WEB_UP_TO_5_AND_MAIL, [("@web3", V, D), ("@web1", V, INF), ("@web2", V, INF)]),
    ("@web3", False, set(), WEB_UP_TO_5_AND_MAIL, [("@web3", I, D), ("@web4", I, INF), ("@web5", I, INF)]),
    ("@web1", False, set(), WEB_UP_TO_5_AND_MAIL,
     [("@web1", I, D), ("@web2", I, INF), ("@web3", I, INF), ("@web4", I, INF), ("@web5", I, INF)]),
    ("@web5", True, {"@web2"}, WEB_UP_TO_5_AND_MAIL,
     [("@web5", V, D), ("@web1", V, INF), ("@web3", V, INF), ("@web4", V, INF)]),
    ("@web2", False, {"@web4"}, WEB_UP_TO_5_AND_MAIL,
     [("@web2", I, D), ("@web3", I, INF), ("@web5", I, INF)]),
    ("@web3", True, set(), frozenset({"@web1", "@web3", "@web4"}), [("@web3", V, D), ("@web1", V, INF)]),
    ("@mail1", True, set(), WEB_UP_TO_5_AND_MAIL, [("@mail1", V, D)]),
    ("@mail3", False, set(), WEB_UP_TO_5_AND_MAIL, [("@mail3", I, D)]),
    ("@web3", True, {"@web3"}, WEB_UP_TO_5_AND_MAIL, []),
    ("@web6", False, set(), WEB_UP_TO_5_AND_MAIL, []),
    ("@unknown2", True, set(), WEB_UP_TO_5_AND_MAIL | {"@unknown2"}, []),
])
def test_an_answer_settles_its_skill_and_infers_up_or_down_its_tube(
    skill_id, is_ok, assessed, targets, expected,
):
    elements = knowledge_elements_for_answer(
        make_content(), target_skill_ids=targets, skill_id=skill_id, is_ok=is_ok, assessed_skill_ids=assessed,
    )
    assert [(e.skill_id, e.status, e.source) for e in elements] == expected


def test_validated_knowledge_elements_earn_the_skill_pix_and_carry_competence_and_date():
    content = make_content()
    ok, ko = (
        knowledge_elements_for_answer(
            content, target_skill_ids=skills_of("file"), skill_id="@file2", is_ok=is_ok,
            assessed_skill_ids=set(), now=NOW,
        )
        for is_ok in (True, False)
    )
    assert [(e.earned_pix, e.competence_id, e.created_at) for e in ok] == [(4.0, "comp-b", NOW)] * 2
    assert [(e.earned_pix, e.competence_id, e.created_at) for e in ko] == [(0.0, "comp-b", NOW)] * 2


# §4 latest knowledge element per skill, §4.2 which ones a campaign uses

def ke(skill_id, status=VALIDATED, *, days_before=0.0, pix=2.0):
    return KnowledgeElement(
        skill_id=skill_id, status=status, source=DIRECT, earned_pix=pix if status == VALIDATED else 0.0,
        competence_id="comp-a", created_at=NOW - timedelta(days=days_before),
    )


@pytest.mark.parametrize("history, expected", [
    ([], {}),
    ([ke("@a1", INVALIDATED, days_before=9), ke("@a1", VALIDATED, days_before=1)], {"@a1": VALIDATED}),
    ([ke("@a1", VALIDATED, days_before=9), ke("@a1", INVALIDATED, days_before=1)], {"@a1": INVALIDATED}),
    ([ke("@a1", VALIDATED, days_before=9), ke("@a1", RESET, days_before=1), ke("@a2")], {"@a2": VALIDATED}),
    ([ke("@a1", RESET, days_before=9), ke("@a1", INVALIDATED, days_before=1)], {"@a1": INVALIDATED}),
])
def test_the_latest_knowledge_element_of_each_skill_counts_and_a_reset_forgets_the_skill(history, expected):
    assert {skill_id: e.status for skill_id, e in latest_per_skill(history).items()} == expected


@pytest.mark.parametrize("element, improving, kept", [
    (ke("@a1", INVALIDATED, days_before=3.99), True, True),
    (ke("@a1", INVALIDATED, days_before=4), True, False),
    (ke("@a1", INVALIDATED, days_before=30), True, False),
    (ke("@a1", RESET, days_before=5), True, False),
    (ke("@a1", VALIDATED, days_before=400), True, True),
    (ke("@a1", INVALIDATED, days_before=-1), True, True),  # created during the assessment
    (ke("@a1", INVALIDATED, days_before=30), False, True),
    (KnowledgeElement("@a1", INVALIDATED, DIRECT, 0.0, "comp-a"), True, True),
])
def test_an_improving_student_keeps_validated_skills_and_failures_of_less_than_four_days(
    element, improving, kept,
):
    usable = usable_for_campaign([element], assessment_started_at=NOW, improving=improving)
    assert usable == ([element] if kept else [])


@pytest.mark.parametrize("is_campaign, is_improving, status, days_before, kept", [
    # Every campaign test, a first participation too, forgets failures older than 4 days (§4.2).
    (True, False, INVALIDATED, 4, False),
    (True, False, INVALIDATED, 3.9, True),
    (True, False, VALIDATED, 400, True),
    (True, True, INVALIDATED, 30, False),
    # A competence evaluation forgets only when it improves ("Retenter").
    (False, False, INVALIDATED, 30, True),
    (False, True, INVALIDATED, 30, False),
    (False, True, VALIDATED, 30, True),
])
def test_campaign_tests_always_forget_old_failures(is_campaign, is_improving, status, days_before, kept):
    improving = forgets_old_failures(is_campaign=is_campaign, is_improving=is_improving)
    known = knowledge_for_test([ke("@a1", status, days_before=days_before)], started_at=NOW, improving=improving)
    assert ("@a1" in known) is kept


# §5 predicted level

@pytest.mark.parametrize("elements, targets, expected", [
    ([ke("@web1"), ke("@web2", INVALIDATED)], {"@web1", "@web2"}, [(1, True), (2, False)]),
    # Another parcours' skill does not move this test's estimate.
    ([ke("@web1"), ke("@code3")], {"@web1"}, [(1, True)]),
    # Inferred elements are no answer.
    ([KnowledgeElement("@web1", VALIDATED, INFERRED, 1.0, "comp-a")], {"@web1"}, []),
    ([ke("@unknown1")], {"@unknown1"}, []),
])
def test_the_level_estimate_reads_the_direct_answers_on_the_target_skills(elements, targets, expected):
    tested = {element.skill_id: (element.status, element.source) for element in elements}
    assert direct_outcomes(make_content(), tested, target_skill_ids=frozenset(targets)) == expected


@pytest.mark.parametrize("outcomes, level", [
    ([], 3.5),  # the two virtual answers alone balance at mid-scale
    ([(2, True)], 4.5),
    ([(None, True)], 4.5),  # an unknown difficulty counts as 2
    ([(2, False)], 1.0),
    ([(1, False)], 0.5),
    ([(1, False), (1, False), (1, False)], 0.5),  # never below the first candidate level
    ([(2, True), (3, True)], 5.0),
    ([(2, True), (3, True), (4, True)], 6.0),
    ([(2, True), (3, True), (4, True), (5, True), (6, True)], 7.0),
    ([(2, True), (3, False)], 2.5),
    ([(5, True), (6, False)], 5.0),
])
def test_predicted_level(outcomes, level):
    assert predicted_level(outcomes) == level


@pytest.mark.parametrize("predicted, level, untested, reward", [
    (3.5, 2, [1, 2, 3], 2.0),  # the middle of a tube settles two skills either way
    (3.5, 3, [1, 2, 3], 2.2449),
    (3.5, 1, [1, 2, 3], 1.1517),
    (3.5, 3, [3], 1.0),
    (0.5, 3, [3, 4, 5], 2.8483),
])
def test_reward_of_a_skill(predicted, level, untested, reward):
    assert skill_reward(predicted, level, untested) == pytest.approx(reward, abs=1e-4)


# §5 first challenge

@pytest.mark.parametrize("targets, challenges, tested, expected", [
    (skills_of("web", "mail", "file", "code"), {}, (), {"@mail2", "@file2"}),
    (skills_of("web", "code"), {}, (), {"@web2"}),  # no easy tube: every tube
    (skills_of("web", "file"), {}, (), {"@file2"}),
    (skills_of("web", "file", up_to=3), {}, (), {"@web2", "@file2"}),  # capped at 3, web is easy here
    (skills_of("code"), {}, (), {"@code3"}),  # no level 2: the lowest level
    (skills_of("mail", "file"), {"@mail2": [(VALIDE, 60)]}, (), {"@file2"}),
    # Avoiding a timed question comes before the level: level 1 rather than a timed level 2.
    (skills_of("mail", "file"), {"@mail2": [(VALIDE, 60)], "@file2": [(VALIDE, 30)]}, (),
     {"@mail1", "@file1"}),
    (skills_of("mail"), {f"@mail{n}": [(VALIDE, 60)] for n in (1, 2, 3)}, (), {"@mail2"}),  # all timed
    (skills_of("mail", "file"), {}, ("@mail2",), {"@file2"}),  # tested in an earlier assessment
    (skills_of("mail", "file"), {"@file2": [(PERIME, None)]}, (), {"@mail2"}),
    (skills_of("mail"), {}, skills_of("mail"), {None}),
])
def test_first_challenge(targets, challenges, tested, expected):
    assert asked_skills(make_content(challenges=challenges), targets=targets, tested=tested) == expected


# §5 next challenges

def test_after_a_right_answer_the_test_goes_up_in_the_other_easy_tube():
    # @mail2 right: @mail1 inferred, predicted level 4.5; @file3 settles the most (2.64).
    assert asked_skills(
        targets=skills_of("mail", "file"), answered={"mail2-a"}, tested={"@mail1", "@mail2"},
        outcomes=[(2, True)],
    ) == {"@file3"}


def test_the_most_rewarding_skills_are_drawn_from():
    assert asked_skills(targets=skills_of("mail", "file"), answered={"web1-a"}) == {"@mail3", "@file3"}


@pytest.mark.parametrize("outcomes, expected", [
    # Predicted 0.5: @code3 (level 3, best reward 2.85) is more than 2 levels too hard.
    ([(1, False)], {"@web1"}),
    # Predicted 4.5: the whole code tube is within reach, its middle settles the most.
    ([(2, True)], {"@code4"}),
])
def test_skills_more_than_two_levels_above_the_predicted_level_are_not_asked(outcomes, expected):
    tested = skills_of("web") - {"@web1"}
    assert asked_skills(
        targets=skills_of("web", "code"), answered={"x-a"}, tested=tested, outcomes=outcomes,
    ) == expected


@pytest.mark.parametrize("last_timed, challenges, tested, expected", [
    (False, {"@file3": [(VALIDE, 60)]}, (), {"@mail3", "@file3"}),
    (True, {"@file3": [(VALIDE, 60)]}, (), {"@mail3"}),
    (True, {"@file3": [(VALIDE, 60)]}, skills_of("mail"), {"@file2"}),  # an untimed one of the same tube
    # No other choice left.
    (True, {"@file3": [(VALIDE, 60)]}, skills_of("mail") | {"@file1", "@file2"}, {"@file3"}),
    # Only the skill's first remaining challenge tells whether it is timed.
    (True, {"@file3": [(VALIDE, None), (VALIDE, 60)]}, (), {"@mail3", "@file3"}),
])
def test_a_timed_question_is_not_followed_by_another_when_avoidable(last_timed, challenges, tested, expected):
    content = make_content(challenges=challenges)
    targets = skills_of("mail", "file")
    asked = asked_skills(content, targets=targets, answered={"x-a"}, tested=tested, last_timed=last_timed)
    assert asked == expected


@pytest.mark.parametrize("challenges, answered, tested, outcomes", [
    ({}, {"mail2-a"}, skills_of("mail", "file"), [(2, True)]),  # every target skill tested
    ({"@file3": [(PERIME, None)]}, {"mail2-a"}, skills_of("mail") | {"@file1", "@file2"}, [(2, True)]),
    ({}, {"mail1-a", "mail2-a", "mail3-a", "file1-a", "file2-a", "file3-a"}, (), []),  # all answered
    ({}, {"web1-a"}, skills_of("mail") | {"@file1", "@file2"}, [(1, False)] * 5),  # @file3 too hard
])
def test_the_test_ends_when_no_skill_is_left_to_ask(challenges, answered, tested, outcomes):
    content = make_content(challenges=challenges)
    for seed in SEEDS:
        assert ask(content, targets=skills_of("mail", "file"), answered=answered, tested=tested,
                   outcomes=outcomes, seed=seed) is None


def test_the_pick_is_the_same_for_the_same_assessment_and_varies_between_assessments():
    targets = skills_of("web", "mail", "file", "code")
    assert ask(targets=sorted(targets), seed=1234) == ask(targets=sorted(targets, reverse=True), seed=1234)
    assert len({ask(targets=targets, seed=seed).id for seed in SEEDS}) == 2


@pytest.mark.parametrize("value, hashed", [  # from the `hash-int` package under Node.js
    (0, 0), (1, 3266786691), (2, 3910079064), (42, 3941539072), (123456, 3814185224),
    (2**31 - 1, 3609731332), (2**31, 3261318340), (2**32 + 5, 1847139833),
])
def test_hash_int_matches_pix(value, hashed):
    assert hash_int(value) == hashed


@pytest.mark.parametrize("statuses, expected", [
    ([PERIME, VALIDE, ARCHIVE], {"mail2-b"}),  # validé preferred, périmé never
    ([ARCHIVE, PERIME, ARCHIVE], {"mail2-a", "mail2-c"}),  # archivé still operative
    ([PERIME, PERIME], {None}),
])
def test_challenge_status_decides_what_can_be_asked(statuses, expected):
    content = make_content(challenges={"@mail2": [(status, None) for status in statuses]})
    asked = {ask(content, targets={"@mail2"}, seed=seed) for seed in SEEDS}
    assert {challenge.id if challenge else None for challenge in asked} == expected


def test_an_answered_challenge_is_not_asked_again():
    content = make_content(challenges={"@mail2": [(VALIDE, None), (VALIDE, None)]})
    asked = {ask(content, targets={"@mail2"}, answered={"mail2-a"}, seed=seed) for seed in SEEDS}
    assert {challenge.id for challenge in asked} == {"mail2-b"}
