from django import template
from django.utils.safestring import mark_safe

from lib.durations import duration_label
from lib.markdown import render_markdown
from lib.memo import memo_render

register = template.Library()


@register.filter
def markdown(text):
    """Sanitized HTML of a Markdown text (see lib.markdown)."""
    return mark_safe(render_markdown(text))


@register.filter
def duration(value):
    """« 8 min », « 1 h 05 » (see lib.durations)."""
    return duration_label(value)


class _MemoNode(template.Node):
    def __init__(self, nodelist, values):
        self.nodelist, self.values = nodelist, values

    def render(self, context):
        values = tuple(value.resolve(context) for value in self.values)
        return memo_render(self, values, lambda: self.nodelist.render(context))


@register.tag
def memo(parser, token):
    """`{% memo a b %}…{% endmemo %}`: the block rendered once per process for each language
    and values of `a`, `b` (see lib.memo): for page chrome that does not depend on the request."""
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return _MemoNode(nodelist, values)
