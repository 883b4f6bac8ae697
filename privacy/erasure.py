"""Erasure (GDPR art. 17): the one place that knows every row where a person is, used by
« Supprimer » on a pupil (Élèves), `manage.py erase_learner`, « Supprimer mon compte » and
the retention job. Each erasure is one transaction; files are unlinked once it commits.

- A pupil of a school (`learner_erase`): the school's record loses every civil field and
  leaves the lists; his participations are detached (no account, no external id, no
  evaluation) and only count as anonymous statistics; the export files of those campaigns,
  his INE in past imports' messages and the unread login files of his class go. The account
  the school generated for him (a username, no e-mail) goes with him unless another school's
  record uses it; a personal account (e-mail) is his: it is only unlinked.
- An account (`account_erase`): answers, knowledge elements and evaluations deleted,
  participations detached, links to pupils' records cut (the records a school built from the
  account, in schools that do not import their base, are erased), memberships disabled,
  invitations to its address deleted; the row keeps no name, login nor usable password.
- The sent snapshots hold no user id (participations.models): once detached, nothing links
  the statistics to anyone.
"""

import logging
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import User
from analysis.export_files import exports_discard
from analysis.models import ExportJob, JobStatus
from assessments.models import Assessment, KnowledgeElement
from lib.errors import DomainError
from organizations.learner_logins import login_files_discard
from organizations.learners import ANONYMIZED, learner_anonymize
from organizations.models import Invitation, LearnerImport, Membership, OrganizationLearner, Role
from participations.models import CampaignParticipation

logger = logging.getLogger(__name__)

ANONYMOUS_DOMAIN = "anonyme.invalid"


@dataclass(frozen=True)
class Erased:
    participations: int = 0
    export_files: int = 0
    accounts: int = 0

    def __add__(self, other):
        return Erased(self.participations + other.participations, self.export_files + other.export_files,
                      self.accounts + other.accounts)


class ErasureRefused(DomainError):
    """An account that cannot be erased yet (the last admin of a school…)."""


def _detach(participations) -> tuple[int, set[int]]:
    campaign_ids = set(participations.values_list("campaign_id", flat=True))
    count = participations.anonymize(assessment=None)
    return count, campaign_ids


def _forget_in_admin_log(model, pk) -> None:
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk)).delete()


def _forget_ine_in_imports(organization_id, ine: str) -> None:
    """A refused import's messages name the pupils by INE ("Ligne 12 (INE …) : …")."""
    if not ine:
        return
    for job in LearnerImport.objects.filter(organization_id=organization_id).exclude(errors=[]).only("errors"):
        kept = [problem for problem in job.errors if ine not in problem.get("message", "")]
        if len(kept) != len(job.errors):
            LearnerImport.objects.filter(pk=job.pk).update(errors=kept)


def _is_generated_for(user, learner) -> bool:
    """An account with a username (no e-mail) is made by a school for its pupil; it goes with
    him, unless another school's record of the same pupil (his INE) uses it."""
    return user is not None and not user.email and not (
        OrganizationLearner.objects.alive().filter(user=user).exclude(pk=learner.pk).exists()
    )


def learner_erase(*, learner_id: int, by=None, now) -> Erased:
    """Erase a pupil of a school (see the module). Raises OrganizationLearner.DoesNotExist."""
    with transaction.atomic():
        learner = OrganizationLearner.objects.select_for_update(of=("self",)).select_related("user").get(pk=learner_id)
        user = learner.user
        detached, campaign_ids = _detach(CampaignParticipation.objects.filter(organization_learner=learner))
        _forget_ine_in_imports(learner.organization_id, learner.national_student_id)
        login_files_discard(organization_id=learner.organization_id, division=learner.division)
        learner_anonymize(learner=learner, by=by, now=now)
        _forget_in_admin_log(OrganizationLearner, learner.pk)
        erased = Erased(participations=detached, export_files=exports_discard(campaign_ids=campaign_ids, now=now))
        if _is_generated_for(user, learner):
            erased += account_erase(user=user, now=now)
    logger.info("learner %s of organization %s erased by %s: %s", learner.pk, learner.organization_id,
                f"user {by.pk}" if by else "the operator", erased)
    return erased


