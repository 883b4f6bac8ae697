import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

_closing_conditions = []


def close_assessments_when(condition) -> None:
    """Let whoever starts assessments close them (participations: the campaign was archived or
    deleted). `condition` is a boolean expression on the assessment row: it is read in the same
    statement as the row, so that the answer loop costs no query more."""
    _closing_conditions.append(condition)


class AssessmentQuerySet(models.QuerySet):
    def with_closure(self):
        """Annotated `is_closed`: no answer may be recorded any more, whatever the state."""
        condition = reduce(operator.or_, _closing_conditions) if _closing_conditions else Value(False)
        return self.annotate(is_closed=ExpressionWrapper(condition, output_field=BooleanField()))


class Assessment(models.Model):
    """One run of the test engine: a campaign's evaluation or a competence evaluation.

    The engine knows what to test (a target profile or a competence) and where to send the
    student at the end (`end_path`, set by whoever started it), never how results are sent.
    """

    class Type(models.TextChoices):
        CAMPAIGN = "CAMPAIGN", _("Campagne")
        COMPETENCE_EVALUATION = "COMPETENCE_EVALUATION", _("Évaluation d'une compétence")

    class State(models.TextChoices):
        STARTED = "started", _("En cours")
        COMPLETED = "completed", _("Terminée")

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments")
    type = models.CharField(max_length=24, choices=Type.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.STARTED)
    target_profile_id = models.CharField(max_length=64, blank=True)
    competence_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=255, blank=True)
    end_path = models.CharField(max_length=255)
    is_improving = models.BooleanField(default=False)
    # The challenge last asked: the only one that may be answered next.
    current_challenge_id = models.CharField(max_length=64, blank=True)
    # When the current challenge's clock started (timed challenges).
    current_challenge_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation")
        indexes = [models.Index(fields=["user", "type", "competence_id"], name="assessment_user_competence")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(type="CAMPAIGN") & ~Q(target_profile_id=""))
                | (Q(type="COMPETENCE_EVALUATION") & ~Q(competence_id="")),
                name="assessment_has_something_to_test",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("assessments:challenge", args=[self.pk])

    @property
    def is_completed(self):
        return self.state == self.State.COMPLETED


class Answer(models.Model):
    class Result(models.TextChoices):
        OK = "ok", _("Réponse correcte")
        KO = "ko", _("Réponse incorrecte")
        SKIPPED = "aband", _("Pas de réponse")
        TIMED_OUT = "timedout", _("Temps dépassé")

    id = models.BigAutoField(primary_key=True)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    challenge_id = models.CharField(max_length=64)
    value = models.JSONField(null=True, blank=True)
    result = models.CharField(max_length=8, choices=Result.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réponse")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "challenge_id"], name="answer_one_per_challenge"),
        ]


class KnowledgeElement(models.Model):
    """What an answer proved about a skill, directly or by inference in its tube (domain rules §4)."""

    class Status(models.TextChoices):
        VALIDATED = "validated", _("Acquis")
        INVALIDATED = "invalidated", _("Non acquis")
        RESET = "reset", _("Remis à zéro")

    class Source(models.TextChoices):
        DIRECT = "direct", _("Direct")
        INFERRED = "inferred", _("Inféré")

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_elements")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="knowledge_elements")
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    skill_id = models.CharField(max_length=64)
    competence_id = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    earned_pix = models.FloatField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("acquis évalué")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["user", "created_at"], name="ke_user_created")]
