"""Every challenge of content/ accepts its own solution and its variants, and rejects a wrong
answer and every distractor."""

from itertools import combinations

import pytest

from assessments.checking import check_answer
from demo import pupils as demo_pupils
from learning_content.repository import ChallengeData


def own_answer(challenge):
    if challenge.type == "QCU":
        return str(challenge.solution)
    if challenge.type == "QCM":
        return ",".join(str(index) for index in challenge.solution)
    if challenge.type == "QROC":
        return challenge.solution[0]
    if challenge.type == "QROCM-ind":
        return {key: variants[0] for key, variants in challenge.solution.items()}
    groups = list(challenge.solution.values())
    return {item["key"]: groups[position][0] for position, item in enumerate(challenge.inputs)}


def wrong_answer(challenge):
    if challenge.type == "QCU":
        return str(challenge.solution % len(challenge.proposals) + 1)
    if challenge.type == "QCM":
        return ",".join(str(index) for index in challenge.solution[1:])
    if challenge.type == "QROC":
        return "999999" if challenge.format != "nombre" else "-987654321"
    if challenge.type == "QROCM-ind":
        answer = own_answer(challenge)
        first = challenge.inputs[0]
        options = [o for o in first.get("options", []) if o not in challenge.solution[first["key"]]]
        answer[first["key"]] = options[0] if options else "zzzqqqxxx"
        return answer
    answer = own_answer(challenge)
    answer[challenge.inputs[0]["key"]] = "zzzqqqxxx"
    return answer


def all_challenges(parsed_content):
    for row in parsed_content.challenges:
        yield ChallengeData(
            id=row["id"], skill_id=row["skill_id"], type=row["type"], instruction=row["instruction"],
            proposals=tuple(row["proposals"]), inputs=tuple(row["inputs"]), solution=row["solution"],
            tolerances=tuple(row["tolerances"]), format=row["format"], timer=row["timer"],
            illustration_src="", illustration_alt="", status=row["status"],
        )


def test_every_challenge_accepts_its_solution_and_rejects_a_wrong_answer(parsed_content):
    refused_own, accepted_wrong = [], []
    for challenge in all_challenges(parsed_content):
        if not check_answer(challenge, own_answer(challenge)).is_ok:
            refused_own.append(challenge.id)
        if check_answer(challenge, wrong_answer(challenge)).is_ok:
            accepted_wrong.append(challenge.id)

    assert refused_own == []
    assert accepted_wrong == []


def test_every_accepted_variant_of_a_free_answer_is_accepted(parsed_content):
    refused = []
    for challenge in all_challenges(parsed_content):
        if challenge.type == "QROC":
            refused += [(challenge.id, v) for v in challenge.solution if not check_answer(challenge, v).is_ok]
        elif challenge.type == "QROCM-ind":
            for key, variants in challenge.solution.items():
                for variant in variants:
                    answer = {**own_answer(challenge), key: variant}
                    if not check_answer(challenge, answer).is_ok:
                        refused.append((challenge.id, variant))
        elif challenge.type == "QROCM-dep":
            groups = list(challenge.solution.values())
            for position, variants in enumerate(groups):
                # own_answer gives input i the group i; a spare group stands in for the last input's.
                key = challenge.inputs[min(position, len(challenge.inputs) - 1)]["key"]
                for variant in variants:
                    answer = {**own_answer(challenge), key: variant}
                    if not check_answer(challenge, answer).is_ok:
                        refused.append((challenge.id, variant))
    assert refused == []


def test_every_distractor_is_rejected(parsed_content):
    """QCU: every other proposal; QCM: every other choice of proposals, and the right one with
    a proposal repeated; a select: every other option."""
    accepted = []
    for challenge in all_challenges(parsed_content):
        if challenge.type == "QCU":
            wrong = [str(n) for n in range(1, len(challenge.proposals) + 1) if n != challenge.solution]
        elif challenge.type == "QCM":
            numbers = range(1, len(challenge.proposals) + 1)
            choices = [list(c) for size in numbers for c in combinations(numbers, size)]
            wrong = [",".join(map(str, c)) for c in choices if c != challenge.solution]
            wrong.append(",".join(map(str, [*challenge.solution, challenge.solution[0]])))
        elif challenge.type == "QROCM-ind":
            wrong = [
                {**own_answer(challenge), item["key"]: option}
                for item in challenge.inputs for option in item.get("options", [])
                if option not in challenge.solution[item["key"]]
            ]
        else:
            continue
        accepted += [(challenge.id, answer) for answer in wrong if check_answer(challenge, answer).is_ok]
    assert accepted == []


def test_the_demo_pupils_answer_right_and_wrong_as_they_mean_to(parsed_content):
    refused_right, accepted_wrong = [], []
    for challenge in all_challenges(parsed_content):
        if not check_answer(challenge, demo_pupils.right_answer(challenge)).is_ok:
            refused_right.append(challenge.id)
        if check_answer(challenge, demo_pupils.wrong_answer(challenge)).is_ok:
            accepted_wrong.append(challenge.id)

    assert refused_right == []
    assert accepted_wrong == []


@pytest.mark.parametrize("kind", ["QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep"])
def test_each_type_is_used_by_at_least_ten_challenges(parsed_content, kind):
    assert sum(row["type"] == kind for row in parsed_content.challenges) >= 10
