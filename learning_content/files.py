"""Reading the content files: YAML mappings that remember their line, for precise errors."""

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


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    seen = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"clé « {key} » en double", key_node.start_mark
            )
        seen[key] = True
    mapping = LineDict(loader.construct_pairs(node, deep=True))
    mapping.line = node.start_mark.line + 1
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
