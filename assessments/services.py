"""The test engine's writes: start an assessment, record an answer with its knowledge
elements, choose the next challenge. The référentiel is read from memory (get_content), so
answering costs the same few queries whatever the size of the test."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from learning_content.repository import get_content
from lib.errors import DomainError

from . import algorithm, retries
from .checking import check_answer, is_complete
from .models import Answer, Assessment, KnowledgeElement
from .signals import assessment_completed

logger = logging.getLogger(__name__)

# Network and rendering delays: a timed answer sent this late is still on time.
TIMER_GRACE = timedelta(seconds=3)


class AnswerError(DomainError):
    """A refused answer (empty, not the question asked)."""


@dataclass(frozen=True)
class AnswerOutcome:
    answer: Answer
    completed: bool
    answered_count: int
    replayed: bool = False


def assessment_start(*, user, type, end_path: str, target_profile_id: str = "", competence_id: str = "",
                     title: str = "", is_improving: bool = False) -> Assessment:
    return Assessment.objects.create(
        user=user, type=type, target_profile_id=target_profile_id, competence_id=competence_id, title=title,
        end_path=end_path, is_improving=is_improving,
    )


def competence_evaluation_open(*, content, user, competence_id: str, end_path: str, now):
    """A competence evaluated outside any campaign (it feeds the profile): the one under way, or
    a new one when the test would ask something (otherwise it would end at once). Returns
    (assessment, None), or (None, the retry rule's answer saying why not)."""
    assessment = Assessment.objects.filter(
        user=user, type=Assessment.Type.COMPETENCE_EVALUATION, competence_id=competence_id,
        state=Assessment.State.STARTED,
    ).first()
    if assessment is not None:
        return assessment, None
    action = retries.competence_action(
        content, user_knowledge_elements(user.pk), competence_id=competence_id, started=False, now=now,
    )
    if not action.can_start:
        return None, action
    competence = content.competences[competence_id]
    return assessment_start(
        user=user, type=Assessment.Type.COMPETENCE_EVALUATION, competence_id=competence_id,
        title=f"{competence.index} {competence.name}", end_path=end_path, is_improving=action.kind == retries.RETRY,
    ), None


def target_skill_ids(content, assessment) -> frozenset[str]:
    if assessment.type == Assessment.Type.CAMPAIGN:
        profile = content.target_profiles.get(assessment.target_profile_id)
        return frozenset(profile.skill_ids) if profile else frozenset()
    competence = content.competences.get(assessment.competence_id)
    if competence is None:
        return frozenset()
    return frozenset(skill_id for skill_id in competence.skill_ids if skill_id in content.skills)


_KNOWLEDGE_FIELDS = ("user_id", "skill_id", "status", "source", "earned_pix", "competence_id", "created_at")


def _knowledge_from_rows(rows):
    return [
        algorithm.KnowledgeElement(
            skill_id=row["skill_id"], status=row["status"], source=row["source"], earned_pix=row["earned_pix"],
            competence_id=row["competence_id"], created_at=row["created_at"],
        )
        for row in rows
    ]


def user_knowledge_elements(user_id, *, until=None) -> list[algorithm.KnowledgeElement]:
    """Every knowledge element of the user, oldest first (one query)."""
    rows = KnowledgeElement.objects.filter(user_id=user_id)
    if until is not None:
        rows = rows.filter(created_at__lte=until)
    return _knowledge_from_rows(rows.order_by("created_at", "pk").values(*_KNOWLEDGE_FIELDS))


def _user_knowledge_and_assessed(user_id, assessment_id) -> tuple[list[algorithm.KnowledgeElement], set[str]]:
    """The user's knowledge elements, oldest first, and the skills already assessed in this
    assessment (a skill reset since may be assessed again), read in one query."""
    rows = list(
        KnowledgeElement.objects.filter(user_id=user_id).order_by("created_at", "pk")
        .values(*_KNOWLEDGE_FIELDS, "assessment_id")
    )
    latest_here = {row["skill_id"]: row["status"] for row in rows if row["assessment_id"] == assessment_id}
    return _knowledge_from_rows(rows), {
        skill_id for skill_id, status in latest_here.items() if status != KnowledgeElement.Status.RESET
    }


def users_knowledge_elements(user_ids, skill_ids) -> dict[int, list[algorithm.KnowledgeElement]]:
    """The knowledge elements of several users on these skills, oldest first, in one query
    (a page or an export chunk would otherwise cost one query per pupil)."""
    if not user_ids:
        return {}
    by_user: dict[int, list] = {}
    rows = (
        KnowledgeElement.objects.filter(user_id__in=user_ids, skill_id__in=skill_ids)
        .order_by("user_id", "created_at", "pk").values(*_KNOWLEDGE_FIELDS)
    )
    for row in rows:
        by_user.setdefault(row["user_id"], []).append(row)
    return {user_id: _knowledge_from_rows(items) for user_id, items in by_user.items()}


def _choose_next(content, assessment, *, answered, knowledge_elements):
    """answered: [(challenge_id, result)] of this assessment, in order."""
    improving = algorithm.forgets_old_failures(
        is_campaign=assessment.type == Assessment.Type.CAMPAIGN, is_improving=assessment.is_improving
    )
    latest = algorithm.knowledge_for_test(knowledge_elements, started_at=assessment.created_at, improving=improving)
    targets = target_skill_ids(content, assessment)
    last_challenge = content.challenges.get(answered[-1][0]) if answered else None
    return algorithm.next_challenge(
        content,
        target_skill_ids=targets,
        answered_challenge_ids={challenge_id for challenge_id, _result in answered},
        tested_skill_ids=set(latest),
        direct_outcomes=algorithm.direct_outcomes(content, latest.values(), target_skill_ids=targets),
        last_answer_timed=bool(last_challenge and last_challenge.is_timed),
        seed=assessment.pk,
    )


def _advance(content, assessment, *, answered, knowledge_elements, now) -> bool:
    """Ask the next challenge, or complete the assessment. True when completed."""
    challenge = _choose_next(content, assessment, answered=answered, knowledge_elements=knowledge_elements)
    if challenge is None:
        assessment.state = Assessment.State.COMPLETED
        assessment.completed_at = now
        assessment.current_challenge_id = ""
        assessment.current_challenge_started_at = None
        assessment.save(update_fields=["state", "completed_at", "current_challenge_id", "current_challenge_started_at"])
        assessment_completed.send(sender=Assessment, assessment=assessment)
        logger.info("assessment %s completed after %s answers", assessment.pk, len(answered))
        return True
    assessment.current_challenge_id = challenge.id
    # A timed challenge's clock starts when the student asks for it ("Commencer l'épreuve").
    assessment.current_challenge_started_at = None if challenge.is_timed else now
    assessment.save(update_fields=["current_challenge_id", "current_challenge_started_at"])
    return False


def assessment_current_challenge(assessment, *, now):
    """The challenge to show (already asked, or chosen now); None once the test is over."""
    content = get_content()
    if assessment.is_completed:
        return None
    if assessment.current_challenge_id in content.challenges:
        return content.challenges[assessment.current_challenge_id]
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_completed and locked.current_challenge_id not in content.challenges:
            answered = list(locked.answers.order_by("pk").values_list("challenge_id", "result"))
            _advance(content, locked, answered=answered,
                     knowledge_elements=user_knowledge_elements(locked.user_id), now=now)
    assessment.refresh_from_db()
    return content.challenges.get(assessment.current_challenge_id)


def assessment_start_timer(*, assessment, challenge_id: str, now) -> None:
    """"Commencer l'épreuve": the clock of a timed challenge starts once."""
    Assessment.objects.filter(
        pk=assessment.pk, current_challenge_id=challenge_id, current_challenge_started_at__isnull=True
    ).update(current_challenge_started_at=now)


def _result(challenge, value, *, skipped, started_at, now) -> str:
    if skipped:
        return Answer.Result.SKIPPED
    if challenge.is_timed and (
        started_at is None or now > started_at + timedelta(seconds=challenge.timer) + TIMER_GRACE
    ):
        return Answer.Result.TIMED_OUT
    return Answer.Result.OK if check_answer(challenge, value).is_ok else Answer.Result.KO


def answer_save(*, assessment_id: int, user, challenge_id: str, value, skipped: bool, now) -> AnswerOutcome:
    """Record the answer to the challenge being asked, its knowledge elements, and ask the
    next challenge. A replayed answer (double click, back button) changes nothing.

    The answer loop's hot path: the locked assessment (with its closure), its answers, the
    user's knowledge elements, two inserts and one update; six statements in one transaction.
    Assessment.DoesNotExist when the assessment is not the user's."""
    content = get_content()
    try:
        with transaction.atomic():
            locked = (
                Assessment.objects.with_closure().select_for_update().get(pk=assessment_id, user_id=user.pk)
            )
            if locked.is_closed:
                raise AnswerError("CLOSED", _("Cette évaluation a été fermée par son organisateur."))
            answered = list(locked.answers.order_by("pk").values_list("challenge_id", "result"))
            if any(answered_id == challenge_id for answered_id, _result in answered):
                replayed = locked.answers.get(challenge_id=challenge_id)
                return AnswerOutcome(replayed, locked.is_completed, len(answered), replayed=True)
            if locked.is_completed:
                raise AnswerError("COMPLETED", _("Cette évaluation est terminée."))
            if challenge_id != locked.current_challenge_id or challenge_id not in content.challenges:
                raise AnswerError("NOT_ASKED", _("Cette question n'est pas celle qui vous est posée."))
            challenge = content.challenges[challenge_id]
            if not skipped and not is_complete(challenge, value):
                raise AnswerError("EMPTY", _("Pour valider, répondez à la question. Sinon, passez."))
            result = _result(challenge, value, skipped=skipped, started_at=locked.current_challenge_started_at, now=now)
            answer = Answer.objects.create(assessment=locked, challenge_id=challenge_id, value=value, result=result)
            knowledge, assessed = _user_knowledge_and_assessed(user.pk, locked.pk)
            new = algorithm.knowledge_elements_for_answer(
                content, target_skill_ids=target_skill_ids(content, locked), skill_id=challenge.skill_id,
                is_ok=result == Answer.Result.OK, assessed_skill_ids=assessed, now=now,
            )
            KnowledgeElement.objects.bulk_create([
                KnowledgeElement(
                    user_id=user.pk, assessment=locked, answer=answer, skill_id=ke.skill_id,
                    competence_id=ke.competence_id, status=ke.status, source=ke.source, earned_pix=ke.earned_pix,
                    created_at=now,
                )
                for ke in new
            ])
            answered.append((challenge_id, result))
            completed = _advance(content, locked, answered=answered, knowledge_elements=[*knowledge, *new], now=now)
    except IntegrityError:
        # Without row locks (SQLite), a concurrent request recorded the same answer first: the
        # transaction is rolled back whole and this request is a replay.
        replayed = Answer.objects.select_related("assessment").filter(
            assessment_id=assessment_id, assessment__user_id=user.pk, challenge_id=challenge_id
        ).first()
        if replayed is None:
            raise
        return AnswerOutcome(replayed, replayed.assessment.is_completed, replayed.assessment.answers.count(),
                             replayed=True)
    return AnswerOutcome(answer, completed, len(answered))


def knowledge_reset(*, user, skill_ids, now) -> None:
    """"Remettre à zéro" (domain rules §2.6): each of these skills the user has a knowledge
    element on gets a new one, `reset`, worth 0 pix, so that his profile forgets it and the next
    test asks it again; his latest evaluation of each competence touched is started again, as
    in Pix, to ask what it now lacks. The caller holds the transaction."""
    rows = (
        KnowledgeElement.objects.filter(user_id=user.pk, skill_id__in=skill_ids).order_by("created_at", "pk")
        .values("skill_id", "competence_id", "status", "source", "assessment_id", "answer_id")
    )
    latest = {row["skill_id"]: row for row in rows}
    resets = [
        # Kept on the assessment that assessed the skill: in the new one, the skill is not
        # assessed yet, and its answer may create a direct knowledge element.
        KnowledgeElement(
            user_id=user.pk, assessment_id=row["assessment_id"], answer_id=row["answer_id"],
            skill_id=skill_id, competence_id=row["competence_id"], status=KnowledgeElement.Status.RESET,
            source=row["source"], earned_pix=0, created_at=now,
        )
        for skill_id, row in latest.items() if row["status"] != KnowledgeElement.Status.RESET
    ]
    KnowledgeElement.objects.bulk_create(resets)
    evaluations = Assessment.objects.filter(
        user_id=user.pk, type=Assessment.Type.COMPETENCE_EVALUATION,
        competence_id__in={element.competence_id for element in resets},
    ).order_by("created_at", "pk").values_list("competence_id", "pk")
    latest_evaluations = list(dict(evaluations).values())
    Assessment.objects.filter(pk__in=latest_evaluations, state=Assessment.State.COMPLETED).update(
        state=Assessment.State.STARTED, completed_at=None, current_challenge_id="",
        current_challenge_started_at=None,
    )
    logger.info("%s knowledge element(s) of user %s reset", len(resets), user.pk)
