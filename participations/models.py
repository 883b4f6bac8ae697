from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ParticipationQuerySet(models.QuerySet):
    def counted(self):
        """What Pix Orga counts: neither superseded by a newer sending nor deleted."""
        return self.filter(is_improved=False, deleted_at__isnull=True)

    def anonymize(self, **also) -> int:
        """Cuts the rows from the person (§2.7): no account, no external id; the sent snapshot
        holds no user id. `also` are the other columns of the same UPDATE."""
        return self.update(user=None, participant_external_id="", **also)


class CampaignParticipation(models.Model):
    """A student's participation in a campaign. With "Envoi multiple", each new sending
    creates a new row and flags the previous one `is_improved`; only one row per (campaign,
    user) is the current one."""

    class Status(models.TextChoices):
        STARTED = "STARTED", _("En cours")
        TO_SHARE = "TO_SHARE", _("En attente d'envoi")
        SHARED = "SHARED", _("Résultats reçus")

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="participations")
    # Cleared when the participation is deleted (anonymized, domain rule §2.7).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="participations"
    )
    # The pupil as his school knows him; kept when the participation is deleted, so he cannot
    # join that campaign again (§2.3, check 5).
    organization_learner = models.ForeignKey(
        "organizations.OrganizationLearner", on_delete=models.PROTECT, related_name="participations"
    )
    participant_external_id = models.CharField(max_length=255, blank=True)
    # The evaluation being run for it (evaluations only); "Je retente" points it to a new one.
    assessment = models.OneToOneField(
        "assessments.Assessment", null=True, blank=True, on_delete=models.PROTECT, related_name="participation"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.STARTED)
    created_at = models.DateTimeField(auto_now_add=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    is_improved = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_skills_count = models.PositiveIntegerField(null=True, blank=True)
    pix_score = models.PositiveIntegerField(null=True, blank=True)
    mastery_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    is_certifiable = models.BooleanField(null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="participation_campaign_status"),
            # What the campaign tabs count and chart (ParticipationQuerySet.counted), covering
            # the columns they read: at 100,000 participations an index-only scan, no table
            # read (bench/README.md, "Scale").
            models.Index(
                fields=["campaign", "status"], include=["id", "created_at", "shared_at", "mastery_rate"],
                condition=Q(is_improved=False, deleted_at__isnull=True), name="participation_counted",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user"],
                condition=Q(is_improved=False, user__isnull=False),
                name="participation_one_current_per_user",
            ),
            models.UniqueConstraint(
                fields=["campaign", "organization_learner"],
                condition=Q(is_improved=False),
                name="participation_one_current_per_learner",
            ),
            models.CheckConstraint(
                condition=Q(status="SHARED", shared_at__isnull=False)
                | (~Q(status="SHARED") & Q(shared_at__isnull=True)),
                name="participation_shared_at_matches_status",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id} / {self.user_id} ({self.status})"

    @property
    def is_shared(self):
        return self.status == self.Status.SHARED


class KnowledgeElementSnapshot(models.Model):
    """The knowledge elements of the student at the instant he sent his results: what the
    teacher sees afterwards, whatever the student does next (domain rules §2.4)."""

    participation = models.OneToOneField(CampaignParticipation, on_delete=models.CASCADE, related_name="snapshot")
    snapshotted_at = models.DateTimeField()
    # [{"skill_id", "competence_id", "status", "source", "earned_pix", "created_at"}, ...]
    knowledge_elements = models.JSONField()

    class Meta:
        verbose_name = _("instantané des acquis")


class StageAcquisition(models.Model):
    """The stage a participation reached when its evaluation completed (domain rules §7.1):
    what every screen and export shows, whatever the stages become afterwards."""

    participation = models.OneToOneField(
        CampaignParticipation, on_delete=models.CASCADE, related_name="stage_acquisition"
    )
    # 1-based in the parcours' stages as Pix counts them (zero stage, first skill, thresholds):
    # stars = reached - 1 out of stage_count - 1.
    reached = models.PositiveSmallIntegerField()
    stage_count = models.PositiveSmallIntegerField()
    mastery_percentage = models.PositiveSmallIntegerField()
    acquired_at = models.DateTimeField()

    class Meta:
        verbose_name = _("palier obtenu")


class BadgeAcquisition(models.Model):
    """A badge a participation won at completion. The badge is named by its key, as knowledge
    elements name their skill: the référentiel's rows may be rewritten by a release, a won
    badge stays won."""

    participation = models.ForeignKey(
        CampaignParticipation, on_delete=models.CASCADE, related_name="badge_acquisitions"
    )
    badge_key = models.CharField(max_length=64)
    acquired_at = models.DateTimeField()

    class Meta:
        verbose_name = _("badge obtenu")
        constraints = [
            models.UniqueConstraint(fields=["participation", "badge_key"], name="badge_acquisition_once"),
        ]
        indexes = [models.Index(fields=["badge_key", "participation"], name="badge_acquisition_badge")]
