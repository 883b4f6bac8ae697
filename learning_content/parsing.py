"""From the content files to validated plain records, or the list of every error found.

Pure: no database. `parse_content_dir` reads `content/` and returns a `ParsedContent` whose
rows are ready to be written, or raises `ContentFileError` naming each file and line.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from .files import ContentError, ContentFileError, LineDict, read_yaml
from .numbers import parse_number

CHALLENGE_TYPES = {"QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep"}
CHALLENGE_STATUSES = {"validé", "archivé", "périmé"}
TOLERANCES = ("t1", "t2", "t3")
TUTORIAL_FORMATS = {"page", "vidéo", "pdf", "jeu", "outil", "son"}
TARGET_PROFILE_CATEGORIES = {
    "BACK_TO_SCHOOL", "COMPETENCES", "SUBJECT", "DISCIPLINE", "TARGETED", "CUSTOM", "OTHER",
}
TUBE_NAME = re.compile(r"^[a-z][A-Za-z0-9]*$")
DURATION = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)$")
INPUT_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
PROPOSAL_NUMBER = re.compile(r"^[1-9][0-9]*$")
MAX_LEVEL = 8
BADGE_SCOPES = {"CampaignParticipation", "CappedTubes"}
BADGE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class ParsedContent:
    version: str
    areas: list[dict] = field(default_factory=list)
    competences: list[dict] = field(default_factory=list)
    tubes: list[dict] = field(default_factory=list)
    skills: list[dict] = field(default_factory=list)
    skill_tutorials: set[tuple[str, str]] = field(default_factory=set)
    challenges: list[dict] = field(default_factory=list)
    tutorials: list[dict] = field(default_factory=list)
    target_profiles: list[dict] = field(default_factory=list)
    capped_tubes: list[dict] = field(default_factory=list)
    stages: list[dict] = field(default_factory=list)
    badges: list[dict] = field(default_factory=list)


class _Collector:
    """Gathers every error of a run, so an author fixes them all at once."""

    def __init__(self):
        self.errors: list[ContentError] = []
        self.path = ""
        self.challenge_id = ""

    def error(self, node, message):
        line = node.line if isinstance(node, LineDict) else 0
        if self.challenge_id:
            message = f"épreuve {self.challenge_id} : {message}"
        self.errors.append(ContentError(self.path, line, message))

    def require(self, node, key, kind=str, allow_empty=False):
        if not isinstance(node, dict):
            self.error(node, f"un objet (clé: valeur) est attendu, pas {node!r}")
            return None
        value = node.get(key)
        if value is None or (not allow_empty and value in ("", [], {})):
            self.error(node, f"« {key} » est obligatoire")
            return None
        if kind is not None and not isinstance(value, kind):
            self.error(node, f"« {key} » doit être de type {_kind_name(kind)}")
            return None
        return value


def _kind_name(kind):
    names = {str: "texte", int: "entier", list: "liste", dict: "objet", bool: "booléen"}
    if isinstance(kind, tuple):
        return " ou ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _text_list(value):
    """Solutions, proposals and options are read as text (files.TEXT_KEYS); an empty one
    would accept an empty answer."""
    return isinstance(value, list) and value and all(isinstance(item, str) and item.strip() for item in value)


def _proposal_number(text):
    """A 1-based proposal number written in decimal digits, else None."""
    return int(text) if isinstance(text, str) and PROPOSAL_NUMBER.match(text.strip()) else None


def parse_content_dir(directory: Path) -> ParsedContent:
    directory = Path(directory)
    digest = hashlib.sha256()
    files = [directory / "areas.yaml", *sorted((directory / "competences").glob("*.yaml")),
             directory / "target_profiles.yaml"]
    raw = {}
    read_errors = []
    for path in files:
        display = str(path.relative_to(directory.parent)) if path.is_relative_to(directory.parent) else str(path)
        if not path.exists():
            read_errors.append(ContentError(display, 0, "fichier manquant"))
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        try:
            raw[display] = read_yaml(path, display)
        except ContentFileError as error:
            read_errors.extend(error.errors)
    if read_errors:
        raise ContentFileError(read_errors)

    parsed = ParsedContent(version=digest.hexdigest())
    check = _Collector()
    ids: dict[str, str] = {}

    def claim(node, value):
        where = f"{check.path}:{node.line if isinstance(node, LineDict) else 0}"
        if value in ids:
            check.error(node, f"id « {value} » déjà utilisé ({ids[value]})")
            return False
        ids[value] = where
        return True

    check.path = next(path for path in raw if path.endswith("areas.yaml"))
    area_codes = _parse_areas(check, raw[check.path], parsed, claim)
    tutorial_ids = set()
    tube_names: dict[str, str] = {}
    tube_levels: dict[str, list[int]] = {}
    for path, data in raw.items():
        if "competences/" not in path:
            continue
        check.path = path
        _parse_competence(check, data, parsed, claim, area_codes, tutorial_ids, tube_names, tube_levels)
    check.path = next(path for path in raw if path.endswith("target_profiles.yaml"))
    _parse_target_profiles(check, raw[check.path], parsed, claim, tube_names, tube_levels)

    if check.errors:
        raise ContentFileError(check.errors)
    _compute_pix_values(parsed)
    return parsed


def _parse_areas(check, areas, parsed, claim):
    codes = set()
    if not isinstance(areas, list) or not areas:
        check.error(areas, "la liste des domaines est attendue")
        return codes
    for area in areas:
        area_id, code = check.require(area, "id"), check.require(area, "code")
        title, color = check.require(area, "title"), check.require(area, "color")
        if None in (area_id, code, title, color) or not claim(area, area_id):
            continue
        if code in codes:
            check.error(area, f"code de domaine « {code} » en double")
        codes.add(code)
        parsed.areas.append({"id": area_id, "code": code, "title": title, "color": color})
    return codes


def _parse_competence(check, data, parsed, claim, area_codes, tutorial_ids, tube_names, tube_levels):
    competence_id, index = check.require(data, "id"), check.require(data, "index")
    area, name = check.require(data, "area"), check.require(data, "name")
    if None in (competence_id, index, area, name):
        return
    if area not in area_codes:
        check.error(data, f"domaine « {area} » inconnu")
    if not re.fullmatch(r"[1-5]\.[1-9]", index) or not index.startswith(f"{area}."):
        check.error(data, f"index « {index} » invalide pour le domaine {area}")
    if not claim(data, competence_id):
        return
    parsed.competences.append({
        "id": competence_id, "index": index, "name": name,
        "description": str(data.get("description") or "").strip(), "area_id": f"area-{area}",
    })
    for tutorial in data.get("tutorials") or []:
        parsed_tutorial = _parse_tutorial(check, tutorial, claim)
        if parsed_tutorial:
            parsed.tutorials.append(parsed_tutorial)
            tutorial_ids.add(parsed_tutorial["id"])
    tubes = check.require(data, "tubes", list)
    for tube in tubes or []:
        _parse_tube(check, tube, competence_id, parsed, claim, tutorial_ids, tube_names, tube_levels)


def _parse_tutorial(check, tutorial, claim):
    values = {key: check.require(tutorial, key) for key in ("id", "title", "link", "source", "format", "duration")}
    if None in values.values():
        return None
    if not re.match(r"^https?://", values["link"]):
        check.error(tutorial, f"le lien du tutoriel {values['id']} doit commencer par http(s)://")
    if values["format"] not in TUTORIAL_FORMATS:
        check.error(tutorial, f"format « {values['format']} » inconnu ({', '.join(sorted(TUTORIAL_FORMATS))})")
    match = DURATION.match(str(values["duration"]))
    if not match:
        check.error(tutorial, "la durée s'écrit HH:MM:SS")
        return None
    if not claim(tutorial, values["id"]):
        return None
    hours, minutes, seconds = (int(part) for part in match.groups())
    values["duration"] = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return values


def _parse_tube(check, tube, competence_id, parsed, claim, tutorial_ids, tube_names, tube_levels):
    tube_id, name = check.require(tube, "id"), check.require(tube, "name")
    title = check.require(tube, "practical_title")
    if None in (tube_id, name, title):
        return
    if not TUBE_NAME.match(name):
        check.error(tube, f"nom de sujet « {name} » invalide (camelCase ASCII, commençant par une minuscule)")
    if name in tube_names:
        check.error(tube, f"nom de sujet « {name} » déjà utilisé ({tube_names[name]})")
        return
    if not claim(tube, tube_id):
        return
    tube_names[name] = tube_id
    parsed.tubes.append({
        "id": tube_id, "name": name, "practical_title": title,
        "practical_description": str(tube.get("practical_description") or "").strip(),
        "competence_id": competence_id,
    })
    levels = []
    for skill in check.require(tube, "skills", list) or []:
        level = _parse_skill(check, skill, tube_id, name, competence_id, parsed, claim, tutorial_ids)
        if level is not None:
            levels.append(level)
    if levels:
        ordered = sorted(levels)
        if len(set(levels)) != len(levels):
            check.error(tube, f"le sujet {name} a deux acquis de même niveau")
        elif ordered != list(range(ordered[0], ordered[-1] + 1)):
            check.error(tube, f"les niveaux du sujet {name} ne sont pas consécutifs : {ordered}")
    tube_levels[name] = sorted(levels)


def _parse_skill(check, skill, tube_id, tube_name, competence_id, parsed, claim, tutorial_ids):
    skill_id, level = check.require(skill, "id"), check.require(skill, "level", int)
    if None in (skill_id, level):
        return None
    if not 1 <= level <= MAX_LEVEL:
        check.error(skill, f"niveau {level} hors de 1..{MAX_LEVEL}")
        return None
    if not claim(skill, skill_id):
        return None
    parsed.skills.append({
        "id": skill_id, "name": f"@{tube_name}{level}", "level": level,
        "hint": str(skill.get("hint") or "").strip(), "tube_id": tube_id, "competence_id": competence_id,
    })
    tutorials = skill.get("tutorials") or []
    if not tutorials:
        check.error(skill, f"l'acquis {skill_id} n'a aucun tutoriel")
    for tutorial_id in tutorials:
        if tutorial_id not in tutorial_ids:
            check.error(skill, f"tutoriel « {tutorial_id} » inconnu "
                               "(il doit être déclaré dans ce fichier ou un précédent)")
        else:
            parsed.skill_tutorials.add((skill_id, tutorial_id))
    challenges = skill.get("challenges") or []
    if not challenges:
        check.error(skill, f"l'acquis {skill_id} n'a aucune épreuve")
    for challenge in challenges:
        check.challenge_id = str(challenge.get("id") or "") if isinstance(challenge, dict) else ""
        parsed_challenge = _parse_challenge(check, challenge, skill_id, claim)
        check.challenge_id = ""
        if parsed_challenge:
            parsed.challenges.append(parsed_challenge)
    return level


def _parse_challenge(check, challenge, skill_id, claim):
    challenge_id, kind = check.require(challenge, "id"), check.require(challenge, "type")
    instruction = check.require(challenge, "instruction")
    if None in (challenge_id, kind, instruction):
        return None
    if kind not in CHALLENGE_TYPES:
        check.error(challenge, f"type « {kind} » inconnu ({', '.join(sorted(CHALLENGE_TYPES))})")
        return None
    status = challenge.get("status", "validé")
    if status not in CHALLENGE_STATUSES:
        check.error(challenge, f"statut « {status} » inconnu")
    tolerances = _tolerances(check, challenge)
    timer = challenge.get("timer")
    if timer is not None and (not isinstance(timer, int) or timer <= 0):
        check.error(challenge, "le minuteur (timer) est un nombre entier de secondes")
    illustration = challenge.get("illustration") or {}
    if illustration and not (illustration.get("src") and illustration.get("alt")):
        check.error(challenge, "une illustration a une source (src) et une alternative textuelle (alt)")
    attachment = _attachment(check, challenge)
    shape = _CHALLENGE_SHAPES[kind](check, challenge)
    if shape is None or not claim(challenge, challenge_id):
        return None
    proposals, inputs, solution = shape
    return {
        "id": challenge_id, "skill_id": skill_id, "type": kind, "instruction": instruction.strip(),
        "proposals": proposals, "inputs": inputs, "solution": solution,
        "tolerances": tolerances, "format": str(challenge.get("format") or ""),
        "timer": timer, "illustration_src": illustration.get("src", ""),
        "illustration_alt": illustration.get("alt", ""), "attachment": attachment, "status": status,
    }


ATTACHMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}\.(csv|xlsx)$")


def _attachment(check, challenge) -> dict:
    """A file to open: a name (`releves-pluie.csv` or `.xlsx`), a description (the link's text
    alternative) and a table of text cells, its first row the headers."""
    attachment = challenge.get("attachment")
    if not attachment:
        return {}
    name, description, rows = (
        attachment.get("name"), attachment.get("description"), attachment.get("rows")
    ) if isinstance(attachment, dict) else (None, None, None)
    if not (isinstance(name, str) and ATTACHMENT_NAME.match(name)):
        check.error(challenge, "une pièce jointe a un nom en minuscules, sans espace, finissant par .csv ou .xlsx")
        return {}
    if not (isinstance(description, str) and description.strip()):
        check.error(challenge, "une pièce jointe a une description (ce qu'elle contient)")
        return {}
    if not (isinstance(rows, list) and len(rows) >= 2 and all(
        isinstance(row, list) and row and all(isinstance(cell, str) for cell in row) for row in rows
    )):
        check.error(challenge, "une pièce jointe a des lignes (rows) : des listes de cellules, la première les titres")
        return {}
    return {"name": name, "description": description.strip(), "rows": rows}


def _tolerances(check, challenge):
    """Pix's default: T1, T2 and T3 apply unless the challenge lists the ones left on."""
    if "tolerances" not in challenge:
        return list(TOLERANCES)
    tolerances = challenge["tolerances"]
    if (not isinstance(tolerances, list) or not all(item in TOLERANCES for item in tolerances)
            or len(set(tolerances)) != len(tolerances)):
        check.error(challenge, f"tolérances invalides {tolerances!r} : la liste de celles qui restent "
                               "actives parmi t1, t2, t3 ([] pour aucune), "
                               "ou pas de clé tolerances pour les trois")
        return []
    return sorted(tolerances)


