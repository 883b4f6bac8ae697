"""Writes on a school's pupils: who a student is when he joins a campaign (reconciliation,
domain rules §10.6), his certificability, and the logins the school hands out.

Every function validates before it writes and runs in one transaction; linking an account to
a pupil is a conditional UPDATE, so two students claiming the same pupil at once cannot both
win.
"""

import logging
import secrets
import string
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lib.errors import DomainError

from .models import OrganizationLearner
from .reconciliation import Candidate, match_learner, username_base

logger = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = _(
    "Vous êtes un élève ? Vérifiez vos informations (prénom, nom et date de naissance) ou contactez un enseignant."
)


class LearnerError(DomainError):
    """A refused action on a pupil; `code` is Pix's (R31, R90…) or ours, `message` is shown."""


def obfuscated_login(user) -> str:
    """Enough of an account's login for its owner to recognise it, not for others to learn it."""
    if user.email:
        local, _at, domain = user.email.partition("@")
        return f"{local[:1]}***@{domain}"
    username = user.username or ""
    return f"{username[:1]}***{username[-4:]}" if len(username) > 5 else "***"


def learner_of(*, organization, user) -> OrganizationLearner | None:
    return OrganizationLearner.objects.alive().filter(organization=organization, user=user).first()


def learner_resolve(*, organization, user) -> OrganizationLearner | None:
    """The pupil this account is in the school: linked already, or linkable by the INE of
    his previous school (automatic reconciliation). None: he must identify himself."""
    learner = learner_of(organization=organization, user=user)
    if learner is None and organization.is_managing_students:
        learner = _reconcile_by_ine(organization=organization, user=user)
    return learner


def learner_for_join(*, organization, user) -> OrganizationLearner:
    """The pupil who joins a campaign of this school (§2.3 checks 1 and 3). A school that
    manages its students only lets in the pupils of its base."""
    learner = learner_resolve(organization=organization, user=user)
    if learner is None and organization.is_managing_students:
        raise LearnerError("NOT_RECONCILED", NOT_FOUND_MESSAGE)
    if learner is None:
        learner = _learner_from_account(organization=organization, user=user)
    if learner.is_disabled:
        raise LearnerError("LEARNER_DISABLED", _("Vous n'êtes pas autorisé à rejoindre la campagne"))
    return learner


def _learner_from_account(*, organization, user) -> OrganizationLearner:
    try:
        with transaction.atomic():
            return OrganizationLearner.objects.create(
                organization=organization, user=user, first_name=user.first_name, last_name=user.last_name
            )
    except IntegrityError:
        # The same student joined in another tab a moment ago.
        return learner_of(organization=organization, user=user)


def _reconcile_by_ine(*, organization, user) -> OrganizationLearner | None:
    previous = (
        OrganizationLearner.objects.alive().filter(user=user).exclude(national_student_id="")
        .exclude(organization=organization).order_by("-updated_at").first()
    )
    if previous is None:
        return None
    learner = OrganizationLearner.objects.alive().filter(
        organization=organization, national_student_id=previous.national_student_id, user__isnull=True
    ).first()
    if learner is None:
        return None
    try:
        return learner_link(learner=learner, user=user)
    except LearnerError:
        return None


def learner_match(*, organization, user, first_name: str, last_name: str, birthdate) -> OrganizationLearner:
    """"Rejoignez l'organisation": the pupil of the base with that birthdate whose names match,
    strictly then with a typo or two; refused with Pix's codes when another account holds him."""
    rows = OrganizationLearner.objects.active().filter(organization=organization, birthdate=birthdate)
    learners = {learner.pk: learner for learner in rows}
    matched = match_learner(
        [
            Candidate(
                id=learner.pk, first_name=learner.first_name, middle_name=learner.middle_name,
                third_name=learner.third_name, last_name=learner.last_name,
                preferred_last_name=learner.preferred_last_name,
            )
            for learner in learners.values()
        ],
        first_name=first_name, last_name=last_name,
    )
    if matched is None:
        raise LearnerError("NOT_FOUND", NOT_FOUND_MESSAGE)
    learner = learners[matched]
    _check_can_link(learner, user)
    return learner


