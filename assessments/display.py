"""How answers read for a student: the answer he gave and the expected one, in words."""

import random

from django.urls import reverse
from django.utils.text import Truncator

from learning_content import attachments
from lib.markdown import markdown_text

SUMMARY_LENGTH = 90


def instruction_summary(challenge) -> str:
    """The challenge in a line (a checkpoint's titles): its instruction's words, no Markdown."""
    return Truncator(markdown_text(challenge.instruction)).chars(SUMMARY_LENGTH)


def shuffled_proposals(challenge, *, assessment_id: int) -> list[tuple[int, str]]:
    """A QCU's or QCM's proposals as (number, text), in the order this pupil sees them:
    shuffled per assessment and challenge (as Pix's `shuffled` challenges), the same at each
    reload, so that the key's position tells nothing. The numbers stay the référentiel's:
    checking and the checkpoint do not depend on the order shown."""
    numbered = list(enumerate(challenge.proposals, start=1))
    # A string seed is hashed with SHA-512: the same order in every process.
    random.Random(f"{assessment_id}:{challenge.id}").shuffle(numbered)
    return numbered


def _proposal(challenge, number) -> str:
    try:
        return challenge.proposals[int(number) - 1]
    except (ValueError, IndexError, TypeError):
        return str(number)


def given_answer_text(challenge, value) -> str:
    if value in (None, "", {}, []):
        return ""
    if challenge.type == "QCU":
        return _proposal(challenge, value)
    if challenge.type == "QCM":
        return " ; ".join(_proposal(challenge, item) for item in str(value).split(",") if item.strip())
    if challenge.type.startswith("QROCM"):
        labels = {item["key"]: item.get("label") or item["key"] for item in challenge.inputs}
        return " ; ".join(f"{labels.get(key, key)} {text}" for key, text in (value or {}).items())
    return str(value)


def expected_answer_text(challenge) -> str:
    solution = challenge.solution
    if challenge.type == "QCU":
        return _proposal(challenge, solution)
    if challenge.type == "QCM":
        return " ; ".join(_proposal(challenge, number) for number in solution)
    if challenge.type == "QROC":
        variants = solution if isinstance(solution, (list, tuple)) else [solution]
        return " ou ".join(str(variant) for variant in variants[:3])
    if challenge.type == "QROCM-ind":
        labels = {item["key"]: item.get("label") or item["key"] for item in challenge.inputs}
        return " ; ".join(f"{labels.get(key, key)} {variants[0]}" for key, variants in solution.items())
    if challenge.type == "QROCM-dep":
        return ", ".join(variants[0] for variants in list(solution.values())[: max(len(challenge.inputs) + 2, 3)])
    return ""


def _typed(value: str) -> str:
    # A NUL character cannot be typed, and PostgreSQL refuses it in text.
    return value.replace("\x00", "").strip()[:500]


def answer_from_form(challenge, data) -> object:
    """The answer in the shape checking expects, from the posted form."""
    if challenge.type == "QCM":
        values = {_typed(value) for value in data.getlist("answer")}
        return ",".join(sorted((value for value in values if value), key=lambda v: (len(v), v)))
    if challenge.type.startswith("QROCM"):
        values = {item["key"]: _typed(data.get(f"answer-{item['key']}", "")) for item in challenge.inputs}
        return values if any(values.values()) else {}
    return _typed(data.get("answer", ""))


def typed_values(challenge, value) -> dict:
    """What the pupil had typed or ticked, to show it again with a hint: {"choices": the
    ticked proposal numbers, "fields": {input key: text}}."""
    if value in (None, "", {}, []):
        return {"choices": set(), "fields": {}}
    if challenge.type in ("QCU", "QCM"):
        return {"choices": {item.strip() for item in str(value).split(",") if item.strip()}, "fields": {}}
    if challenge.type.startswith("QROCM"):
        return {"choices": set(), "fields": dict(value)}
    return {"choices": set(), "fields": {item["key"]: str(value) for item in challenge.inputs[:1]}}


def _attachment_table(challenge):
    data = challenge.attachment
    return data["name"], tuple(tuple(row) for row in data["rows"])


def attachment_links(challenge, *, assessment_id: int) -> list[dict]:
    """The challenge's file in each format, with what a download link must say: its name,
    format and size."""
    if not challenge.attachment:
        return []
    name, rows = _attachment_table(challenge)
    links = []
    for extension in attachments.formats_of(name):
        filename = f"{attachments.stem(name)}.{extension}"
        links.append({
            "url": reverse("assessments:attachment", args=[assessment_id, filename]), "filename": filename,
            "format": attachments.FORMATS[extension][0],
            "size": attachments.size_label(len(attachments.render(name, rows, extension))),
        })
    return links


def attachment_file(challenge, filename: str) -> tuple[bytes, str] | None:
    """(content, content type) of the challenge's file under that name, else None."""
    if challenge is None or not challenge.attachment:
        return None
    name, rows = _attachment_table(challenge)
    wanted_stem, _dot, extension = filename.rpartition(".")
    if wanted_stem != attachments.stem(name) or extension not in attachments.FORMATS:
        return None
    return attachments.render(name, rows, extension), attachments.FORMATS[extension][1]
