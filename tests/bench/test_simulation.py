"""The honest simulation (bench/simulation.py, issue 19 item 4), small: a few pupils on one
parcours, through the real engine and checker. Figures only in bench/README.md."""

import random

import pytest

from bench import simulation

from ..learning_content.test_every_challenge import all_challenges


def test_a_few_pupils_on_one_parcours_give_every_figure(referential):
    results = simulation.run(referential, students=3, profile_ids={"tp-rentree-6e"})

    [row] = results["rows"]
    populations = {"noiseless", "noisy", "random guesser", "longest-option guesser"}
    assert row["profile"] == "Parcours de rentrée 6e" and set(row["matched"]) == populations
    # A pupil answering exactly by his ability is classified right by the inference in tubes.
    assert row["matched"]["noiseless"] >= simulation.NOISELESS_TARGET
    assert all(0 < share <= 1 for share in row["questions_per_skill"].values())
    assert len(simulation.report_lines(results)) == 5


def test_a_noisy_pupil_guesses_a_qcu_at_one_in_the_options_and_slips_on_what_he_masters():
    class Qcu:
        type, proposals = "QCU", ("a", "b", "c", "d")

    assert simulation.success_chance(-10, 7, Qcu) == pytest.approx(0.25)
    assert simulation.success_chance(10, 1, Qcu) == pytest.approx(1 - simulation.SLIP)


def test_the_guessers_answer_through_the_checker(parsed_content):
    qcus = [c for c in all_challenges(parsed_content) if c.type == "QCU"]
    longest = simulation.longest_guesser()
    right = sum(longest(challenge, None) for challenge in qcus)
    by_chance = sum(simulation.random_guesser(random.Random(1))(challenge, None) for challenge in qcus)
    assert 0 < right < len(qcus) and 0 < by_chance < len(qcus)