def _check_can_link(learner, user) -> None:
    if learner.user_id == user.pk:
        return
    if learner.user_id is not None:
        raise _account_taken(learner.user, same_school=True)
    mine = OrganizationLearner.objects.alive().filter(user=user)
    if mine.filter(organization_id=learner.organization_id).exists():
        raise LearnerError(
            "R70", _("Votre compte Pix est déjà associé à un autre élève de cet établissement. (Code R70)")
        )
    if learner.national_student_id:
        elsewhere = (
            OrganizationLearner.objects.alive().filter(national_student_id=learner.national_student_id)
            .exclude(organization_id=learner.organization_id).exclude(user__isnull=True).exclude(user=user)
            .select_related("user").first()
        )
        if elsewhere is not None:
            raise _account_taken(elsewhere.user, same_school=False)
    others = list(mine.values_list("national_student_id", "birthdate"))
    if others and all(ine != learner.national_student_id and born != learner.birthdate for ine, born in others):
        raise LearnerError("R90", _("Il semblerait qu'un élève utilise déjà ce compte. (Code R90)"))


def _account_taken(user, *, same_school: bool) -> LearnerError:
    login = obfuscated_login(user)
    if same_school:
        if user.email:
            return LearnerError("R31", _(
                "Vous possédez déjà un compte Pix avec l'adresse e-mail %(login)s. Pour continuer, connectez-vous "
                "à ce compte ou demandez de l'aide à un enseignant. (Code R31)"
            ) % {"login": login})
        return LearnerError("R32", _(
            "Vous possédez déjà un compte Pix avec l'identifiant %(login)s. Pour continuer, connectez-vous "
            "à ce compte ou demandez de l'aide à un enseignant. (Code R32)"
        ) % {"login": login})
    if user.email:
        return LearnerError("R11", _(
            "Vous possédez déjà un compte Pix utilisé dans votre établissement scolaire précédent, avec l'adresse "
            "e-mail %(login)s. Pour continuer, connectez-vous à ce compte ou demandez de l'aide à un enseignant. "
            "(Code R11)"
        ) % {"login": login})
    return LearnerError("R12", _(
        "Vous possédez déjà un compte Pix utilisé dans votre établissement scolaire précédent, avec l'identifiant "
        "%(login)s. Pour continuer, connectez-vous à ce compte ou demandez de l'aide à un enseignant. (Code R12)"
    ) % {"login": login})


def learner_link(*, learner, user) -> OrganizationLearner:
    """"Associer": the account becomes this pupil's, unless someone was faster."""
    if learner.user_id == user.pk:
        return learner
    _check_can_link(learner, user)
    try:
        with transaction.atomic():
            linked = OrganizationLearner.objects.filter(pk=learner.pk, user__isnull=True).update(user=user)
    except IntegrityError:
        # The account was linked to another pupil of the school in the meantime (R70).
        linked = 0
    if not linked:
        learner.refresh_from_db()
        if learner.user_id == user.pk:
            return learner
        raise _account_taken(learner.user, same_school=True) if learner.user_id else LearnerError(
            "R70", _("Votre compte Pix est déjà associé à un autre élève de cet établissement. (Code R70)")
        )
    learner.user = user
    logger.info("user %s linked to learner %s of organization %s", user.pk, learner.pk, learner.organization_id)
    return learner


def learner_record_certifiability(*, learner_id: int, is_certifiable: bool, at) -> None:
    """A profile sent to the school tells whether the pupil is certifiable; the latest wins."""
    OrganizationLearner.objects.filter(pk=learner_id).exclude(certifiable_at__gt=at).update(
        is_certifiable=is_certifiable, certifiable_at=at
    )


# No look-alike characters: the password is read from paper by a pupil.
PASSWORD_ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789")