def _proposals(check, challenge, minimum):
    proposals = check.require(challenge, "proposals", list)
    if proposals is None:
        return None
    if len(proposals) < minimum or not _text_list(proposals):
        check.error(challenge, f"au moins {minimum} propositions (textes non vides) sont attendues")
        return None
    return proposals


def _shape_qcu(check, challenge):
    proposals = _proposals(check, challenge, 2)
    solution = check.require(challenge, "solution", None)
    if proposals is None or solution is None:
        return None
    number = _proposal_number(solution)
    if number is None or number > len(proposals):
        check.error(challenge, f"la solution {solution} n'est pas le numéro d'une proposition (1 à {len(proposals)})")
        return None
    return proposals, [], number


def _shape_qcm(check, challenge):
    proposals = _proposals(check, challenge, 3)
    solution = check.require(challenge, "solution", list)
    if proposals is None or solution is None:
        return None
    numbers = [_proposal_number(item) for item in solution]
    if (len(numbers) < 2 or len(set(numbers)) != len(numbers)
            or not all(number is not None and number <= len(proposals) for number in numbers)):
        check.error(challenge, "la solution d'un QCM est une liste d'au moins 2 numéros distincts "
                               f"de 1 à {len(proposals)}")
        return None
    return proposals, [], sorted(numbers)


