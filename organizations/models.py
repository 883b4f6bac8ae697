import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

UAI_VALIDATOR = RegexValidator(
    r"^[0-9]{7}[A-Z]$",
    _("L'UAI est composé de 7 chiffres suivis d'une lettre majuscule (ex. 0751234A)."),
)


class Organization(models.Model):
    class Type(models.TextChoices):
        SCO = "SCO", _("Établissement scolaire (SCO)")
        SUP = "SUP", _("Enseignement supérieur (SUP)")
        PRO = "PRO", _("Organisation professionnelle (PRO)")

    name = models.CharField(_("nom"), max_length=255)
    type = models.CharField(_("type"), max_length=3, choices=Type.choices)
    external_id = models.CharField(
        _("UAI / RNE"), max_length=8, blank=True, validators=[UAI_VALIDATOR],
        help_text=_("Obligatoire pour un établissement scolaire."),
    )
    is_managing_students = models.BooleanField(_("gère ses élèves"), default=False)
    email = models.EmailField(_("adresse e-mail de l'établissement"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="organization_uai_unique"
            ),
            models.CheckConstraint(
                condition=~Q(type="SCO") | ~Q(external_id=""), name="organization_sco_has_uai"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.type == self.Type.SCO and not self.external_id:
            raise ValidationError({"external_id": _("L'UAI est obligatoire pour un établissement scolaire.")})


class Role(models.TextChoices):
    ADMIN = "ADMIN", _("Administrateur")
    MEMBER = "MEMBER", _("Membre")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(disabled_at__isnull=True, organization__archived_at__isnull=True)


class Membership(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=6, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Removing a member disables the membership: his campaigns stay with the team.
    disabled_at = models.DateTimeField(null=True, blank=True)
    last_accessed_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_per_user"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.get_role_display()})"

    @property
    def is_admin(self):
        return self.role == Role.ADMIN


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        CANCELLED = "cancelled", _("Annulée")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    # Empty role: ADMIN if the organization has no member yet, MEMBER otherwise.
    role = models.CharField(_("rôle"), max_length=6, choices=Role.choices, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    # Only the SHA-256 of the random token is stored; the token itself lives in the e-mail.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # "Date de dernier envoi": refreshed at every (re)sending, the validity runs from it.
    sent_at = models.DateTimeField()
    # When the e-mail of the current link left; empty while it waits for the broker (the sweep
    # then sends a new link, built on the address of the site the invitation was made on).
    mailed_at = models.DateTimeField(null=True, blank=True)
    link_origin = models.CharField(max_length=255, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    def expires_at(self):
        return self.sent_at + timedelta(days=settings.INVITATION_VALIDITY_DAYS)

    def is_expired(self, now):
        return now >= self.expires_at()


class OrganizationLearnerQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def active(self):
        return self.filter(deleted_at__isnull=True, is_disabled=False)


class OrganizationLearner(models.Model):
    """A pupil as the school knows him (domain rules §10.4): imported from SIECLE for a school
    that manages its students, created from the account's names when he joins a campaign
    otherwise. `user` is the Pix account linked to him (reconciliation)."""

    class Sex(models.TextChoices):
        M = "M", _("Masculin")
        F = "F", _("Féminin")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="learners")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="learners"
    )
    first_name = models.CharField(_("prénom"), max_length=255)
    middle_name = models.CharField(_("deuxième prénom"), max_length=255, blank=True)
    third_name = models.CharField(_("troisième prénom"), max_length=255, blank=True)
    last_name = models.CharField(_("nom"), max_length=255)
    preferred_last_name = models.CharField(_("nom d'usage"), max_length=255, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, blank=True)
    birthdate = models.DateField(_("date de naissance"), null=True, blank=True)
    birth_city = models.CharField(max_length=255, blank=True)
    birth_city_code = models.CharField(max_length=20, blank=True)
    birth_province_code = models.CharField(max_length=20, blank=True)
    birth_country_code = models.CharField(max_length=20, blank=True)
    mef_code = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=2, blank=True)
    national_student_id = models.CharField(_("INE"), max_length=20, blank=True)
    division = models.CharField(_("classe"), max_length=255, blank=True)
    # Pupils absent from the latest import: kept with their results, cannot join any more,
    # erased RETENTION_DAYS after `disabled_at` (privacy.retention).
    is_disabled = models.BooleanField(default=False)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # From his latest profile sent to the school (None: never sent, "Non communiqué").
    is_certifiable = models.BooleanField(null=True, blank=True)
    certifiable_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OrganizationLearnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("élève")
        verbose_name_plural = _("élèves")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["organization", "last_name", "first_name"], name="learner_org_name"),
            models.Index(fields=["organization", "division"], name="learner_org_division"),
            models.Index(fields=["organization", "birthdate"], name="learner_org_birthdate"),
        ]
        constraints = [
            # The import upserts by INE.
            models.UniqueConstraint(
                fields=["organization", "national_student_id"],
                condition=~Q(national_student_id="") & Q(deleted_at__isnull=True),
                name="learner_ine_unique_per_organization",
            ),
            # An account is one pupil of a school (R70).
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(user__isnull=False) & Q(deleted_at__isnull=True),
                name="learner_user_unique_per_organization",
            ),
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class LearnerImport(models.Model):
    """One upload of the student base (domain rules §10.5): uploaded → validated → imported,
    or stopped at a validation or import error with line-precise messages. The file is kept
    only until the worker has read it: it holds minors' personal data."""

    class Status(models.TextChoices):
        UPLOADED = "UPLOADED", _("Fichier reçu")
        VALIDATING = "VALIDATING", _("Validation en cours")
        VALIDATION_ERROR = "VALIDATION_ERROR", _("Erreurs de validation")
        VALIDATED = "VALIDATED", _("Validé, import en cours")
        IMPORTED = "IMPORTED", _("Importé")
        IMPORT_ERROR = "IMPORT_ERROR", _("Échec de l'import")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="learner_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    data = models.BinaryField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    # [{"code", "message", "line"}, ...]
    errors = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    disabled_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The process that claimed it (lib.heartbeat): its silence makes the row orphaned.
    worker = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import d'élèves")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="learner_import_org_created")]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_running(self):
        return self.status in {self.Status.UPLOADED, self.Status.VALIDATING, self.Status.VALIDATED}


class LoginGeneration(models.Model):
    """"Générer les identifiants et les mots de passe" of a class, run by a worker: hashing a
    password costs tens of milliseconds, a class of 1,000 pupils does not fit in a request.
    requested → running → done | failed, claimed with a conditional UPDATE. The file, with the
    one-time passwords, is kept encrypted (lib.sealed) until its single download, and an
    hour at most."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="login_generations")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    division = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # Pupils who sign in with their e-mail: nothing changes for them.
    skipped_count = models.PositiveIntegerField(default=0)
    data = models.BinaryField(null=True, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("génération d'identifiants")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["organization", "division", "-requested_at"], name="login_generation_class")]

    def __str__(self):
        return f"{self.division} ({self.get_status_display()})"

    @property
    def is_running(self):
        return self.status in {self.Status.REQUESTED, self.Status.RUNNING}
