"""Writes of ENT sign-in: the assertions consumed, the accounts created for an ENT user once
he is found in his school's base, the sign-in methods attached to an existing account.

An ENT user who is not known yet gets no account blindly: a signed, short-lived token carries
what the provider said (identifier, names) to the pages where he says which school record is
his (campaign code and birth date) or signs in to the Pix account he already has."""

import logging
import secrets
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from organizations.learners import (
    LearnerError,
    account_taken,
    learner_account_holder,
    learner_find,
    learner_link,
)
from organizations.reconciliation import username_base

from .identities import ExternalUser, complement_changes
from .models import ExternalIdentity, UsedSamlAssertion

logger = logging.getLogger(__name__)

TOKEN_SALT = "sso.external-user"
TAKEN = _("Ce compte ENT est déjà associé à un autre compte Pix. Connectez-vous par l'ENT pour y accéder.")


class Replayed(Exception):
    pass


def external_user_token(person: ExternalUser) -> str:
    return signing.dumps(person.as_dict(), salt=TOKEN_SALT, compress=True)


def external_user_from_token(token: str) -> ExternalUser | None:
    """None when the token is forged, or older than SSO_EXTERNAL_USER_TOKEN_SECONDS."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=settings.SSO_EXTERNAL_USER_TOKEN_SECONDS)
    except signing.BadSignature:
        return None
    return ExternalUser(**data)


def assertion_consume(*, assertion_id: str, not_on_or_after) -> None:
    """Raises Replayed when this assertion was already used: a signed response copied from a
    browser's history must not sign anyone in a second time."""
    try:
        with transaction.atomic():
            UsedSamlAssertion.objects.create(assertion_id=assertion_id, not_on_or_after=not_on_or_after)
    except IntegrityError:
        raise Replayed(assertion_id) from None


def used_assertions_forget(*, now) -> int:
    """Past their expiry pysaml2 refuses them anyway (pixorga.sweep)."""
    deleted, _detail = UsedSamlAssertion.objects.filter(not_on_or_after__lt=now).delete()
    return deleted


def identity_sign_in(*, identity: ExternalIdentity, person: ExternalUser, now) -> None:
    """A later visit: the names the provider sends now replace those kept if they changed."""
    fields = {"last_login_at": now}
    if (changed := complement_changes(identity.complement, person)) is not None:
        fields["complement"] = changed
        logger.info("external identity %s: names updated by %s", identity.pk, identity.provider)
    ExternalIdentity.objects.filter(pk=identity.pk).update(**fields)


def _free_username(person: ExternalUser, birthdate) -> str:
    User = get_user_model()
    base = username_base(person.first_name, person.last_name, birthdate)
    name = base
    while User.objects.filter(username=name).exists():
        # Pix's rule: `prénom.nom` with 4 random digits when the birth-date one is taken.
        name = base[:-4] + "".join(secrets.choice(string.digits) for _i in range(4))
    return name


def _set_identity(*, user, person: ExternalUser, now) -> None:
    ExternalIdentity.objects.update_or_create(
        user=user, provider=person.provider,
        defaults={"external_id": person.external_id, "complement": person.complement, "last_login_at": now},
    )


def account_create_for_external_user(*, person: ExternalUser, organization, birthdate, now):
    """The ENT user is the pupil of the school's base born that day whose names match (the
    tolerant rule, exactly one candidate). An account signing in through this provider is
    created and linked to him; when the pupil already has such an account (his ENT identifier
    changed, Pix's R33/R13 case) the new identifier moves onto it. Any other account holding
    the pupil is refused with Pix's codes (R31/R32, R11/R12). Returns the account."""
    with transaction.atomic():
        known = ExternalIdentity.objects.filter(provider=person.provider, external_id=person.external_id).first()
        if known is not None:
            # A double click or a second tab: the first one created the account.
            return known.user
        learner = learner_find(organization=organization, first_name=person.first_name,
                               last_name=person.last_name, birthdate=birthdate)
        holder = learner_account_holder(learner)
        if holder is not None:
            user, same_school = holder
            if not user.external_identities.filter(provider=person.provider).exists():
                raise account_taken(user, same_school=same_school)
            _set_identity(user=user, person=person, now=now)
            if same_school:
                logger.info("%s identifier of user %s replaced", person.provider, user.pk)
                return user
        else:
            user = get_user_model()(
                username=_free_username(person, birthdate), first_name=person.first_name, last_name=person.last_name,
            )
            user.set_unusable_password()
            user.save()
            _set_identity(user=user, person=person, now=now)
        learner_link(learner=learner, user=user)
    logger.info("user %s created or found for a %s user and linked to learner %s", user.pk, person.provider, learner.pk)
    return user


def identity_attach(*, user, person: ExternalUser, now) -> None:
    """A signed-in account adds this provider as a way in; refused when the identifier
    already belongs to another account."""
    with transaction.atomic():
        taken = ExternalIdentity.objects.filter(provider=person.provider, external_id=person.external_id)
        if taken.exclude(user=user).exists():
            raise LearnerError("TAKEN", str(TAKEN))
        _set_identity(user=user, person=person, now=now)
    logger.info("%s sign-in attached to user %s", person.provider, user.pk)
