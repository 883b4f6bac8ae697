from django import template

register = template.Library()


@register.filter
def typed_in(typed, key) -> str:
    """The text the pupil had typed in the field `key` (see display.typed_values)."""
    return typed["fields"].get(key, "")
