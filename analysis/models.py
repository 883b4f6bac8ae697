from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    REQUESTED = "requested", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class CampaignAnalysis(models.Model):
    """The stored "Analyse" of a campaign, computed by a worker from the shared snapshots.
    The tab shows the last computed data with its date; it never waits for the worker."""

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="analysis")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.REQUESTED)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    # The process that claimed it (lib.heartbeat): its silence makes the row orphaned.
    worker = models.CharField(max_length=255, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # How many shared participations the stored data covers.
    participant_count = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("analyse de campagne")


class FileDeletion(models.TextChoices):
    EXPIRED = "expired", _("Durée de conservation écoulée")
    ERASED = "erased", _("Participations supprimées")


class ExportJob(models.Model):
    """"Exporter les résultats": one file built by a worker. The file is written under a
    temporary name and renamed when whole, so it is either complete or absent."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.CSV)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.REQUESTED)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    # The file holds pupils' names: it is deleted after EXPORT_RETENTION_HOURS, or at once
    # when participations it holds are deleted (analysis.export_files). The row stays, so that
    # a late download says why the file is gone.
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    file_deleted_reason = models.CharField(max_length=8, choices=FileDeletion.choices, blank=True)

    class Meta:
        verbose_name = _("export de résultats")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "-requested_at"], name="export_campaign_requested")]

    @property
    def available_until(self):
        return self.finished_at + timedelta(hours=settings.EXPORT_RETENTION_HOURS) if self.finished_at else None
