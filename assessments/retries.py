"""When trying again asks something ("Je retente", "Retenter"; badges-sso-followup §3.4
canImprove): a new test builds on the pupil's knowledge elements (§4.2), forgetting, when it
improves, the failures older than the delay, and asks the playable skills left without one.
A button that would start a test asking nothing is not shown; "Retenter dans N jours" is.

Pure functions over the in-memory référentiel and plain knowledge elements, the clock passed in.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .algorithm import (
    MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING,
    OPERATIVE_CHALLENGE_STATUSES,
    VALIDATED,
    KnowledgeElement,
    knowledge_for_test,
    latest_per_skill,
)

DELAY = timedelta(days=MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING)
DAY = timedelta(days=1)


def playable_skill_ids(content, skill_ids: Iterable[str]) -> set[str]:
    """The skills that have a challenge the test may ask."""
    return {
        skill_id for skill_id in skill_ids
        if skill_id in content.skills and any(
            content.challenges[challenge_id].status in OPERATIVE_CHALLENGE_STATUSES
            for challenge_id in content.challenges_by_skill.get(skill_id, ())
        )
    }


def skills_to_ask(content, knowledge_elements: Iterable[KnowledgeElement], *, skill_ids: Iterable[str],
                  started_at: datetime, improving: bool) -> set[str]:
    """The skills a test started at `started_at` has left to ask: its first question is one of
    them (the first-challenge rule always finds one when there is one)."""
    known = knowledge_for_test(knowledge_elements, started_at=started_at, improving=improving)
    return playable_skill_ids(content, skill_ids) - set(known)


def next_try_at(content, knowledge_elements: Iterable[KnowledgeElement], *, skill_ids: Iterable[str],
                now: datetime, improving: bool = True) -> datetime | None:
    """The first instant, from `now`, at which a new test would ask something: `now`, the
    moment an old enough failure is forgotten, or None when waiting changes nothing."""
    skill_ids = set(skill_ids)
    # Only these skills' elements matter: the profile asks this of each of the 16 competences.
    knowledge_elements = [element for element in knowledge_elements if element.skill_id in skill_ids]

    def asks_something(moment):
        return bool(skills_to_ask(content, knowledge_elements, skill_ids=skill_ids, started_at=moment,
                                  improving=improving))

    if asks_something(now):
        return now
    if not improving:
        return None
    forgotten_at = sorted({
        element.created_at + DELAY for element in knowledge_elements
        if element.status != VALIDATED and element.created_at is not None and element.created_at + DELAY > now
    })
    return next((moment for moment in forgotten_at if asks_something(moment)), None)


def days_until(moment: datetime, now: datetime) -> int:
    """Whole days to wait, rounded up: "Retenter dans 1 jour" an hour before the moment."""
    return max(math.ceil((moment - now) / DAY), 0)


START, RESUME, RETRY, WAIT, NOTHING = "start", "resume", "retry", "wait", "nothing"


@dataclass(frozen=True)
class CompetenceAction:
    """The button of a competence card: "Commencer", "Reprendre", "Retenter", or
    "Retenter dans N jours" (`days`), or none when no test would ask anything."""

    kind: str
    days: int = 0

    @property
    def can_start(self) -> bool:
        return self.kind in (START, RETRY)


def competence_action(content, knowledge_elements: Iterable[KnowledgeElement], *, competence_id: str,
                      started: bool, now: datetime) -> CompetenceAction:
    """A competence already worked on (in a campaign too) is retried, improving: its failures
    older than the delay are asked again; a new one is started."""
    if started:
        return CompetenceAction(RESUME)
    skill_ids = set(content.competences[competence_id].skill_ids)
    knowledge_elements = [element for element in knowledge_elements if element.skill_id in skill_ids]
    improving = bool(latest_per_skill(knowledge_elements))
    moment = next_try_at(content, knowledge_elements, skill_ids=skill_ids, now=now, improving=improving)
    if moment is None:
        return CompetenceAction(NOTHING)
    if moment > now:
        return CompetenceAction(WAIT, days_until(moment, now))
    return CompetenceAction(RETRY if improving else START)
