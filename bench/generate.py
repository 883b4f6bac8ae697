"""Builds a school with two campaigns of `scale` participations each, fast, for the scale
benchmark (issue #8) and its CI smoke test.

One SCO school that manages its pupils (a SIECLE-like base of `scale` pupils over 32 classes,
each linked to an account), a teacher and a correspondent, and two campaigns created by the
real service: an evaluation on "Parcours de rentrée 3e" (`tp-rentree-3e`) and a profiles
collection.

Each pupil knows every tube up to a level drawn between 0 and the tube's cap, as in
`bench/simulation.py`, and answers accordingly. His test is played tube by tube with the real
inference (`algorithm.knowledge_elements_for_answer`): the skill nearest to level 2 first, then
the nearest untested one, so a tube of three skills takes two questions (the engine asks 0.68
question per target skill in the simulation). In the evaluation, 70 % sent their results
(snapshot of their latest knowledge elements, results stored as a sending stores them), 15 %
finished without sending, 15 % are half-way (an assessment in progress). Every pupil has his
assessment, answers and knowledge elements, whatever his status. A collection has no
"started" state (joining it is enough to send): 70 % sent their profile, 30 % did not. The
profile is the evaluation's knowledge elements plus, in each competence, one more tube known
to a level drawn between 0 and 3 (from earlier tests, in the snapshot only), which makes some
pupils certifiable.

On PostgreSQL the rows go through `COPY … FROM STDIN` in one transaction; when the role may,
foreign keys are checked once at the end with one anti-join per key rather than row by row by
the triggers (`session_replication_role = replica`); the tables are then vacuumed and
analyzed. Elsewhere (SQLite) through bulk_create. Dates are fixed (the 2025
rentrée), so the same seed gives the same rows.
"""

import json
import math
import random
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from psycopg.copy import QueuedLibpqWriter

from accounts.models import User
from assessments import algorithm, scoring
from assessments.models import Answer, Assessment, KnowledgeElement
from campaigns.models import Campaign
from campaigns.services import campaign_create
from demo.pupils import right_answer, wrong_answer
from demo.siecle import generated_students
from learning_content.models import ContentRelease, TargetProfile
from learning_content.repository import get_content
from organizations.models import Membership, Organization, OrganizationLearner, Role
from participations.models import CampaignParticipation, KnowledgeElementSnapshot

PROFILE_ID = "tp-rentree-3e"
DIVISIONS = [f"{grade}e {letter}" for grade in (6, 5, 4, 3) for letter in "ABCDEFGH"]
SHARED_RATE, TO_SHARE_RATE = 0.70, 0.15
EXTRA_TUBE_CAP = 3
# Pupils built and written per round: bounds what the generator holds in memory.
ROUND = 5000
BULK_BATCH = 500
SECONDS_PER_ANSWER = 40
RENTREE = datetime(2025, 9, 1, 6, 0, tzinfo=UTC)
EVALUATION_DAYS = 30
COLLECTION_START = RENTREE + timedelta(days=EVALUATION_DAYS + 5)
EARLIER_TESTS = RENTREE - timedelta(days=200)
UNUSABLE_PASSWORD = "!bench-generated"

Status = CampaignParticipation.Status


def uai_of(scale: int, seed: int) -> str:
    """The generated school's UAI: one per (scale, seed), so a new run replaces it."""
    return f"{(scale * 10 + seed) % 10_000_000:07d}X"


# --- A pupil's test, tube by tube ----------------------------------------------------------

def _tube_runs(content, skill_ids) -> dict[int, list[tuple[str, bool, tuple]]]:
    """For each true level 0..max of a tube: the questions asked, in order, as (skill asked,
    answered right, knowledge elements created), through the real inference."""
    skills = sorted((content.skills[skill_id] for skill_id in skill_ids),
                    key=lambda skill: (skill.level, skill.id))
    target = frozenset(skill.id for skill in skills)
    runs = {}
    for true_level in range(0, max(skill.level for skill in skills) + 1):
        assessed, steps, last_level = set(), [], algorithm.FIRST_CHALLENGE_LEVEL
        while untested := [skill for skill in skills if skill.id not in assessed]:
            skill = min(untested, key=lambda candidate: (abs(candidate.level - last_level), candidate.level))
            is_ok = skill.level <= true_level
            elements = algorithm.knowledge_elements_for_answer(
                content, target_skill_ids=target, skill_id=skill.id, is_ok=is_ok, assessed_skill_ids=assessed,
            )
            assessed.update(element.skill_id for element in elements)
            steps.append((skill.id, is_ok, tuple(elements)))
            last_level = skill.level
        runs[true_level] = steps
    return runs