def _shape_qroc(check, challenge):
    solutions = check.require(challenge, "solutions", list)
    if solutions is None:
        return None
    if not _text_list(solutions):
        check.error(challenge, "les solutions d'un QROC sont une liste de textes non vides")
        return None
    label = challenge.get("label", "")
    if not isinstance(label, str):
        check.error(challenge, "le libellé (label) d'un QROC est un texte")
        return None
    if challenge.get("format") == "nombre" and any(parse_number(s) is None for s in solutions):
        check.error(challenge, "format nombre : chaque solution doit être un nombre")
        return None
    return [], [{"key": "answer", "label": label.strip()}], solutions


def _inputs(check, challenge):
    inputs = check.require(challenge, "inputs", list)
    if inputs is None:
        return None
    keys = []
    for item in inputs:
        key, label = check.require(item, "key"), check.require(item, "label")
        if key is None or label is None:
            return None
        if not INPUT_KEY.match(key):
            check.error(item, f"clé de champ « {key} » invalide (lettres, chiffres, - et _)")
            return None
        options = item.get("options")
        if options is not None and not _text_list(options):
            check.error(item, "les options d'une liste déroulante sont une liste de textes non vides")
            return None
        keys.append(key)
    if len(set(keys)) != len(keys):
        check.error(challenge, "deux champs ont la même clé")
        return None
    return [
        {"key": item["key"], "label": item["label"], **({"options": item["options"]} if item.get("options") else {})}
        for item in inputs
    ]


