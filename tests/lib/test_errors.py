import pytest

from lib.errors import DomainError


class SchoolError(DomainError):
    messages = {"FULL": "L'établissement compte déjà %(count)s classes."}


def test_a_refusal_raised_with_its_code_alone_takes_the_message_of_its_app():
    with pytest.raises(SchoolError) as refusal:
        raise SchoolError("FULL", count=3)

    assert (refusal.value.code, refusal.value.message, str(refusal.value)) == (
        "FULL", "L'établissement compte déjà 3 classes.", "L'établissement compte déjà 3 classes."
    )


def test_a_message_given_with_the_code_wins_and_names_its_field():
    refusal = SchoolError("FULL", "Complet.", "division")

    assert (refusal.message, refusal.field) == ("Complet.", "division")