def _json_head(element) -> str:
    """The snapshot item as `participation_share` writes it, up to its date (json.dumps's
    own separators and float repr, so the stored text is what json.dumps would give)."""
    return (f'{{"skill_id": "{element.skill_id}", "competence_id": "{element.competence_id}", '
            f'"status": "{element.status}", "source": "{element.source}", '
            f'"earned_pix": {float(element.earned_pix)!r}, "created_at": "')


class _Plan:
    """What does not change from one pupil to the next: the référentiel's tubes, their runs,
    the challenges and the JSON of their answers."""

    def __init__(self, content):
        self.content = content
        profile = content.target_profiles[PROFILE_ID]
        self.profile = profile
        self.target = frozenset(profile.skill_ids)
        self.tubes = [tube_id for tube_id, _cap in profile.capped_tubes]
        self.runs = {
            tube_id: _tube_runs(content, [skill_id for skill_id in content.tubes[tube_id].skill_ids
                                          if skill_id in self.target])
            for tube_id in self.tubes
        }
        self.extra_runs = {}
        for competence in content.competences_in_order():
            other = next((tube_id for tube_id in competence.tube_ids if tube_id not in self.runs
                          and content.tubes[tube_id].skill_ids), None)
            skill_ids = [skill_id for skill_id in content.tubes[other].skill_ids
                         if content.skills[skill_id].level <= EXTRA_TUBE_CAP] if other else []
            if skill_ids:
                self.extra_runs[other] = _tube_runs(content, skill_ids)
        self.challenges = {}
        self.answer_values = {}
        for runs in self.runs.values():
            for steps in runs.values():
                for skill_id, _ok, _elements in steps:
                    self._challenges_of(skill_id)
        self.heads = {}
        for runs in (*self.runs.values(), *self.extra_runs.values()):
            for steps in runs.values():
                for _skill, _ok, elements in steps:
                    for element in elements:
                        self.heads[element] = _json_head(element)
        self.max_pix = (len(content.competences) * settings.MAX_REACHABLE_LEVEL
                        * scoring.PIX_COUNT_BY_LEVEL)

    def _challenges_of(self, skill_id):
        if skill_id in self.challenges:
            return
        challenges = [self.content.challenges[challenge_id]
                      for challenge_id in self.content.challenges_by_skill[skill_id]]
        operative = [challenge for challenge in challenges
                     if challenge.status in algorithm.OPERATIVE_CHALLENGE_STATUSES]
        preferred = [challenge for challenge in operative
                     if challenge.status == algorithm.PREFERRED_CHALLENGE_STATUS] or operative
        self.challenges[skill_id] = [challenge.id for challenge in preferred]
        for challenge in preferred:
            self.answer_values[challenge.id, True] = json.dumps(right_answer(challenge))
            self.answer_values[challenge.id, False] = json.dumps(wrong_answer(challenge))

    def evaluation_results(self, latest_elements) -> dict:
        """`participation_results` of an evaluation, from its pure parts."""
        latest = algorithm.latest_per_skill(latest_elements)
        validated = {skill_id for skill_id, element in latest.items()
                     if element.status == algorithm.VALIDATED}
        validated_target = validated & self.target
        scores = scoring.competence_scores(
            self.content, [element for skill_id, element in latest.items() if skill_id in self.target],
            max_level=settings.MAX_REACHABLE_LEVEL,
        )
        return {"validated_skills_count": len(validated_target), "pix_score": scoring.pix_score(scores),
                "mastery_rate": scoring.mastery_rate(validated_target, self.target), "is_certifiable": None}

    def collection_results(self, latest_elements) -> dict:
        """`participation_results` of a profiles collection, from its pure parts."""
        latest = algorithm.latest_per_skill(latest_elements)
        validated = [skill_id for skill_id, element in latest.items()
                     if element.status == algorithm.VALIDATED]
        scores = scoring.competence_scores(self.content, list(latest.values()),
                                           max_level=settings.MAX_REACHABLE_LEVEL)
        pix = scoring.pix_score(scores)
        mastery = (Decimal(pix) / Decimal(self.max_pix)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        return {"validated_skills_count": len(validated), "pix_score": pix, "mastery_rate": mastery,
                "is_certifiable": scoring.is_certifiable(scores)}


def snapshot_json(plan: _Plan, dated_elements) -> str:
    """[(KnowledgeElement, iso date)] → the snapshot's JSON text."""
    return "[" + ", ".join(f'{plan.heads[element]}{date}"}}' for element, date in dated_elements) + "]"


# --- Writing rows --------------------------------------------------------------------------

class _Ids:
    """Primary keys handed out in blocks, so that rows can point to each other before
    being written."""

    def __init__(self):
        self._next = {}

    def take(self, model, count: int) -> int:
        if count <= 0:
            return 0
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s)", [sequence])
                first = cursor.fetchone()[0]
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
                return first
            if table not in self._next:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}")
                self._next[table] = cursor.fetchone()[0]
        first = self._next[table]
        self._next[table] += count
        return first