def _shape_qrocm_ind(check, challenge):
    inputs = _inputs(check, challenge)
    solution = check.require(challenge, "solution", dict)
    if inputs is None or solution is None:
        return None
    if set(solution) != {item["key"] for item in inputs}:
        check.error(challenge, "chaque champ a ses variantes dans la solution, et seulement eux")
        return None
    normalized = {}
    for item in inputs:
        variants = solution[item["key"]]
        if not _text_list(variants):
            check.error(challenge, f"les variantes du champ {item['key']} sont une liste de textes non vides")
            return None
        if item.get("options") and not set(variants) <= set(item["options"]):
            check.error(challenge, f"la réponse du champ {item['key']} doit être une de ses options")
            return None
        normalized[item["key"]] = variants
    return [], inputs, normalized


def _shape_qrocm_dep(check, challenge):
    inputs = _inputs(check, challenge)
    solution = check.require(challenge, "solution", dict)
    if inputs is None or solution is None:
        return None
    if len(solution) < len(inputs):
        check.error(challenge, "un QROCM-dep a au moins autant de groupes de réponses que de champs")
        return None
    if any(item.get("options") for item in inputs):
        check.error(challenge, "un QROCM-dep n'a pas de liste déroulante")
        return None
    normalized = {}
    for group, variants in solution.items():
        if not _text_list(variants):
            check.error(challenge, f"les variantes du groupe {group} sont une liste de textes non vides")
            return None
        normalized[group] = variants
    return [], inputs, normalized


