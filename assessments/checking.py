"""Answer checking, per challenge type, with Pix's treatments (domain rules §3.4).

Pure functions over plain values. Answer shapes: QCU "2"; QCM "1,3"; QROC a text;
QROCM-ind and QROCM-dep a dict {input key: text}.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from learning_content.numbers import parse_number

OK = "ok"
KO = "ko"
MAX_EDIT_RATIO = 0.25
_NOT_T2 = re.compile(r"[^a-zA-Z0-9 ]")
_SPACES = re.compile(r" +")


@dataclass(frozen=True)
class CheckResult:
    status: str
    details: dict = field(default_factory=dict)  # per input key for QROCM: True/False

    @property
    def is_ok(self):
        return self.status == OK


def pretreat(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").replace("\u202f", " ")


def t1(text: str) -> str:
    """Espaces, casse & accents."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower())
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", "", without_accents)


def t2(text: str) -> str:
    """Ponctuation: keep only ASCII letters, digits and single spaces."""
    return _SPACES.sub(" ", _NOT_T2.sub("", text))


def apply_treatments(text: str, tolerances) -> str:
    text = pretreat(text)
    if "t1" in tolerances:
        text = t1(text)
    if "t2" in tolerances:
        text = t2(text)
    return text


def matches_one_of(answer: str, variants, tolerances) -> bool:
    treated = apply_treatments(answer, tolerances)
    candidates = [apply_treatments(variant, tolerances) for variant in variants]
    if "t3" not in tolerances:
        return treated in candidates
    if not treated:
        return "" in candidates
    return any(Levenshtein.distance(treated, candidate) / len(treated) <= MAX_EDIT_RATIO for candidate in candidates)


def check_qcu(answer, solution) -> CheckResult:
    return CheckResult(OK if str(answer).strip() == str(solution) else KO)


def _csv_items(value) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return sorted(str(item).strip() for item in items)


def check_qcm(answer, solution) -> CheckResult:
    """Pix's `areCSVequivalent`: split on commas, trim, sort, compare; `1,1,2` is not `1,2`."""
    return CheckResult(OK if _csv_items(answer) == _csv_items(solution) else KO)


def _numbers_equal(answer: str, variants) -> bool | None:
    """None when the comparison is not numeric (a non-number on either side)."""
    number = parse_number(pretreat(answer))
    expected = [parse_number(str(variant)) for variant in variants]
    if number is None or any(value is None for value in expected):
        return None
    return number in expected


def check_qroc(answer, variants, tolerances, *, number_format=False) -> CheckResult:
    answer = str(answer or "")
    if number_format:
        numeric = _numbers_equal(answer, variants)
        if numeric is not None:
            return CheckResult(OK if numeric else KO)
    return CheckResult(OK if matches_one_of(answer, variants, tolerances) else KO)


def check_qrocm_ind(answer: dict, solution: dict, tolerances, inputs) -> CheckResult:
    selects = {item["key"] for item in inputs if item.get("options")}
    details = {}
    for key, variants in solution.items():
        given = str((answer or {}).get(key) or "")
        if key in selects:
            details[key] = given in variants
        else:
            details[key] = matches_one_of(given, variants, tolerances)
    return CheckResult(OK if all(details.values()) else KO, details)


def check_qrocm_dep(answer: dict, solution: dict, tolerances, inputs) -> CheckResult:
    unused = dict(solution)
    details = {}
    for item in inputs:
        given = str((answer or {}).get(item["key"]) or "")
        matched = next(
            (group for group, variants in unused.items()
             if given.strip() and matches_one_of(given, variants, tolerances)),
            None,
        )
        details[item["key"]] = matched is not None
        if matched is not None:
            del unused[matched]
    return CheckResult(OK if details and all(details.values()) else KO, details)


def is_complete(challenge, answer) -> bool:
    """Pix validates an answer only when every field is filled ("Je passe" otherwise): half a
    QROCM would be stored as wrong."""
    if challenge.type.startswith("QROCM"):
        given = answer if isinstance(answer, dict) else {}
        return bool(challenge.inputs) and all(
            str(given.get(item["key"]) or "").strip() for item in challenge.inputs
        )
    if challenge.type == "QCM":
        return any(_csv_items(answer or ""))
    return bool(str(answer or "").strip())


def check_answer(challenge, answer) -> CheckResult:
    """`challenge` is a learning_content.repository.ChallengeData (or anything shaped so)."""
    kind = challenge.type
    if kind == "QCU":
        return check_qcu(answer, challenge.solution)
    if kind == "QCM":
        return check_qcm(answer, challenge.solution)
    if kind == "QROC":
        return check_qroc(answer, challenge.solution, challenge.tolerances, number_format=challenge.format == "nombre")
    if kind == "QROCM-ind":
        return check_qrocm_ind(answer, challenge.solution, challenge.tolerances, challenge.inputs)
    if kind == "QROCM-dep":
        return check_qrocm_dep(answer, challenge.solution, challenge.tolerances, challenge.inputs)
    raise ValueError(f"unknown challenge type {kind}")