@contextmanager
def _dates_as_given(*models):
    """bulk_create would stamp every auto_now(_add) date with the insertion time; the
    generator sets them itself (a single-threaded bench or test process)."""
    fields = [field for model in models for field in model._meta.concrete_fields
              if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class _Writer:
    """COPY on PostgreSQL, bulk_create elsewhere; counts the rows written per table."""

    def __init__(self):
        self.copy = connection.vendor == "postgresql"
        self.rows = Counter()

    def write(self, model, fields: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        self.rows[model._meta.db_table] += len(rows)
        if self.copy:
            columns = ", ".join(model._meta.get_field(name).column for name in fields)
            with connection.cursor() as cursor:
                # A thread sends the data: the server digests a block while the next is formatted.
                statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
                with cursor.cursor.copy(statement, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        json_fields = {name for name in fields
                       if model._meta.get_field(name).get_internal_type() == "JSONField"}
        objects = [
            model(**{name: json.loads(value) if name in json_fields and value is not None else value
                     for name, value in zip(fields, row)})
            for row in rows
        ]
        with _dates_as_given(model):
            model.objects.bulk_create(objects, batch_size=BULK_BATCH)


USER_FIELDS = ("id", "password", "is_superuser", "first_name", "last_name", "email", "is_staff", "is_active",
               "date_joined", "must_change_password")
LEARNER_FIELDS = (
    "id", "organization_id", "user_id", "first_name", "middle_name", "third_name", "last_name",
    "preferred_last_name", "sex", "birthdate", "birth_city", "birth_city_code", "birth_province_code",
    "birth_country_code", "mef_code", "status", "national_student_id", "division", "is_disabled",
    "is_certifiable", "certifiable_at", "created_at", "updated_at",
)
ASSESSMENT_FIELDS = ("id", "user_id", "type", "state", "target_profile_id", "competence_id", "title",
                     "end_path", "is_improving", "current_challenge_id", "current_challenge_started_at",
                     "created_at", "completed_at")
ANSWER_FIELDS = ("id", "assessment_id", "challenge_id", "value", "result", "created_at")
KE_FIELDS = ("id", "user_id", "assessment_id", "answer_id", "skill_id", "competence_id", "status", "source",
             "earned_pix", "created_at")
PARTICIPATION_FIELDS = ("id", "campaign_id", "user_id", "organization_learner_id", "participant_external_id",
                        "assessment_id", "status", "created_at", "shared_at", "is_improved",
                        "validated_skills_count", "pix_score", "mastery_rate", "is_certifiable")
SNAPSHOT_FIELDS = ("id", "participation_id", "snapshotted_at", "knowledge_elements")


# --- The school ----------------------------------------------------------------------------

def _dependents(model, *, handled):
    """(table, column) of the rows that refer to `model` by a foreign key, but those of `handled`."""
    for relation in model._meta.related_objects:
        if relation.related_model not in handled and relation.field.concrete:
            yield relation.related_model._meta.db_table, relation.field.column


def _delete_school(uai: str) -> None:
    """A previous run's school and everything under it, big tables first (raw DELETEs:
    the ORM's collector would load millions of rows)."""
    organization = Organization.objects.filter(external_id=uai).first()
    if organization is None:
        return
    tables = {model: model._meta.db_table for model in (
        KnowledgeElementSnapshot, CampaignParticipation, KnowledgeElement, Answer, Assessment, Campaign,
        OrganizationLearner, User, Membership,
    )}
    campaigns = f"SELECT id FROM {tables[Campaign]} WHERE organization_id = %s"
    participations = f"SELECT id FROM {tables[CampaignParticipation]} WHERE campaign_id IN ({campaigns})"
    pupils = (f"SELECT user_id FROM {tables[OrganizationLearner]} "
              "WHERE organization_id = %s AND user_id IS NOT NULL")
    assessments = f"SELECT id FROM {tables[Assessment]} WHERE user_id IN ({pupils})"
    staff = list(Membership.objects.filter(organization=organization).values_list("user_id", flat=True))
    school = [organization.pk]
    with connection.cursor() as cursor:
        # Whatever refers to the participations (snapshots, stages and badges acquired, …).
        for table, column in _dependents(CampaignParticipation, handled=set()):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({participations})", school)
        cursor.execute(f"DELETE FROM {tables[CampaignParticipation]} WHERE campaign_id IN ({campaigns})", school)
        cursor.execute(f"DELETE FROM {tables[KnowledgeElement]} WHERE user_id IN ({pupils})", school)
        cursor.execute(f"DELETE FROM {tables[Answer]} WHERE assessment_id IN ({assessments})", school)
        cursor.execute(f"DELETE FROM {tables[Assessment]} WHERE user_id IN ({pupils})", school)
        cursor.execute(f"CREATE TEMPORARY TABLE bench_pupils AS {pupils}", school)
        cursor.execute(f"DELETE FROM {tables[OrganizationLearner]} WHERE organization_id = %s", school)
        for table, column in _dependents(User, handled=set(tables)):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT user_id FROM bench_pupils)")
        cursor.execute(f"DELETE FROM {tables[User]} WHERE id IN (SELECT user_id FROM bench_pupils)")
        cursor.execute("DROP TABLE bench_pupils")
    Campaign.objects.filter(organization=organization).delete()
    organization.delete()
    User.objects.filter(pk__in=staff).delete()


def _staff(organization, uai):
    people = []
    for local, first_name, last_name, role in (("correspondant", "Claire", "Dupont", Role.ADMIN),
                                               ("enseignant", "Marc", "Lefèvre", Role.MEMBER)):
        user = User.objects.create_user(email=f"{local}.{uai.lower()}@bench.test", password=None,
                                        first_name=first_name, last_name=last_name)
        Membership.objects.create(organization=organization, user=user, role=role)
        people.append(user)
    return people


def _check_foreign_keys(models) -> None:
    """Every foreign key of the written tables points to a row: one anti-join per key."""
    problems = []
    with connection.cursor() as cursor:
        for model in models:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                target = field.related_model._meta
                cursor.execute(
                    f"SELECT count(*) FROM {model._meta.db_table} child "
                    f"WHERE child.{field.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {target.db_table} "
                    f"parent WHERE parent.{target.pk.column} = child.{field.column})"
                )
                if missing := cursor.fetchone()[0]:
                    problems.append(f"{model._meta.db_table}.{field.column}: {missing}")
    if problems:
        raise RuntimeError("generated rows point to nothing: " + ", ".join(problems))


@contextmanager
def _trusted_keys():
    """Foreign-key triggers off for this transaction when the role may (superuser), keys then
    checked set-wise. Yields whether they were off."""
    if connection.vendor != "postgresql":
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            # Checked per row as it comes, parents being written first: no queue of millions
            # of deferred checks until the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield superuser
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _settle(tables) -> None:
    """VACUUM ANALYZE of the tables just filled: statistics for the planner, the visibility map
    for index-only scans and the space of a previous run's rows, as autovacuum (off on the bench
    server) would leave them. Only ANALYZE inside a transaction (the tests)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {table}")


def ensure_referential() -> None:
    """The commands of bench/README.md start from an empty database: the school needs the
    référentiel (its target profiles) before anything else."""
    if not ContentRelease.objects.exists():
        call_command("load_content", verbosity=0)


def generate(scale: int, *, seed: int = 0, rates: tuple[float, float] = (SHARED_RATE, TO_SHARE_RATE)) -> dict:
    """Builds the school (replacing the one of the same scale and seed) and returns its ids,
    the rows written per table and the time taken. rates: the shares of evaluation
    participations sent and finished without sending (the rest are half-way)."""
    started = time.perf_counter()
    ensure_referential()
    content = get_content()
    plan = _Plan(content)
    uai = uai_of(scale, seed)
    with transaction.atomic():
        _delete_school(uai)
        deleted = time.perf_counter()
        organization = Organization.objects.create(
            name=f"Collège Bench {scale:,}".replace(",", " "), type=Organization.Type.SCO, external_id=uai,
            is_managing_students=True,
        )
        correspondent, teacher = _staff(organization, uai)
        profile = TargetProfile.objects.get(pk=PROFILE_ID)
        evaluation = campaign_create(organization=organization, creator=teacher, owner=teacher,
                                     name="Parcours de rentrée 3e", type=Campaign.Type.ASSESSMENT,
                                     target_profile=profile, title="Parcours de rentrée 3e")
        collection = campaign_create(organization=organization, creator=teacher, owner=teacher,
                                     name="Collecte des profils", type=Campaign.Type.PROFILES_COLLECTION)
        Campaign.objects.filter(pk=evaluation.pk).update(created_at=RENTREE)
        Campaign.objects.filter(pk=collection.pk).update(created_at=COLLECTION_START)
        writer, ids = _Writer(), _Ids()
        statuses = {"evaluation": Counter(), "collection": Counter()}
        students = generated_students(scale, divisions=DIVISIONS, seed=seed * 1_000_003 + scale)
        rng = random.Random(f"{seed}/{scale}")
        end_path = reverse("participations:results", args=[evaluation.code])
        context = _Round(plan=plan, rng=rng, writer=writer, ids=ids, organization=organization,
                         evaluation=evaluation, collection=collection, end_path=end_path, statuses=statuses,
                         rates=rates)
        with _trusted_keys() as trusted:
            for first in range(0, scale, ROUND):
                context.write(students[first:first + ROUND], first_index=first)
            if trusted:
                _check_foreign_keys((User, OrganizationLearner, Assessment, Answer, KnowledgeElement,
                                     CampaignParticipation, KnowledgeElementSnapshot))
    written = time.perf_counter()
    _settle(writer.rows)
    seconds = written - deleted
    rows = sum(writer.rows.values())
    return {
        "scale": scale, "seed": seed, "uai": uai, "organization_id": organization.pk,
        "correspondent_id": correspondent.pk, "teacher_id": teacher.pk,
        "evaluation_id": evaluation.pk, "collection_id": collection.pk,
        "statuses": {name: {str(status): count for status, count in counts.items()}
                     for name, counts in statuses.items()},
        "rows": dict(writer.rows), "row_count": rows, "seconds": seconds,
        "rows_per_second": rows / seconds if seconds else math.inf,
        "delete_seconds": deleted - started, "settle_seconds": time.perf_counter() - written,
        "copy": writer.copy,
    }


def find_generated(scale: int, *, seed: int = 0) -> dict | None:
    """The ids of a school generated earlier (None if absent), as `generate` returns them."""
    organization = Organization.objects.filter(external_id=uai_of(scale, seed)).first()
    if organization is None:
        return None
    campaigns = {campaign.type: campaign for campaign in Campaign.objects.filter(organization=organization)}
    staff = dict(Membership.objects.filter(organization=organization).values_list("role", "user_id"))
    if len(campaigns) != 2 or len(staff) != 2:
        return None
    evaluation = campaigns[Campaign.Type.ASSESSMENT]
    if CampaignParticipation.objects.filter(campaign=evaluation).count() != scale:
        return None
    return {
        "scale": scale, "seed": seed, "uai": organization.external_id, "organization_id": organization.pk,
        "correspondent_id": staff[Role.ADMIN], "teacher_id": staff[Role.MEMBER],
        "evaluation_id": evaluation.pk, "collection_id": campaigns[Campaign.Type.PROFILES_COLLECTION].pk,
    }


class _Round:
    """Builds and writes the rows of a slice of pupils."""

    def __init__(self, *, plan, rng, writer, ids, organization, evaluation, collection, end_path, statuses, rates):
        self.plan, self.rng, self.writer, self.ids = plan, rng, writer, ids
        self.shared_rate, self.to_share_rate = rates
        self.organization, self.evaluation, self.collection = organization, evaluation, collection
        self.end_path, self.statuses = end_path, statuses

    def write(self, students, *, first_index: int) -> None:
        plan, count = self.plan, len(students)
        user_id = self.ids.take(User, count)
        learner_id = self.ids.take(OrganizationLearner, count)
        assessment_id = self.ids.take(Assessment, count)
        participation_id = self.ids.take(CampaignParticipation, 2 * count)
        pupils = [self._pupil(index, student) for index, student in enumerate(students, start=first_index)]
        answer_id = self.ids.take(Answer, sum(len(pupil["answers"]) for pupil in pupils))
        ke_id = self.ids.take(KnowledgeElement, sum(len(pupil["elements"]) for pupil in pupils))
        shared = sum(1 for pupil in pupils for kind in ("evaluation", "collection")
                     if pupil[kind] == Status.SHARED)
        snapshot_id = self.ids.take(KnowledgeElementSnapshot, shared)
        users, learners, assessments, answers, elements = [], [], [], [], []
        participations, snapshots = [], []
        for offset, (student, pupil) in enumerate(zip(students, pupils)):
            uid, lid, aid = user_id + offset, learner_id + offset, assessment_id + offset
            joined = pupil["joined"]
            users.append((uid, UNUSABLE_PASSWORD, False, student.first_name, student.last_name,
                          f"eleve{first_index + offset}.{self.organization.external_id.lower()}@bench.test",
                          False, True, RENTREE - timedelta(days=365), False))
            learners.append((
                lid, self.organization.pk, uid, student.first_name, student.middle_name, "",
                student.last_name, student.preferred_last_name, student.sex, student.birthdate,
                student.birth_city, student.birth_city_code, "", student.birth_country_code,
                student.mef_code, student.status, student.ine, student.division, False,
                pupil["certifiable"], pupil["certifiable_at"], RENTREE - timedelta(days=3),
                RENTREE - timedelta(days=3),
            ))
            answer_ids = {}
            for number, (challenge_id, is_ok, moment) in enumerate(pupil["answers"]):
                answer_ids[number] = answer_id
                answers.append((answer_id, aid, challenge_id, plan.answer_values[challenge_id, is_ok],
                                Answer.Result.OK if is_ok else Answer.Result.KO, moment))
                answer_id += 1
            for number, element, moment in pupil["elements"]:
                elements.append((ke_id, uid, aid, answer_ids[number], element.skill_id, element.competence_id,
                                 element.status, element.source, element.earned_pix, moment))
                ke_id += 1
            completed = pupil["evaluation"] != Status.STARTED
            last_moment = pupil["answers"][-1][2]
            next_challenge = "" if completed else pupil["next_challenge"]
            assessments.append((
                aid, uid, Assessment.Type.CAMPAIGN,
                Assessment.State.COMPLETED if completed else Assessment.State.STARTED, PROFILE_ID, "",
                self.evaluation.title, self.end_path, False, next_challenge,
                None if completed else last_moment + timedelta(seconds=SECONDS_PER_ANSWER), joined,
                last_moment if completed else None,
            ))
            for kind, campaign, pid in (("evaluation", self.evaluation, participation_id + 2 * offset),
                                        ("collection", self.collection, participation_id + 2 * offset + 1)):
                status = pupil[kind]
                self.statuses[kind][status] += 1
                results = pupil[f"{kind}_results"] if status == Status.SHARED else {}
                shared_at = pupil[f"{kind}_shared_at"] if status == Status.SHARED else None
                participations.append((
                    pid, campaign.pk, uid, lid, "", aid if kind == "evaluation" else None, status,
                    pupil[f"{kind}_joined"], shared_at, False, results.get("validated_skills_count"),
                    results.get("pix_score"), results.get("mastery_rate"), results.get("is_certifiable"),
                ))
                if status == Status.SHARED:
                    snapshots.append((snapshot_id, pid, shared_at, pupil[f"{kind}_snapshot"]))
                    snapshot_id += 1
        # Parents first: with the triggers on, keys are checked as rows come.
        self.writer.write(User, USER_FIELDS, users)
        self.writer.write(OrganizationLearner, LEARNER_FIELDS, learners)
        self.writer.write(Assessment, ASSESSMENT_FIELDS, assessments)
        self.writer.write(Answer, ANSWER_FIELDS, answers)
        self.writer.write(KnowledgeElement, KE_FIELDS, elements)
        self.writer.write(CampaignParticipation, PARTICIPATION_FIELDS, participations)
        self.writer.write(KnowledgeElementSnapshot, SNAPSHOT_FIELDS, snapshots)

    def _pupil(self, index, student) -> dict:
        plan, rng = self.plan, self.rng
        levels = {tube_id: rng.randint(0, max(plan.runs[tube_id])) for tube_id in plan.tubes}
        draw = rng.random()
        evaluation = Status.SHARED if draw < self.shared_rate else (
            Status.TO_SHARE if draw < self.shared_rate + self.to_share_rate else Status.STARTED)
        collection = Status.SHARED if rng.random() < self.shared_rate else Status.TO_SHARE
        joined = RENTREE + timedelta(days=rng.randrange(EVALUATION_DAYS),
                                     seconds=rng.randrange(2 * 3600, 11 * 3600))
        # The engine mixes the tubes; a rotation per pupil is enough to vary where one stops.
        shift = rng.randrange(len(plan.tubes))
        order = plan.tubes[shift:] + plan.tubes[:shift]
        answered_tubes = len(order) if evaluation != Status.STARTED else rng.randrange(1, len(order))
        answers, elements, dated = [], [], []
        moment = joined
        next_challenge = ""
        for position, tube_id in enumerate(order):
            steps = plan.runs[tube_id][levels[tube_id]]
            if position == answered_tubes:
                next_challenge = self._challenge(steps[0][0], index)
                break
            for skill_id, is_ok, created in steps:
                moment += timedelta(seconds=SECONDS_PER_ANSWER)
                number = len(answers)
                answers.append((self._challenge(skill_id, index), is_ok, moment))
                iso = moment.isoformat()
                for element in created:
                    elements.append((number, element, moment))
                    dated.append((element, iso))
        pupil = {"joined": joined, "evaluation": evaluation, "collection": collection, "answers": answers,
                 "elements": elements, "next_challenge": next_challenge, "evaluation_joined": joined,
                 "certifiable": None, "certifiable_at": None}
        if evaluation == Status.SHARED:
            shared_at = moment + timedelta(seconds=rng.randrange(20, 900))
            pupil["evaluation_shared_at"] = shared_at
            pupil["evaluation_snapshot"] = snapshot_json(plan, dated)
            pupil["evaluation_results"] = plan.evaluation_results(element for element, _iso in dated)
        pupil["collection_joined"] = COLLECTION_START + timedelta(
            days=rng.randrange(10), seconds=rng.randrange(2 * 3600, 11 * 3600))
        if collection == Status.SHARED:
            earlier = EARLIER_TESTS.isoformat()
            profile = [(element, earlier) for runs in plan.extra_runs.values()
                       for _skill, _ok, created in runs[min(rng.randint(0, EXTRA_TUBE_CAP), max(runs))]
                       for element in created]
            profile += dated
            shared_at = pupil["collection_joined"] + timedelta(seconds=rng.randrange(5, 120))
            pupil["collection_shared_at"] = shared_at
            pupil["collection_snapshot"] = snapshot_json(plan, profile)
            pupil["collection_results"] = plan.collection_results(element for element, _iso in profile)
            pupil["certifiable"] = pupil["collection_results"]["is_certifiable"]
            pupil["certifiable_at"] = shared_at
        return pupil

    def _challenge(self, skill_id, index) -> str:
        choices = self.plan.challenges[skill_id]
        return choices[index % len(choices)]