_CHALLENGE_SHAPES = {
    "QCU": _shape_qcu, "QCM": _shape_qcm, "QROC": _shape_qroc,
    "QROCM-ind": _shape_qrocm_ind, "QROCM-dep": _shape_qrocm_dep,
}


def _parse_target_profiles(check, profiles, parsed, claim, tube_names, tube_levels):
    if not isinstance(profiles, list):
        check.error(profiles, "la liste des profils cibles est attendue")
        return
    for position, profile in enumerate(profiles):
        values = {key: check.require(profile, key) for key in ("id", "name", "category")}
        if None in values.values():
            continue
        if values["category"] not in TARGET_PROFILE_CATEGORIES:
            check.error(profile, f"catégorie « {values['category']} » inconnue")
            continue
        if not claim(profile, values["id"]):
            continue
        capped = []
        for item in check.require(profile, "tubes", list) or []:
            tube, level = check.require(item, "tube"), check.require(item, "level", int)
            if tube is None or level is None:
                continue
            if tube not in tube_names:
                check.error(item, f"sujet « {tube} » inconnu")
                continue
            if not tube_levels.get(tube) or level < tube_levels[tube][0] or level > MAX_LEVEL:
                check.error(item, f"le niveau {level} ne retient aucun acquis du sujet {tube}")
                continue
            capped.append((tube_names[tube], min(level, tube_levels[tube][-1])))
        if len({tube_id for tube_id, _ in capped}) != len(capped):
            check.error(profile, f"un sujet apparaît deux fois dans le profil {values['id']}")
            continue
        max_level = max((level for _, level in capped), default=0)
        stages = _parse_stages(check, profile, max_level)
        badges = _parse_badges(check, profile, claim, values["id"], tube_names, dict(capped))
        parsed.target_profiles.append({
            **values, "description": str(profile.get("description") or "").strip(),
            "is_outdated": bool(profile.get("outdated", False)),
            "are_knowledge_elements_resettable": bool(profile.get("resettable", False)),
            "position": position,
        })
        parsed.capped_tubes.extend(
            {"target_profile_id": values["id"], "tube_id": tube_id, "level": level} for tube_id, level in capped
        )
        parsed.stages.extend({"target_profile_id": values["id"], **stage} for stage in stages)
        parsed.badges.extend(badges)


