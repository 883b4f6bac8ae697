"""French is the language of the source strings: its plural rule (0 and 1 take the singular)
comes from locale/fr, which must hold every plural string of the code."""

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext
from django.utils.translation.template import templatize

PLURAL_FUNCTIONS = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
CODE_DIRS = ["accounts", "analysis", "assessments", "campaigns", "learning_content", "organizations",
             "participations", "pixorga", "templates"]
TEMPLATIZED_CALL = re.compile(r"\bn(p?)gettext\((u'(?:[^'\\]|\\.)*')(?:, (u'(?:[^'\\]|\\.)*'))?")


def plural_msgids_of_python(source: str):
    for node in ast.walk(ast.parse(source)):
        name = getattr(node, "func", None)
        name = getattr(name, "id", None) or getattr(name, "attr", None)
        if isinstance(node, ast.Call) and name in PLURAL_FUNCTIONS:
            argument = node.args[1 if name.startswith("np") else 0]
            if isinstance(argument, ast.Constant):
                yield argument.value


def plural_msgids_of_template(source: str, origin: str):
    for match in TEMPLATIZED_CALL.finditer(templatize(source, origin=origin)):
        yield ast.literal_eval(match.group(3) if match.group(1) else match.group(2))


def code_plural_msgids() -> set[str]:
    found = set()
    for directory in CODE_DIRS:
        for path in Path(settings.BASE_DIR, directory).rglob("*"):
            if path.suffix == ".py" and "migrations" not in path.parts:
                found.update(plural_msgids_of_python(path.read_text()))
            elif path.suffix in {".html", ".txt"}:
                found.update(plural_msgids_of_template(path.read_text(), str(path)))
    return found


def test_every_plural_string_of_the_code_has_its_french_plural_rule():
    catalog = gettext.translation("django", Path(settings.BASE_DIR, "locale"), languages=["fr"])
    known = {key[0].split("\x04")[-1] for key in catalog._catalog if isinstance(key, tuple)}

    missing = code_plural_msgids() - known

    assert not missing, f"add them to locale/fr/LC_MESSAGES/django.po (then compilemessages -l fr): {sorted(missing)}"


def test_zero_and_one_take_the_singular_in_french():
    with translation.override("fr"):
        assert ngettext("%(counter)s étoile sur %(total)s", "%(counter)s étoiles sur %(total)s", 0) % {
            "counter": 0, "total": 3} == "0 étoile sur 3"
        assert ngettext("%(counter)s tuto", "%(counter)s tutos", 2) % {"counter": 2} == "2 tutos"
