import pytest

from lib.markdown import render_markdown


@pytest.mark.parametrize("source, expected", [
    ("**gras** et *italique*", "<p><strong>gras</strong> et <em>italique</em></p>"),
    ("- un\n- deux", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"),
    ("# Titre", "<h2>Titre</h2>"),
    ("## Sous-titre", "<h3>Sous-titre</h3>"),
    ("[Pix](https://pix.fr)", '<p><a href="https://pix.fr" rel="noopener noreferrer nofollow">Pix</a></p>'),
])
def test_markdown_keeps_the_formatting_teachers_use(source, expected):
    assert render_markdown(source) == expected


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "[clic](javascript:alert(1))",
    '<img src="x" onerror="alert(1)">',
    "<iframe src='https://evil.test'></iframe>",
    '<a href="#" onclick="alert(1)">x</a>',
    "<style>body{display:none}</style>",
])
def test_markdown_never_lets_a_script_through(source):
    html = render_markdown(source)

    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "<iframe" not in html and "onclick" not in html and "<style" not in html
