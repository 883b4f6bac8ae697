from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def direct_link(context, campaign) -> str:
    """The address a teacher sends his pupils: the campaign's entry page, on this site."""
    return context["request"].build_absolute_uri(reverse("participations:entry", args=[campaign.code]))
