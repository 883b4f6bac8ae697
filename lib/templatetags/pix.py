from django import template
from django.utils.safestring import mark_safe

from lib.durations import duration_label
from lib.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Sanitized HTML of a Markdown text (see lib.markdown)."""
    return mark_safe(render_markdown(text))


@register.filter
def duration(value):
    """« 8 min », « 1 h 05 » (see lib.durations)."""
    return duration_label(value)
