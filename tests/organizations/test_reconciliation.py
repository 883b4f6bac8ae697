from datetime import date

import pytest

from organizations.reconciliation import Candidate, match_learner, normalize_name, username_base


def candidate(id, first_name, last_name, *, middle_name="", third_name="", preferred_last_name=""):
    return Candidate(
        id=id, first_name=first_name, middle_name=middle_name, third_name=third_name, last_name=last_name,
        preferred_last_name=preferred_last_name,
    )


@pytest.mark.parametrize(("value", "normalized"), [
    ("Léa", "lea"),
    ("ÉLÉONORE", "eleonore"),
    ("Le Goff", "legoff"),
    ("N’Diaye", "ndiaye"),
    ("n'diaye", "ndiaye"),
    ("Jean-Baptiste", "jeanbaptiste"),
    ("Lætitia", "laetitia"),
    ("LECŒUR", "lecoeur"),
    ("Weiß", "weiss"),
    ("Ørsted", "orsted"),
    ("Maëlys", "maelys"),
    ("François", "francois"),
    ("\u00a0 Zoé\u2009", "zoe"),
    ("O'Connor-Smith.", "oconnorsmith"),
    ("Henri IV", "henriiv"),
    ("", ""),
    ("- ' .", ""),
])
def test_names_are_compared_without_case_accents_spaces_or_punctuation(value, normalized):
    assert normalize_name(value) == normalized


def test_the_learner_with_exactly_the_typed_names_is_found():
    candidates = [candidate(1, "Lucas", "Martin"), candidate(2, "Léa", "Martin")]

    assert match_learner(candidates, first_name="LUCAS", last_name="martin") == 1
    assert match_learner(candidates, first_name="Lea", last_name="MARTIN") == 2


def test_accents_spaces_and_hyphens_typed_differently_still_match():
    candidates = [candidate(1, "Jean-Baptiste", "Le Goff")]

    assert match_learner(candidates, first_name="jean baptiste", last_name="LEGOFF") == 1


@pytest.mark.parametrize(("typed_first_name", "typed_last_name"), [
    ("Lukas", "Martin"),
    ("Lucas", "Martn"),
    ("Lucass", "Martin"),
])
def test_a_one_letter_typo_is_tolerated(typed_first_name, typed_last_name):
    candidates = [candidate(1, "Lucas", "Martin")]

    assert match_learner(candidates, first_name=typed_first_name, last_name=typed_last_name) == 1


@pytest.mark.parametrize(("typed_first_name", "typed_last_name"), [
    ("Luc", "Martin"),
    ("Lucas", "Martinez"),
    ("Léa", "Martin"),
    ("Lucas", "Dupont"),
])
def test_a_too_different_name_is_refused(typed_first_name, typed_last_name):
    candidates = [candidate(1, "Lucas", "Martin")]

    assert match_learner(candidates, first_name=typed_first_name, last_name=typed_last_name) is None


def test_the_tolerance_is_measured_on_the_name_of_the_base_not_on_what_was_typed():
    # One letter off: 1/4 of "Léon" is tolerated, 1/3 of "Léo" is not.
    assert match_learner([candidate(1, "Léon", "Petit")], first_name="Léo", last_name="Petit") == 1
    assert match_learner([candidate(1, "Léo", "Petit")], first_name="Léon", last_name="Petit") is None


def test_a_student_may_give_his_middle_or_third_name_as_first_name():
    candidates = [
        candidate(1, "Luciole", "Handmade", middle_name="Léa", third_name="Lucy"),
        candidate(2, "Harry", "Covert", middle_name="Cocœ"),
    ]

    assert match_learner(candidates, first_name="Léa", last_name="Handmade") == 1
    assert match_learner(candidates, first_name="Lucy", last_name="Handmade") == 1
    assert match_learner(candidates, first_name="Cocoe", last_name="Covert") == 2


def test_a_student_may_give_his_usage_name_as_last_name():
    candidates = [candidate(1, "Harry", "Covert", preferred_last_name="Cojaune")]

    assert match_learner(candidates, first_name="Harry", last_name="COJAUNE") == 1
    assert match_learner(candidates, first_name="Harry", last_name="Covert") == 1


def test_two_homonyms_born_the_same_day_cannot_be_told_apart():
    candidates = [candidate(1, "Lucas", "Martin"), candidate(2, "Lucas", "Martin")]

    assert match_learner(candidates, first_name="Lucas", last_name="Martin") is None


def test_homonyms_are_told_apart_by_a_middle_name_given_as_first_name():
    candidates = [
        candidate(1, "Lucas", "Martin", middle_name="Paul"),
        candidate(2, "Lucas", "Martin", middle_name="Jean"),
    ]

    assert match_learner(candidates, first_name="Lucas", last_name="Martin") is None
    assert match_learner(candidates, first_name="Paul", last_name="Martin") == 1
    assert match_learner(candidates, first_name="Jean", last_name="Martin") == 2


def test_an_exact_match_wins_over_a_close_one():
    candidates = [candidate(1, "Lucas", "Martin"), candidate(2, "Lukas", "Martin")]

    assert match_learner(candidates, first_name="Lukas", last_name="Martin") == 2


def test_an_ambiguous_first_name_gives_way_to_the_next_name():
    candidates = [
        candidate(1, "Léa", "Martin"),
        candidate(2, "Léa", "Martin"),
        candidate(3, "Zoé", "Martin", middle_name="Léa"),
    ]

    assert match_learner(candidates, first_name="Léa", last_name="Martin") == 3


@pytest.mark.parametrize(("typed_first_name", "typed_last_name"), [
    ("", "Martin"),
    ("Lucas", ""),
    ("-", "Martin"),
    ("  ", "  "),
])
def test_empty_names_never_match(typed_first_name, typed_last_name):
    candidates = [candidate(1, "Lucas", "Martin"), candidate(2, "", "")]

    assert match_learner(candidates, first_name=typed_first_name, last_name=typed_last_name) is None


def test_an_empty_middle_name_of_the_base_matches_nothing():
    candidates = [candidate(1, "Lucas", "Martin"), candidate(2, "Lucas", "Martin", middle_name="A")]

    assert match_learner(candidates, first_name="B", last_name="Martin") is None


def test_nobody_born_that_day_matches_nothing():
    assert match_learner([], first_name="Lucas", last_name="Martin") is None


@pytest.mark.parametrize(("first_name", "last_name", "birthdate", "username"), [
    ("Léa", "Le Goff", date(2011, 3, 7), "lea.legoff0703"),
    ("Jean-Baptiste", "N'Diaye", date(2010, 12, 25), "jeanbaptiste.ndiaye2512"),
    ("Chloé", "Lecœur", date(2012, 1, 1), "chloe.lecoeur0101"),
    ("ÉLOÏSE", "DE LA FONTAINE", date(2011, 10, 31), "eloise.delafontaine3110"),
])
def test_the_username_base_is_first_name_dot_last_name_and_day_and_month_of_birth(
    first_name, last_name, birthdate, username,
):
    assert username_base(first_name, last_name, birthdate) == username
