"""No surface cue gives the key away (issue 19): over every QCU of content/, the right option
is the strictly longest one neither more often than a third of the time nor less often than a
sixth (chance is about a quarter: below it, avoiding the longest option becomes the cue), and no
position holds more than a third of the keys. And the two items found flawed stay fixed."""

from collections import Counter

import pytest

from assessments.checking import check_answer

from .test_every_challenge import all_challenges

MAX_SHARE = 1 / 3
MIN_LONGEST_SHARE = 1 / 6


def qcus(parsed_content):
    return [challenge for challenge in all_challenges(parsed_content) if challenge.type == "QCU"]


def key_is_strictly_longest(challenge) -> bool:
    lengths = [len(proposal.strip()) for proposal in challenge.proposals]
    key = lengths[int(challenge.solution) - 1]
    return all(key > length for index, length in enumerate(lengths) if index != int(challenge.solution) - 1)


def longest_share(challenges) -> float:
    return sum(key_is_strictly_longest(challenge) for challenge in challenges) / len(challenges)


def position_shares(challenges) -> dict[int, float]:
    counts = Counter(int(challenge.solution) for challenge in challenges)
    return {position: count / len(challenges) for position, count in sorted(counts.items())}


def longest_share_is_fair(share: float) -> bool:
    return MIN_LONGEST_SHARE <= share <= MAX_SHARE


def test_the_key_is_the_longest_option_in_a_sixth_to_a_third_of_the_qcus(parsed_content):
    challenges = qcus(parsed_content)
    assert len(challenges) > 100
    share = longest_share(challenges)
    assert longest_share_is_fair(share), f"key strictly longest in {share:.0%} of {len(challenges)} QCU"


def test_no_position_holds_more_than_a_third_of_the_keys(parsed_content):
    shares = position_shares(qcus(parsed_content))
    assert max(shares.values()) <= MAX_SHARE, {position: f"{share:.0%}" for position, share in shares.items()}


class Fake:
    def __init__(self, proposals, solution):
        self.proposals, self.solution = proposals, solution


@pytest.mark.parametrize("challenges, longest, top_position", [
    # Every key longest, always second: the very cues of the audit.
    ([Fake(("a", "bbbb", "c"), 2)] * 3, 1.0, 1.0),
    # Ties are no cue: a key as long as another is not strictly the longest.
    ([Fake(("aaaa", "bbbb", "c"), 2), Fake(("aaaa", "b", "c"), 1), Fake(("aa", "b", "cc"), 3)], 1 / 3, 1 / 3),
])
def test_the_measures_see_the_cues(challenges, longest, top_position):
    assert longest_share(challenges) == pytest.approx(longest)
    assert max(position_shares(challenges).values()) == pytest.approx(top_position)


@pytest.mark.parametrize("challenges, fair", [
    # The key never the longest: a pupil who avoids the longest option gains.
    ([Fake(("aaaa", "b", "c"), 2)] * 6, False),
    # Once in six: the lower bound itself is still fair.
    ([Fake(("a", "bbbb", "c"), 2)] + [Fake(("aaaa", "b", "c"), 2)] * 5, True),
    # Once in seven: just below it.
    ([Fake(("a", "bbbb", "c"), 2)] + [Fake(("aaaa", "b", "c"), 2)] * 6, False),
    # Once in two: the key is given away by its length.
    ([Fake(("a", "bbbb", "c"), 2), Fake(("aaaa", "b", "c"), 2)], False),
])
def test_the_longest_option_bounds_fail_on_either_side(challenges, fair):
    assert longest_share_is_fair(longest_share(challenges)) is fair


def challenge_of(parsed_content, challenge_id):
    return next(challenge for challenge in all_challenges(parsed_content) if challenge.id == challenge_id)


@pytest.mark.parametrize("typed", ["enregistrer", "Enregistrer", "l'enregistrer", "enregistrer sous"])
def test_saving_the_image_as_jpg_is_accepted(parsed_content, typed):
    challenge = challenge_of(parsed_content, "chal-extensionFichier5-c")
    assert check_answer(challenge, typed).is_ok


def test_the_20_20_20_rule_is_not_given_in_its_own_wording(parsed_content):
    challenge = challenge_of(parsed_content, "chal-ecranSante3-a")
    wording = " ".join([challenge.instruction, *(item.get("label", "") for item in challenge.inputs)])
    assert "20" not in wording and "vingt" not in wording.lower()
    assert check_answer(challenge, {"intervalle": "20", "duree": "20"}).is_ok
