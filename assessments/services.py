"""The test engine's writes: start an assessment, record an answer with its knowledge
elements, choose the next challenge. The référentiel is read from memory (get_content), so
answering costs the same few queries whatever the size of the test."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from learning_content.repository import get_content
from lib.compiled import CompiledQuery
from lib.errors import DomainError

from . import algorithm, answer_write, progress, retries
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
    # The row as written, its next challenge asked (None for a replay).
    assessment: Assessment | None = None


def assessment_start(*, user, type, end_path: str, target_profile_id: str = "", competence_id: str = "",
                     title: str = "", is_improving: bool = False, ask_first_at=None) -> Assessment:
    """A new assessment. With ask_first_at, its first challenge is chosen now, in the caller's
    transaction (a join holds the pupil's lock), so that the first question's page only reads
    the row; a test that would ask nothing is left to end on that page, as before."""
    assessment = Assessment.objects.create(
        user=user, type=type, target_profile_id=target_profile_id, competence_id=competence_id, title=title,
        end_path=end_path, is_improving=is_improving,
    )
    if ask_first_at is not None:
        _ask_first(get_content(), assessment, now=ask_first_at)
    return assessment


def _ask_first(content, assessment, *, now) -> None:
    rows = list(KnowledgeElement.objects.filter(user_id=assessment.user_id).order_by("created_at", "pk")
                .values(*_KNOWLEDGE_FIELDS))
    state = progress.progress_from(
        [], [(None, element) for element in _knowledge_from_rows(rows)], assessment_id=assessment.pk,
        started_at=assessment.created_at,
        improving=algorithm.forgets_old_failures(
            is_campaign=assessment.type == Assessment.Type.CAMPAIGN, is_improving=assessment.is_improving
        ),
    )
    challenge = _choose_next(content, assessment, state)
    if challenge is None:
        return
    assessment.current_challenge_id, assessment.progress, assessment.progress_at = challenge.id, state, now
    # A timed challenge's clock starts when the student asks for it ("Commencer l'épreuve").
    assessment.current_challenge_started_at = None if challenge.is_timed else now
    assessment.save(update_fields=["current_challenge_id", "current_challenge_started_at", "progress", "progress_at"])


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


def _progress_from_rows(assessment) -> dict:
    """The assessment's progress rebuilt from its answers and the user's knowledge elements."""
    answered = assessment.answers.order_by("pk").values_list("challenge_id", flat=True)
    rows = list(
        KnowledgeElement.objects.filter(user_id=assessment.user_id).order_by("created_at", "pk")
        .values(*_KNOWLEDGE_FIELDS, "assessment_id")
    )
    knowledge = [(row["assessment_id"], element) for row, element in zip(rows, _knowledge_from_rows(rows))]
    return progress.progress_from(
        answered, knowledge, assessment_id=assessment.pk, started_at=assessment.created_at,
        improving=algorithm.forgets_old_failures(
            is_campaign=assessment.type == Assessment.Type.CAMPAIGN, is_improving=assessment.is_improving
        ),
    )


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


def _choose_next(content, assessment, state):
    tested = progress.tested_skills(state)
    targets = target_skill_ids(content, assessment)
    last_challenge = content.challenges.get(state["answered"][-1]) if state["answered"] else None
    return algorithm.next_challenge(
        content,
        target_skill_ids=targets,
        answered_challenge_ids=set(state["answered"]),
        tested_skill_ids=set(tested),
        direct_outcomes=algorithm.direct_outcomes(content, tested, target_skill_ids=targets),
        last_answer_timed=bool(last_challenge and last_challenge.is_timed),
        seed=assessment.pk,
    )


def _advance(content, assessment, state, *, now) -> bool:
    """Ask the next challenge, or complete the assessment, and keep the progress on the row,
    in one UPDATE. True when completed."""
    challenge = _choose_next(content, assessment, state)
    assessment.progress, assessment.progress_at = state, now
    if challenge is None:
        assessment.state = Assessment.State.COMPLETED
        assessment.completed_at = now
        assessment.current_challenge_id = ""
        assessment.current_challenge_started_at = None
        assessment.save(update_fields=[
            "state", "completed_at", "current_challenge_id", "current_challenge_started_at", "progress", "progress_at",
        ])
        assessment_completed.send(sender=Assessment, assessment=assessment)
        logger.info("assessment %s completed after %s answers", assessment.pk, len(state["answered"]))
        return True
    assessment.current_challenge_id = challenge.id
    # A timed challenge's clock starts when the student asks for it ("Commencer l'épreuve").
    assessment.current_challenge_started_at = None if challenge.is_timed else now
    assessment.save(update_fields=["current_challenge_id", "current_challenge_started_at", "progress", "progress_at"])
    return False


def answered_count(assessment) -> int:
    if assessment.progress is not None:
        return len(assessment.progress["answered"])
    return assessment.answers.count()


def assessment_current_challenge(assessment, *, now):
    """The challenge to show (already asked, or chosen now); None once the test is over."""
    content = get_content()
    if assessment.is_completed:
        return None
    if assessment.current_challenge_id in content.challenges:
        return content.challenges[assessment.current_challenge_id]
    # The first question, a test started again or a challenge retired: rare.
    with transaction.atomic():
        locked = _locked(assessment.pk, assessment.user_id)
        if not locked.is_completed and locked.current_challenge_id not in content.challenges:
            _advance(content, locked, _progress_of(locked), now=now)
    # The caller's copy, as written: no need to read it again.
    for field in ("state", "completed_at", "current_challenge_id", "current_challenge_started_at", "progress",
                  "progress_at"):
        setattr(assessment, field, getattr(locked, field))
    return content.challenges.get(assessment.current_challenge_id)


def assessment_start_timer(*, assessment, challenge_id: str, now) -> bool:
    """"Commencer l'épreuve": the clock of a timed challenge starts once. True when it started
    now (the caller's copy then says so)."""
    started = Assessment.objects.filter(
        pk=assessment.pk, current_challenge_id=challenge_id, current_challenge_started_at__isnull=True
    ).update(current_challenge_started_at=now)
    if started:
        assessment.current_challenge_started_at = now
    return bool(started)


def _result(challenge, value, *, skipped, started_at, now) -> str:
    if skipped:
        return Answer.Result.SKIPPED
    if challenge.is_timed and (
        started_at is None or now > started_at + timedelta(seconds=challenge.timer) + TIMER_GRACE
    ):
        return Answer.Result.TIMED_OUT
    return Answer.Result.OK if check_answer(challenge, value).is_ok else Answer.Result.KO


def _with_knowledge_moved(queryset):
    moved = KnowledgeElement.objects.filter(user_id=OuterRef("user_id"), created_at__gt=OuterRef("progress_at"))
    return queryset.with_closure().annotate(knowledge_moved=Exists(moved))


def _locked(assessment_id, user_id):
    """The assessment, locked, with its closure and whether the user's knowledge moved since
    its progress was kept (another test, a reset): one statement."""
    return (
        _with_knowledge_moved(Assessment.objects).select_for_update(of=("self",)).get(pk=assessment_id, user_id=user_id)
    )


def _progress_of(locked) -> dict:
    """The progress kept on the row, or rebuilt when missing or stale."""
    if locked.progress is None or locked.knowledge_moved:
        return _progress_from_rows(locked)
    return locked.progress


@dataclass(frozen=True)
class _Prepared:
    """An answer checked and computed, not written yet."""

    result: str
    time_spent: int | None
    new: list
    state: dict


def _prepare(content, assessment, *, challenge_id, value, skipped, now):
    """Check the answer against the row and compute what it writes. Returns the replayed
    answer's outcome, or what to write; AnswerError when refused."""
    if assessment.is_closed:
        raise AnswerError("CLOSED", _("Cette évaluation a été fermée par son organisateur."))
    state = _progress_of(assessment)
    if challenge_id in state["answered"]:
        replayed = assessment.answers.get(challenge_id=challenge_id)
        return AnswerOutcome(replayed, assessment.is_completed, len(state["answered"]), replayed=True)
    if assessment.is_completed:
        raise AnswerError("COMPLETED", _("Cette évaluation est terminée."))
    if challenge_id != assessment.current_challenge_id or challenge_id not in content.challenges:
        raise AnswerError("NOT_ASKED", _("Cette question n'est pas celle qui vous est posée."))
    challenge = content.challenges[challenge_id]
    if not skipped and not is_complete(challenge, value):
        raise AnswerError("EMPTY", _("Pour valider, répondez à la question. Sinon, passez."))
    started_at = assessment.current_challenge_started_at
    result = _result(challenge, value, skipped=skipped, started_at=started_at, now=now)
    new = algorithm.knowledge_elements_for_answer(
        content, target_skill_ids=target_skill_ids(content, assessment), skill_id=challenge.skill_id,
        is_ok=result == Answer.Result.OK, assessed_skill_ids=set(state["assessed"]), now=now,
    )
    return _Prepared(
        result=result, new=new,
        time_spent=max(round((now - started_at).total_seconds()), 0) if started_at else None,
        state=progress.progress_after_answer(state, challenge_id=challenge_id, new_elements=new),
    )


def _element_values(user_id, element, now) -> dict:
    return {
        "user_id": user_id, "skill_id": element.skill_id, "competence_id": element.competence_id,
        "status": element.status, "source": element.source, "earned_pix": element.earned_pix, "created_at": now,
    }


# The row an answer is computed from, its SQL compiled once per process.
_ANSWERED_ROW = CompiledQuery(
    lambda pk, user_id: _with_knowledge_moved(Assessment.objects).filter(pk=pk, user_id=user_id), "pk", "user_id",
)


def _answer_in_one_statement(content, *, assessment_id, user, challenge_id, value, skipped, now):
    """PostgreSQL's hot path: the row read once, unlocked; an answer that does not end the test
    written in one statement (answer_write), guarded by the row read. None when this path does
    not apply (the test ends, or the row moved meanwhile): the locked path decides then."""
    assessment = _ANSWERED_ROW.first(pk=assessment_id, user_id=user.pk)
    if assessment is None:
        raise Assessment.DoesNotExist
    prepared = _prepare(content, assessment, challenge_id=challenge_id, value=value, skipped=skipped, now=now)
    if isinstance(prepared, AnswerOutcome):
        return prepared
    following = _choose_next(content, assessment, prepared.state)
    if following is None:
        return None
    changes = {
        "current_challenge_id": following.id, "progress": prepared.state, "progress_at": now,
        # A timed challenge's clock starts when the student asks for it ("Commencer l'épreuve").
        "current_challenge_started_at": None if following.is_timed else now,
    }
    answer = {"challenge_id": challenge_id, "value": value, "result": prepared.result,
              "time_spent": prepared.time_spent, "created_at": now}
    answer_id = answer_write.write_answer(
        assessment=assessment, expected_progress_at=assessment.progress_at, answer=answer, changes=changes,
        knowledge=[_element_values(user.pk, element, now) for element in prepared.new],
    )
    if answer_id is None:
        return None
    for field, field_value in changes.items():
        setattr(assessment, field, field_value)
    return AnswerOutcome(
        Answer(pk=answer_id, assessment=assessment, **answer), False, len(prepared.state["answered"]),
        assessment=assessment,
    )


def _answer_locked(content, *, assessment_id, user, challenge_id, value, skipped, now):
    """The assessment locked, the ORM's writes in one transaction: SQLite, the answer that ends
    the test, and an answer whose row moved while the one-statement path computed it."""
    with transaction.atomic():
        locked = _locked(assessment_id, user.pk)
        prepared = _prepare(content, locked, challenge_id=challenge_id, value=value, skipped=skipped, now=now)
        if isinstance(prepared, AnswerOutcome):
            return prepared
        answer = Answer.objects.create(
            assessment=locked, challenge_id=challenge_id, value=value, result=prepared.result,
            time_spent=prepared.time_spent,
        )
        KnowledgeElement.objects.bulk_create([
            KnowledgeElement(assessment=locked, answer=answer, **_element_values(user.pk, element, now))
            for element in prepared.new
        ])
        completed = _advance(content, locked, prepared.state, now=now)
    return AnswerOutcome(answer, completed, len(prepared.state["answered"]), assessment=locked)


def answer_save(*, assessment_id: int, user, challenge_id: str, value, skipped: bool, now) -> AnswerOutcome:
    """Record the answer to the challenge being asked, its knowledge elements, and ask the
    next challenge. A replayed answer (double click, back button) changes nothing.

    The answer loop's hot path. On PostgreSQL, two statements: the assessment row, whose
    progress says what was answered and tested, then one statement writing the answer, its
    knowledge elements and the row's next challenge. Elsewhere, and for the answer that ends
    the test, the locked row and the ORM's writes in one transaction. The test's answers and
    the user's knowledge elements are read only when the progress is missing or stale.
    Assessment.DoesNotExist when the assessment is not the user's."""
    content = get_content()
    arguments = {"assessment_id": assessment_id, "user": user, "challenge_id": challenge_id, "value": value,
                 "skipped": skipped, "now": now}
    if answer_write.supported():
        outcome = _answer_in_one_statement(content, **arguments)
        if outcome is not None:
            return outcome
    try:
        return _answer_locked(content, **arguments)
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
