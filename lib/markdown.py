"""Markdown written by teachers (landing texts) and by content authors, rendered to HTML that
cannot run anything: Markdown first, then an allow-list sanitizer (nh3)."""

import html as html_lib
import re
from functools import lru_cache

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td", "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"scope"}}


@lru_cache(maxsize=2048)
def render_markdown(text: str) -> str:
    """Pure and called on every challenge page: the last 2,048 texts are kept rendered."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    # Headings start at h2: the page already has its h1.
    for level in (3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@lru_cache(maxsize=2048)
def markdown_text(text: str) -> str:
    """The words of a Markdown text without its marks (a title, a summary): `**gras**` and
    backticks read as plain words, links as their text, on one line."""
    plain = nh3.clean(markdown_lib.markdown(text or "", output_format="html"), tags=set())
    return re.sub(r"\s+", " ", html_lib.unescape(plain)).strip()
