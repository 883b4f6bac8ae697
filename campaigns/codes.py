"""Campaign codes: 6 letters + 3 digits from Pix's "safe" alphabets (no I, L, O; no 0, 1),
each character drawn with the OS's CSPRNG."""

import re
import secrets
from collections.abc import Callable

LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
DIGITS = "23456789"
CODE_PATTERN = re.compile(rf"^[{LETTERS}]{{6}}[{DIGITS}]{{3}}$")


def generate_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    letters = "".join(LETTERS[randbelow(len(LETTERS))] for _ in range(6))
    digits = "".join(DIGITS[randbelow(len(DIGITS))] for _ in range(3))
    return letters + digits


def normalize_code(text: str) -> str:
    """What a pupil types: case-insensitive, spaces and dashes ignored."""
    return re.sub(r"[\s-]", "", text or "").upper()
