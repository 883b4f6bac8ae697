import itertools

import pytest

from campaigns.codes import CODE_PATTERN, DIGITS, LETTERS, generate_code, normalize_code


def test_the_alphabets_are_pix_safe_ones():
    assert LETTERS == "ABCDEFGHJKMNPQRSTUVWXYZ" and len(LETTERS) == 23
    assert not set("ILO") & set(LETTERS)
    assert DIGITS == "23456789"


def test_a_code_is_six_safe_letters_then_three_safe_digits():
    for _ in range(2000):
        code = generate_code()
        assert CODE_PATTERN.match(code), code
        assert code[:6].isalpha() and code[6:].isdigit()


def test_every_character_of_the_alphabets_can_be_drawn():
    seen = set("".join(generate_code() for _ in range(3000)))

    assert seen == set(LETTERS) | set(DIGITS)


def test_the_draw_uses_the_given_random_source():
    counter = itertools.count()

    code = generate_code(lambda n: next(counter) % n)

    # letters take draws 0..5, digits draws 6, 7, 8 (8 mod 8 = 0)
    assert code == "ABCDEF892"


@pytest.mark.parametrize("typed, code", [
    ("abcdef234", "ABCDEF234"), (" ABC DEF 234 ", "ABCDEF234"), ("abc-def-234", "ABCDEF234"), ("", ""),
])
def test_a_typed_code_is_normalized(typed, code):
    assert normalize_code(typed) == code