def one_time_password(length: int = 10) -> str:
    chars = [secrets.choice(alphabet) for alphabet in PASSWORD_ALPHABETS]
    everything = "".join(PASSWORD_ALPHABETS)
    chars += [secrets.choice(everything) for _i in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


@dataclass(frozen=True)
class Credential:
    password: str
    encoded: str


def credential_new() -> Credential:
    """A one-time password and its hash: the slow part (Argon2), done before the transaction."""
    password = one_time_password()
    return Credential(password, make_password(password))


def gets_a_password(learner) -> bool:
    """Pupils who sign in with a username, or will: not those who sign in with their e-mail,
    nor those without account and without birthdate (their username is made from it)."""
    if learner.user_id is not None:
        return not learner.user.email
    return learner.birthdate is not None


@dataclass(frozen=True)
class GeneratedLogin:
    division: str
    last_name: str
    first_name: str
    username: str
    password: str


def _unique_usernames(learners) -> dict[int, str]:
    User = get_user_model()
    bases = {
        learner.pk: username_base(learner.first_name, learner.last_name, learner.birthdate) for learner in learners
    }
    taken = set(User.objects.filter(username__in=set(bases.values())).values_list("username", flat=True))
    names = {}
    for pk, base in bases.items():
        name = base
        while name in taken:
            # Pix's rule: `prénom.nom` with 4 random digits when the birth-date one is taken.
            name = base[:-4] + "".join(secrets.choice(string.digits) for _i in range(4))
            if User.objects.filter(username=name).exists():
                taken.add(name)
        taken.add(name)
        names[pk] = name
    return names


def learners_generate_logins(*, organization, learner_ids, credentials=None) -> tuple[list[GeneratedLogin], int]:
    """"Générer les identifiants et les mots de passe": pupils without an account get one with
    a username; pupils who sign in with a username get a new one-time password. Pupils who
    sign in with an e-mail keep it (their count is returned). The passwords exist only in the
    returned rows: only their hashes are stored. `credentials` (learner id → Credential) are
    made beforehand; a pupil without one gets one here."""
    User = get_user_model()
    credentials = credentials or {}
    rows, skipped = [], 0
    with transaction.atomic():
        learners = list(
            OrganizationLearner.objects.active().select_for_update(of=("self",))
            .filter(organization=organization, pk__in=learner_ids).select_related("user")
            .order_by("division", "last_name", "first_name", "pk")
        )
        without_account = [learner for learner in learners if learner.user_id is None and learner.birthdate]
        usernames = _unique_usernames(without_account)
        for learner in learners:
            user = learner.user
            if not gets_a_password(learner):
                skipped += 1
                continue
            credential = credentials.get(learner.pk) or credential_new()
            if user is None:
                user = User(
                    username=usernames[learner.pk], first_name=learner.first_name, last_name=learner.last_name,
                    must_change_password=True, password=credential.encoded,
                )
                user.save()
                OrganizationLearner.objects.filter(pk=learner.pk).update(user=user)
            else:
                user.password = credential.encoded
                user.must_change_password = True
                user.save(update_fields=["password", "must_change_password"])
            rows.append(GeneratedLogin(
                learner.division, learner.last_name, learner.first_name, user.username, credential.password,
            ))
    logger.info("logins generated for %s learner(s) of organization %s", len(rows), organization.pk)
    return rows, skipped


ANONYMIZED = "(anonymisé)"
# Every field of the school's record that says who the pupil is (domain rules §10.4). Pix keeps
# the year of birth; nothing here reads it, so it goes too.
CIVIL_FIELDS_ERASED = {
    "first_name": ANONYMIZED, "last_name": ANONYMIZED, "middle_name": "", "third_name": "",
    "preferred_last_name": "", "sex": "", "birthdate": None, "birth_city": "", "birth_city_code": "",
    "birth_province_code": "", "birth_country_code": "", "mef_code": "", "status": "",
    "national_student_id": "", "division": "", "is_certifiable": None, "certifiable_at": None,
}


def learner_anonymize(*, learner, by, now) -> None:
    """The school's record loses every civil field and its account, and leaves the lists; the
    row stays, with no one behind it, for the participations that count in the statistics.
    Part of an erasure (`privacy.erasure`), inside its transaction."""
    deletion = {} if learner.deleted_at else {"deleted_at": now, "deleted_by": by}
    OrganizationLearner.objects.filter(pk=learner.pk).update(
        **CIVIL_FIELDS_ERASED, **deletion, user=None, disabled_at=None, updated_at=now,
    )
