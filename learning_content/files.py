"""Reading the content files: YAML mappings that remember their line, for precise errors."""

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

import yaml


class LineDict(dict):
    """A YAML mapping with the line (1-based) where it starts."""

    line = 0


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


class ContentFileError(Exception):
    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


# Pix reads solutions, proposals, labels and answer keys as the text written: under these keys
# a plain `0123`, `1.50`, `yes` or `~` stays that text, not YAML 1.1's octal, float, boolean or
# null (which would silently change what a pupil must type).
TEXT_KEYS = frozenset({"proposals", "solution", "solutions", "label", "options", "key", "rows"})


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_text(loader, node):
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_construct_text(loader, child) for child in node.value]
    return _construct_mapping(loader, node, as_text=True)


def _construct_mapping(loader, node, as_text=False):
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = _construct_text(loader, key_node) if as_text else loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "une liste ou un objet ne peut pas être une clé", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"clé « {key} » en double", key_node.start_mark
            )
        if as_text or (isinstance(key, str) and key in TEXT_KEYS):
            mapping[key] = _construct_text(loader, value_node)
        else:
            mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, display_path: str):
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ContentFileError([ContentError(display_path, line, f"YAML invalide : {error.problem}")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ContentFileError([ContentError(display_path, 0, f"fichier illisible : {error}")]) from None