def _parse_stages(check, profile, max_level):
    """The rules of Pix's stage editor: a zero stage, at most one « premier acquis » stage
    (`first_skill: true`, without value), the others of one kind (thresholds or levels),
    unique values within bounds, a title and a message on each."""
    stages = profile.get("stages") or []
    if not stages:
        return []
    first_skills = [stage for stage in stages if isinstance(stage, dict) and stage.get("first_skill") is True]
    if len(first_skills) > 1:
        check.error(profile, "un seul palier « premier acquis » (first_skill) par parcours")
        return []
    if any("threshold" in stage or "level" in stage for stage in first_skills):
        check.error(first_skills[0], "le palier « premier acquis » n'a ni seuil ni niveau")
        return []
    first_skill_ids = {id(stage) for stage in first_skills}
    valued = [stage for stage in stages if id(stage) not in first_skill_ids]
    kinds = {"threshold" if "threshold" in stage else "level" if "level" in stage else None for stage in valued}
    if None in kinds:
        check.error(profile, "chaque palier a un seuil (threshold) ou un niveau (level)")
        return []
    if len(kinds) > 1:
        check.error(profile, "les paliers sont tous des seuils ou tous des niveaux")
        return []
    kind = kinds.pop()
    values = [stage[kind] for stage in valued]
    if 0 not in values:
        check.error(profile, "La présence du palier zéro est obligatoire.")
        return []
    if len(set(values)) != len(values):
        check.error(profile, "deux paliers ont la même valeur")
        return []
    upper = 100 if kind == "threshold" else max_level
    result = []
    for stage in stages:
        first_skill = id(stage) in first_skill_ids
        value = None if first_skill else stage[kind]
        if not first_skill and (not isinstance(value, int) or not 0 <= value <= upper):
            check.error(stage, f"la valeur du palier doit être comprise entre 0 et {upper}")
            continue
        title, message = check.require(stage, "title"), check.require(stage, "message")
        if title is None or message is None:
            continue
        result.append({
            "threshold": value if kind == "threshold" else None,
            "level": value if kind == "level" else None,
            "is_first_skill": first_skill,
            "title": title, "message": str(message).strip(),
            "prescriber_title": str(stage.get("prescriber_title") or ""),
            "prescriber_description": str(stage.get("prescriber_description") or "").strip(),
        })
    return result


