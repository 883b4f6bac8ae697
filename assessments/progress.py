"""What the next-challenge choice needs from an assessment's history, kept on its row.

Rebuilt from the answers and the user's knowledge elements (two reads that grow with the
pupil's history), then carried forward answer by answer, so that the answer loop reads only
the assessment row. Pure: plain values in, a JSON-ready dict out.

    answered  the challenge ids answered in this assessment, in order
    skills    [skill_id, status, source, usable] per skill the user has a knowledge element
              on, in order of first appearance (the order the choice sums its outcomes in);
              usable: not an old failure that an improving test forgets (§4.2)
    assessed  the skills this assessment created a knowledge element on, not reset since
"""

from datetime import datetime, timedelta

from . import algorithm

_DELAY = timedelta(days=algorithm.MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING)


def progress_from(answered_ids, knowledge_elements, *, assessment_id, started_at: datetime, improving: bool) -> dict:
    """knowledge_elements: (assessment_id, algorithm.KnowledgeElement) of the user, oldest first."""
    latest: dict[str, algorithm.KnowledgeElement] = {}
    latest_here: dict[str, str] = {}
    for element_assessment_id, element in knowledge_elements:
        latest[element.skill_id] = element
        if element_assessment_id == assessment_id:
            latest_here[element.skill_id] = element.status
    return {
        "answered": list(answered_ids),
        "skills": [
            [skill_id, element.status, element.source, _usable(element, started_at=started_at, improving=improving)]
            for skill_id, element in latest.items()
        ],
        "assessed": [skill_id for skill_id, status in latest_here.items() if status != algorithm.RESET],
    }


def _usable(element, *, started_at, improving) -> bool:
    return bool(algorithm.usable_for_campaign([element], assessment_started_at=started_at, improving=improving))


def progress_after_answer(progress: dict, *, challenge_id: str, new_elements) -> dict:
    """The progress once the answer and the knowledge elements it created are recorded."""
    skills = [list(entry) for entry in progress["skills"]]
    position = {entry[0]: index for index, entry in enumerate(skills)}
    assessed = list(progress["assessed"])
    for element in new_elements:
        entry = [element.skill_id, element.status, element.source, True]
        if element.skill_id in position:
            skills[position[element.skill_id]] = entry
        else:
            position[element.skill_id] = len(skills)
            skills.append(entry)
        if element.skill_id not in assessed:
            assessed.append(element.skill_id)
    return {"answered": [*progress["answered"], challenge_id], "skills": skills, "assessed": assessed}


def tested_skills(progress: dict) -> dict[str, tuple[str, str]]:
    """skill id → (status, source) of the knowledge the test counts (algorithm.knowledge_for_test)."""
    return {
        skill_id: (status, source)
        for skill_id, status, source, usable in progress["skills"] if usable and status != algorithm.RESET
    }
