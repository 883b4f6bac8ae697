"""Who a student is when he joins a campaign of his school (domain rules §10.6): the learner
of the base whose names match what he typed, and the username of the accounts a school
generates for its pupils.

Pure functions over plain values: the caller has already kept the learners born on the
typed birthdate.
"""

import datetime
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

MAX_DISTANCE_RATE = 0.25

# Letters that NFKD does not decompose into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans({
    "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i",
})


def normalize_name(value: str) -> str:
    """Pix's T1 + T2: lower-case, no accents, no spaces, no hyphens, no apostrophes, no
    punctuation, so that "N’Diaye", "n diaye" and "NDIAYE" are the same name."""
    decomposed = unicodedata.normalize("NFKD", value.lower().translate(_UNDECOMPOSABLE))
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    first_name: str
    middle_name: str
    third_name: str
    last_name: str
    preferred_last_name: str


def _same(typed: str, reference: str) -> bool:
    return bool(reference) and typed == reference


def _close(typed: str, reference: str) -> bool:
    # Divided by the length of the name in the school's base, not of what was typed: the
    # tolerance must not grow with the length of the input, or padding a wrong name with
    # letters would make it acceptable.
    if not reference:
        return False
    return Levenshtein.distance(typed, reference) / len(reference) <= MAX_DISTANCE_RATE


def match_learner(candidates: Sequence[Candidate], *, first_name: str, last_name: str) -> int | None:
    """The id of the only candidate whose first, then middle, then third name matches the
    typed first name and whose last name or usage name matches the typed last name; strictly
    first, then with typos. A step that finds several candidates cannot tell them apart and
    gives way to the next one; None when no step finds exactly one."""
    typed_first, typed_last = normalize_name(first_name), normalize_name(last_name)
    if not typed_first or not typed_last:
        return None
    prepared = [
        (
            candidate.id,
            (normalize_name(candidate.first_name), normalize_name(candidate.middle_name),
             normalize_name(candidate.third_name)),
            (normalize_name(candidate.last_name), normalize_name(candidate.preferred_last_name)),
        )
        for candidate in candidates
    ]
    for matches in (_same, _close):
        for slot in range(3):
            found = [
                candidate_id for candidate_id, given_names, last_names in prepared
                if matches(typed_first, given_names[slot])
                and any(matches(typed_last, reference) for reference in last_names)
            ]
            if len(found) == 1:
                return found[0]
    return None


def username_base(first_name: str, last_name: str, birthdate: datetime.date) -> str:
    """"prénom.nom" + day and month of birth (Pix's generated usernames); the caller adds
    random digits instead of the date when it is taken."""
    return f"{normalize_name(first_name)}.{normalize_name(last_name)}{birthdate:%d%m}"