def _parse_badges(check, profile, claim, profile_id, tube_names, capped_levels):
    """Pix's badge editor (badges §1.1): a key, texts, an image with its alternative, and at
    least one criterion, on the whole parcours or on some of its tubes up to a level that the
    parcours reaches. An error names the badge."""
    badges = []
    for position, badge in enumerate(profile.get("badges") or []):
        key = check.require(badge, "key")
        if key is None:
            continue
        if not BADGE_KEY.match(key):
            check.error(badge, f"badge « {key} » : la clé s'écrit en minuscules, chiffres et tirets")
            continue
        if not claim(badge, key):
            continue
        errors_before = len(check.errors)

        def refuse(node, message, key=key):
            check.error(node, f"badge « {key} » : {message}")

        texts = {}
        for name in ("title", "message", "image", "alt"):
            value = badge.get(name)
            if not isinstance(value, str) or not value.strip():
                refuse(badge, f"« {name} » est obligatoire")
            texts[name] = str(value or "").strip()
        if texts["image"] and not (texts["image"].startswith("badges/") and texts["image"].endswith(".svg")):
            refuse(badge, "l'image est un SVG de static/badges/ (badges/<nom>.svg)")
        flags = {}
        for name in ("certifiable", "always_visible"):
            value = badge.get(name, False)
            if not isinstance(value, bool):
                refuse(badge, f"« {name} » vaut true ou false")
            flags[name] = value is True
        criteria = badge.get("criteria") or []
        if not isinstance(criteria, list) or not criteria:
            refuse(badge, "au moins un critère est obligatoire (criteria)")
            criteria = []
        parsed_criteria = [
            criterion for criterion in (
                _parse_criterion(refuse, item, tube_names, capped_levels) for item in criteria
            ) if criterion is not None
        ]
        if len(check.errors) > errors_before:
            continue
        badges.append({
            "key": key, "target_profile_id": profile_id, "title": texts["title"], "message": texts["message"],
            "image_src": texts["image"], "alt_message": texts["alt"], "is_certifiable": flags["certifiable"],
            "is_always_visible": flags["always_visible"], "position": position, "criteria": parsed_criteria,
        })
    return badges


def _parse_criterion(refuse, item, tube_names, capped_levels):
    if not isinstance(item, dict):
        refuse(item, "un critère est un objet (scope, threshold…)")
        return None
    scope, threshold = item.get("scope"), item.get("threshold")
    if scope not in BADGE_SCOPES:
        refuse(item, f"la portée « {scope} » est inconnue (CampaignParticipation ou CappedTubes)")
        return None
    if not isinstance(threshold, int) or isinstance(threshold, bool) or not 0 <= threshold <= 100:
        refuse(item, "le seuil (threshold) d'un critère est un entier de 0 à 100")
        return None
    if scope == "CampaignParticipation":
        return {"scope": scope, "threshold": threshold, "name": "", "capped_tubes": []}
    tubes = item.get("tubes")
    if not isinstance(tubes, list) or not tubes:
        refuse(item, "un critère CappedTubes nomme au moins un sujet (tubes)")
        return None
    capped = []
    for entry in tubes:
        tube, level = (entry.get("tube"), entry.get("level")) if isinstance(entry, dict) else (None, None)
        if tube not in tube_names:
            refuse(item, f"sujet « {tube} » inconnu")
            continue
        tube_id = tube_names[tube]
        if tube_id not in capped_levels:
            refuse(item, f"le sujet « {tube} » n'est pas dans le parcours")
            continue
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= capped_levels[tube_id]:
            refuse(item, f"le niveau {level} du sujet « {tube} » dépasse celui du parcours ({capped_levels[tube_id]})")
            continue
        capped.append({"tube_id": tube_id, "level": level})
    if len(capped) != len(tubes):
        return None
    return {"scope": scope, "threshold": threshold, "name": str(item.get("name") or "").strip(), "capped_tubes": capped}


def _compute_pix_values(parsed: ParsedContent) -> None:
    """8 pix per competence level, shared by the level's skills that have a validated
    challenge: pix = 8 ÷ (such skills of the same competence and level), capped at 4."""
    playable = {c["skill_id"] for c in parsed.challenges if c["status"] == "validé"}
    counts: dict[tuple[str, int], int] = {}
    for skill in parsed.skills:
        if skill["id"] in playable:
            key = (skill["competence_id"], skill["level"])
            counts[key] = counts.get(key, 0) + 1
    for skill in parsed.skills:
        count = counts.get((skill["competence_id"], skill["level"]), 0)
        skill["pix_value"] = min(4.0, 8 / count) if skill["id"] in playable and count else 0.0
