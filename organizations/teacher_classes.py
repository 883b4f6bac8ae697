"""The school's classes (divisions of the pupils' base) and the teachers' « mes classes »."""

import logging

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lib.errors import DomainError

from .models import MembershipDivision, OrganizationLearner

logger = logging.getLogger(__name__)


class ClassError(DomainError):
    messages = {"UNKNOWN_DIVISION": _("Cette classe n'existe pas dans votre établissement.")}


def school_divisions(organization) -> list[str]:
    """The classes of the school's active pupils, in order (one query)."""
    return list(
        OrganizationLearner.objects.active().filter(organization=organization).exclude(division="")
        .values_list("division", flat=True).distinct().order_by("division")
    )


def marked_divisions(membership) -> list[str]:
    return list(MembershipDivision.objects.filter(membership=membership).order_by("division")
                .values_list("division", flat=True))


def membership_division_mark(*, membership, division: str, marked: bool) -> None:
    """Add the class to the teacher's « mes classes » or take it out; twice is once."""
    if not OrganizationLearner.objects.active().filter(organization_id=membership.organization_id,
                                                       division=division).exists():
        logger.info("membership %s: no class %r to mark", membership.pk, division)
        raise ClassError("UNKNOWN_DIVISION")
    with transaction.atomic():
        if marked:
            MembershipDivision.objects.get_or_create(membership=membership, division=division)
        else:
            MembershipDivision.objects.filter(membership=membership, division=division).delete()
    logger.info("membership %s %s class %r", membership.pk, "marked" if marked else "unmarked", division)
