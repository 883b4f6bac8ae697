"""Every challenge of content/ accepts its own solution and rejects a wrong answer."""

import pytest

from assessments.checking import check_answer
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
    assert refused == []


@pytest.mark.parametrize("kind", ["QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep"])
def test_each_type_is_used_by_at_least_ten_challenges(parsed_content, kind):
    assert sum(row["type"] == kind for row in parsed_content.challenges) >= 10