def is_erased(user) -> bool:
    return bool(user.email) and user.email.endswith("@" + ANONYMOUS_DOMAIN)


def account_erase(*, user, now) -> Erased:
    """Erase an account (see the module). Running it again changes nothing more."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_erased(user):
            return Erased()
        built_from_account = OrganizationLearner.objects.filter(user=user, organization__is_managing_students=False)
        detached, campaign_ids = _detach(CampaignParticipation.objects.filter(
            Q(user=user) | Q(organization_learner__in=built_from_account)
        ))
        for learner in built_from_account.select_for_update(of=("self",)):
            learner_anonymize(learner=learner, by=None, now=now)
            _forget_in_admin_log(OrganizationLearner, learner.pk)
        OrganizationLearner.objects.filter(user=user).update(user=None)
        KnowledgeElement.objects.filter(user=user).delete()
        Assessment.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        Membership.objects.filter(user=user, disabled_at__isnull=True).update(disabled_at=now)
        if user.email:
            Invitation.objects.filter(email__iexact=user.email).delete()
        _forget_in_admin_log(User, user.pk)
        user.email = f"{secrets.token_hex(12)}@{ANONYMOUS_DOMAIN}"
        user.username = None
        user.first_name, user.last_name = "", ANONYMIZED
        user.is_active = user.must_change_password = False
        user.set_unusable_password()
        user.save(update_fields=["email", "username", "first_name", "last_name", "is_active",
                                 "must_change_password", "password"])
        erased = Erased(participations=detached, export_files=exports_discard(campaign_ids=campaign_ids, now=now),
                        accounts=1)
    logger.info("user %s erased: %s", user.pk, erased)
    return erased


def account_erasure_refusal(user) -> ErasureRefused | None:
    """Why this user may not delete his own account, if he may not. An organization must keep
    an administrator while it has other members: its only admin names another one first. An
    admin alone in his organization may go; it stays, with its campaigns, for the platform's
    team to invite a new correspondent."""
    if user.is_staff or user.is_superuser:
        return ErasureRefused("STAFF", _(
            "Un compte d'administration de la plateforme ne se supprime pas ici : adressez-vous à "
            "l'équipe qui héberge le service."
        ))
    if not user.email:
        return ErasureRefused("GENERATED", _(
            "Votre compte a été créé par votre établissement, qui vous a donné votre identifiant : "
            "demandez à un enseignant de le supprimer."
        ))
    alone = (
        Membership.objects.active().filter(user=user, role=Role.ADMIN)
        .annotate(
            admins=Count("organization__memberships", filter=Q(
                organization__memberships__role=Role.ADMIN, organization__memberships__disabled_at__isnull=True)),
            members=Count("organization__memberships", filter=Q(
                organization__memberships__disabled_at__isnull=True)),
        )
        .filter(admins=1, members__gt=1).select_related("organization").first()
    )
    if alone is not None:
        return ErasureRefused("LAST_ADMIN", _(
            "Vous êtes le seul administrateur de « %(name)s », qui compte d'autres membres : nommez un "
            "autre administrateur (Équipe › Membres) avant de supprimer votre compte."
        ) % {"name": alone.organization.name})
    return None


def account_delete(*, user, now) -> Erased:
    """« Supprimer mon compte », once the password is checked."""
    refusal = account_erasure_refusal(user)
    if refusal is not None:
        raise refusal
    return account_erase(user=user, now=now)


def learner_erasure_preview(learner) -> dict:
    """What the confirmation of « Supprimer » lists (two queries)."""
    campaign_ids = CampaignParticipation.objects.filter(organization_learner=learner).values("campaign_id")
    return {
        "participation_count": learner.participations.filter(deleted_at__isnull=True).count(),
        "export_file_count": ExportJob.objects.filter(
            campaign_id__in=campaign_ids, status=JobStatus.DONE, file_deleted_at__isnull=True,
        ).exclude(file="").count(),
        "generated_account": _is_generated_for(learner.user, learner) if learner.user_id else False,
        "personal_account": bool(learner.user_id and learner.user.email),
    }
