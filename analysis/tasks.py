"""Celery discovers this module; the tasks live beside their code."""
from .export_tasks import build_export  # noqa: F401
from .analysis_tasks import compute_campaign_analysis  # noqa: F401
