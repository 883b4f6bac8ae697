import html


def text(response) -> str:
    """The page's HTML with entities decoded, so that assertions read like the page."""
    return html.unescape(response.content.decode())
