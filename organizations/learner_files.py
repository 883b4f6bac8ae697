"""Reading a school's student base (domain rules §10.5): the SIECLE XML export, as such or in
the zip SIECLE delivers, and the SCO CSV of agricultural schools.

Pure functions over the uploaded bytes. The whole file is validated before anything is
written, and every problem is reported at once with its line, so that the school fixes its
base in one go instead of discovering one error per upload.
"""

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.parsers.expat import errors as expat_errors
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_FILE_SIZE = 20 * 1024 * 1024
MAX_PROBLEMS = 100
ZIP_READ_CHUNK = 1024 * 1024

FRANCE_SIECLE = "100"
FRANCE_INSEE = "99100"
SIECLE_SEXES = {"1": "M", "2": "F"}
CSV_SEXES = {"M": "M", "F": "F", "1": "M", "2": "F"}
STATUSES = frozenset({"ST", "AP"})
INACTIVE_DIVISION = "INACTIFS"
# The column sizes of OrganizationLearner: a longer value is the school's to fix, reported
# with its line, rather than an import that fails while writing.
MAX_LENGTHS = {
    "national_student_id": 20, "first_name": 255, "middle_name": 255, "third_name": 255, "last_name": 255,
    "preferred_last_name": 255, "birth_city": 255, "birth_city_code": 20, "birth_province_code": 20,
    "birth_country_code": 20, "mef_code": 20, "status": 2, "division": 255,
}

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# Characters no name, date or code holds: a binary file, or a text file damaged on the way (a
# NUL cannot even be stored by PostgreSQL). Tabs and line ends are text.
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# How an XML file in UTF-16 or UTF-32 starts (with or without a byte order mark): NUL bytes
# are its own, expat reads it.
_WIDE_XML_STARTS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE,
                    b"<\x00?\x00", b"\x00<\x00?")
_INSEE_COUNTRY = re.compile(r"99\d{3}")
# Invisible characters that spreadsheets and copy-pastes leave in names; Python's split()
# already takes care of every Unicode space, the non-breaking ones included.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


@dataclass(frozen=True, slots=True)
class LearnerRow:
    national_student_id: str
    first_name: str
    middle_name: str
    third_name: str
    last_name: str
    preferred_last_name: str
    sex: str
    birthdate: datetime.date
    birth_city: str
    birth_city_code: str
    birth_province_code: str
    birth_country_code: str
    mef_code: str
    status: str
    division: str
    line: int


@dataclass(frozen=True, slots=True)
class FileProblem:
    code: str
    message: str
    line: int | None = None


class LearnerFileError(Exception):
    def __init__(self, problems: list[FileProblem]):
        super().__init__(" ".join(problem.message for problem in problems[:3]))
        self.problems = problems


class _Refused(Exception):
    """The file is refused as a whole before its students are looked at: one problem says why
    (several only for the missing CSV columns); the students' problems would be noise."""

    def __init__(self, *problems: FileProblem):
        super().__init__(problems[0].message)
        self.problems = list(problems)


def parse_learner_file(filename: str, data: bytes, *, expected_uai: str) -> list[LearnerRow]:
    """The students of the file, or LearnerFileError with every problem found, in file order
    (at most MAX_PROBLEMS, then a notice that there are more)."""
    try:
        extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
        if extension not in {".xml", ".zip", ".csv"}:
            raise _Refused(FileProblem("BAD_EXTENSION", _(
                "Format de fichier non pris en charge : importez un fichier .xml ou .zip (export SIECLE) "
                "ou .csv."
            )))
        if len(data) > MAX_FILE_SIZE:
            raise _Refused(FileProblem(
                "FILE_TOO_LARGE", _("Le fichier dépasse la taille maximale autorisée (20 Mo).")
            ))
        if extension == ".csv":
            rows, problems = _parse_csv(data)
        else:
            rows, problems = _parse_siecle(_xml_from_zip(data) if extension == ".zip" else data, expected_uai)
    except _Refused as refusal:
        raise LearnerFileError(refusal.problems) from None
    if problems:
        raise LearnerFileError(problems)
    return rows


def _no_student() -> _Refused:
    return _Refused(FileProblem("NO_STUDENT", _("Aucun élève n’a été trouvé dans le fichier.")))


def _clean(value: str) -> str:
    if value.isascii():
        return " ".join(value.split())
    # NFC so that a name typed on a Mac (decomposed accents) equals the same name from SIECLE;
    # NFC, unlike NFKC, keeps ligatures such as "œ" as they are.
    return unicodedata.normalize("NFC", " ".join(value.translate(_INVISIBLE).split()))


def _parse_date(text: str) -> datetime.date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    if year < 1900:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class _Problems:
    def __init__(self):
        self.items: list[FileProblem] = []
        self.count = 0

    def add(self, code: str, message: str, line: int) -> None:
        self.count += 1
        if self.count <= MAX_PROBLEMS:
            self.items.append(FileProblem(code, message, line))

    def result(self) -> list[FileProblem]:
        if self.count <= MAX_PROBLEMS:
            return self.items
        return [*self.items, FileProblem("TOO_MANY_PROBLEMS", _(
            "Le fichier contient trop d’erreurs : seules les %(count)s premières sont affichées."
        ) % {"count": MAX_PROBLEMS})]


def _required(label) -> str:
    return _("Le champ “%(field)s” est obligatoire.") % {"field": label}


def _duplicated(line: int, ine: str) -> str:
    return _("Ligne %(line)s : L’INE %(ine)s est présent plusieurs fois dans le fichier.") % {
        "line": line, "ine": ine,
    }


def _check_common(value: dict[str, str], labels, report) -> datetime.date | None:
    """The rules both formats share (names, birthdate, lengths); the birthdate if valid."""
    for field in ("first_name", "last_name"):
        if not value[field]:
            report("FIELD_REQUIRED", _required(labels[field]))
    birthdate = _parse_date(value["birthdate"])
    if not value["birthdate"]:
        report("FIELD_REQUIRED", _required(labels["birthdate"]))
    elif birthdate is None:
        report("DATE_FORMAT", _("Le champ “%(field)s” doit être une date valide au format jj/mm/aaaa.") % {
            "field": labels["birthdate"],
        })
    for field, length in MAX_LENGTHS.items():
        if len(value[field]) > length:
            report("FIELD_TOO_LONG", _("Le champ “%(field)s” ne doit pas dépasser %(length)s caractères.") % {
                "field": labels[field], "length": length,
            })
    return birthdate


# ---------------------------------------------------------------------------------------------
# Zip

def _xml_from_zip(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            member = next((info for info in archive.infolist() if _is_xml_member(info)), None)
            if member is None:
                raise _Refused(FileProblem("ZIP_WITHOUT_XML", _(
                    "L’archive .zip ne contient aucun fichier .xml : importez l’archive telle que SIECLE "
                    "l’a produite, ou le fichier .xml qu’elle contient."
                )))
            return _read_capped(archive, member)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        raise _Refused(FileProblem("ZIP_INVALID", _(
            "L’archive .zip est illisible : vérifiez qu’elle n’est pas endommagée ni protégée par un mot "
            "de passe."
        ))) from None


def _is_xml_member(info: zipfile.ZipInfo) -> bool:
    path = PurePosixPath(info.filename)
    return (
        not info.is_dir() and path.suffix.lower() == ".xml"
        and "__MACOSX" not in path.parts and not path.name.startswith("._")
    )


def _read_capped(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    # The sizes in the archive's headers are whatever its author wrote: a zip bomb declares
    # a small file. Only the bytes actually inflated are counted.
    chunks, total = [], 0
    with archive.open(member) as stream:
        while chunk := stream.read(ZIP_READ_CHUNK):
            total += len(chunk)
            if total > MAX_FILE_SIZE:
                raise _Refused(FileProblem("FILE_TOO_LARGE", _(
                    "Le fichier XML contenu dans l’archive dépasse la taille maximale autorisée (20 Mo)."
                )))
            chunks.append(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------
# SIECLE XML

# (LearnerRow field, SIECLE element, label in messages)
SIECLE_FIELDS = (
    ("national_student_id", "ID_NATIONAL", gettext_lazy("INE")),
    ("first_name", "PRENOM", gettext_lazy("Prénom")),
    ("middle_name", "PRENOM2", gettext_lazy("Deuxième prénom")),
    ("third_name", "PRENOM3", gettext_lazy("Troisième prénom")),
    ("last_name", "NOM_DE_FAMILLE", gettext_lazy("Nom de famille")),
    ("preferred_last_name", "NOM_USAGE", gettext_lazy("Nom d’usage")),
    ("sex", "CODE_SEXE", gettext_lazy("Sexe")),
    ("birthdate", "DATE_NAISS", gettext_lazy("Date de naissance")),
    ("birth_city", "VILLE_NAISS", gettext_lazy("Commune de naissance")),
    ("birth_city_code", "CODE_COMMUNE_INSEE_NAISS", gettext_lazy("Code commune de naissance")),
    ("birth_province_code", "CODE_DEPARTEMENT_NAISS", gettext_lazy("Code département de naissance")),
    ("birth_country_code", "CODE_PAYS", gettext_lazy("Code pays de naissance")),
    ("mef_code", "CODE_MEF", gettext_lazy("Code MEF")),
    ("status", "CODE_STATUT", gettext_lazy("Statut")),
)
_SIECLE_LABELS = {field: label for field, _element, label in SIECLE_FIELDS} | {
    "division": gettext_lazy("Division"),
}
_STUDENT_ELEMENTS = frozenset(element for _field, element, _label in SIECLE_FIELDS) | {"DATE_SORTIE"}
_STRUCTURE_ELEMENTS = frozenset({"CODE_STRUCTURE", "TYPE_STRUCTURE"})
_ENCODING_ERRORS = frozenset({
    expat_errors.XML_ERROR_UNKNOWN_ENCODING, expat_errors.XML_ERROR_INCORRECT_ENCODING,
})


class _SiecleHandler(ContentHandler):
    """Streams the export: the students (ELEVES) come before their classes (STRUCTURES), so
    each student is kept as a small dict of raw values and joined to his class at the end.
    Only the direct children of ELEVE are read: SIECLE also nests last year's values
    (SCOLARITE_AN_DERNIER/CODE_MEF), which must not overwrite this year's."""

    def __init__(self, expected_uai: str):
        super().__init__()
        self.students: list[dict[str, str | int]] = []
        self.divisions: dict[str, str] = {}
        self._expected_uai = expected_uai.strip().upper()
        self._uai: str | None = None
        self._uai_checked = False
        self._open: list[str] = []
        self._text: list[str] | None = None
        self._student: dict[str, str | int] | None = None
        self._structure: dict[str, str] | None = None
        self._structure_owner = ""

    def startElement(self, name, attrs):
        parent = self._open[-1] if self._open else None
        self._open.append(name)
        # Text is read only from leaves: an element with children is not a value.
        self._text = None
        if parent == "ELEVE":
            if self._student is not None and name in _STUDENT_ELEMENTS:
                self._text = []
        elif parent == "STRUCTURE":
            if self._structure is not None and name in _STRUCTURE_ELEMENTS:
                self._text = []
        elif name == "ELEVE" and parent == "ELEVES":
            self._check_uai()
            self._student = {"line": self._locator.getLineNumber(), "id": attrs.get("ELEVE_ID", "")}
        elif name == "STRUCTURE" and parent == "STRUCTURES_ELEVE":
            self._structure = {}
        elif name == "STRUCTURES_ELEVE":
            self._check_uai()
            self._structure_owner = attrs.get("ELEVE_ID", "")
        elif name == "UAJ" and parent == "PARAMETRES":
            self._text = []
        elif parent is None and name != "BEE_ELEVES":
            raise _Refused(FileProblem("XML_NOT_SIECLE", _(
                "Ce fichier XML n’est pas un export SIECLE de la base élèves : importez le fichier "
                "ElevesSansAdresses téléchargé depuis SIECLE."
            )))

    def characters(self, content):
        if self._text is not None:
            self._text.append(content)

    def endElement(self, name):
        self._open.pop()
        text, self._text = self._text, None
        if text is not None:
            parent = self._open[-1]
            if parent == "ELEVE":
                self._student[name] = "".join(text)
            elif parent == "STRUCTURE":
                self._structure[name] = "".join(text)
            else:
                self._uai = _clean("".join(text))
                self._check_uai()
        elif name == "ELEVE" and self._student is not None:
            student, self._student = self._student, None
            if _clean(student.get("ID_NATIONAL", "")) and not _clean(student.get("DATE_SORTIE", "")):
                self.students.append(student)
        elif name == "STRUCTURE" and self._structure is not None:
            structure, self._structure = self._structure, None
            code = _clean(structure.get("CODE_STRUCTURE", ""))
            if (
                self._structure_owner and code and code.upper() != INACTIVE_DIVISION
                and _clean(structure.get("TYPE_STRUCTURE", "")).upper() == "D"
            ):
                self.divisions.setdefault(self._structure_owner, code)

    def endDocument(self):
        self._check_uai()

    def _check_uai(self):
        if self._uai_checked:
            return
        if self._uai is None or self._uai.upper() != self._expected_uai:
            raise _Refused(FileProblem("UAI_MISMATCHED", _(
                "L’UAI du fichier SIECLE ne correspond pas à celui de votre établissement. "
                "Vérifiez que vous importez le bon fichier."
            )))
        self._uai_checked = True


def _parse_siecle(data: bytes, expected_uai: str) -> tuple[list[LearnerRow], list[FileProblem]]:
    if not data.strip():
        raise _no_student()
    nul = data.find(b"\x00")
    if nul >= 0 and not data.startswith(_WIDE_XML_STARTS):
        line = data.count(b"\n", 0, nul) + 1
        raise _Refused(FileProblem("UNREADABLE", _(
            "Le fichier XML contient des caractères illisibles (ligne %(line)s) : il a été endommagé ou "
            "n’est pas un export SIECLE. Importez l’export SIECLE sans le modifier."
        ) % {"line": line}, line))
    handler = _SiecleHandler(expected_uai)
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler)
    try:
        parser.parse(io.BytesIO(data))
    except DefusedXmlException:
        # No SIECLE export has a DOCTYPE; refusing any spares us entity expansion and fetches.
        raise _Refused(FileProblem("XML_UNSAFE", _(
            "Le fichier XML contient une déclaration DOCTYPE ou des entités, refusées par sécurité : "
            "importez l’export SIECLE sans le modifier."
        ))) from None
    except LookupError:
        # Raised by Python's codec lookup, to which expat defers the encodings it lacks.
        raise _bad_xml_encoding() from None
    except SAXParseException as error:
        line = error.getLineNumber()
        if error.getMessage() in _ENCODING_ERRORS:
            raise _bad_xml_encoding() from None
        raise _Refused(FileProblem("XML_MALFORMED", _(
            "Le fichier XML est mal formé (ligne %(line)s) : vérifiez qu’il s’agit bien de l’export "
            "SIECLE complet."
        ) % {"line": line}, line)) from None
    return _siecle_rows(handler.students, handler.divisions)


def _bad_xml_encoding() -> _Refused:
    return _Refused(FileProblem("BAD_ENCODING", _(
        "L’encodage du fichier XML n’est pas reconnu : importez l’export SIECLE sans le modifier."
    )))


def _siecle_rows(students, divisions) -> tuple[list[LearnerRow], list[FileProblem]]:
    rows, problems, seen = [], _Problems(), set()
    for student in students:
        division = divisions.get(student["id"]) if student["id"] else None
        if division is None:
            continue
        line = student["line"]
        value = {field: _clean(student.get(element, "")) for field, element, _label in SIECLE_FIELDS}
        value["division"] = division
        ine = value["national_student_id"] = value["national_student_id"].upper()

        def report(code, problem, line=line, ine=ine):
            # An XML file cannot be opened in a spreadsheet: the INE is what the school can
            # look up in SIECLE to fix the student, the line is a bonus.
            problems.add(code, _("Ligne %(line)s (INE %(ine)s) : %(problem)s") % {
                "line": line, "ine": ine, "problem": problem,
            }, line)

        found = problems.count
        if ine in seen:
            problems.add("INE_DUPLICATED", _duplicated(line, ine), line)
        seen.add(ine)
        birthdate = _check_common(value, _SIECLE_LABELS, report)
        sex = SIECLE_SEXES.get(value["sex"])
        if not value["sex"]:
            report("FIELD_REQUIRED", _required(_SIECLE_LABELS["sex"]))
        elif sex is None:
            report("SEX_CODE", _("Le champ “%(field)s” doit valoir 1 (masculin) ou 2 (féminin).") % {
                "field": _SIECLE_LABELS["sex"],
            })
        if value["birth_country_code"] == FRANCE_SIECLE and not value["birth_city_code"]:
            report("FIELD_REQUIRED", _required(_SIECLE_LABELS["birth_city_code"]))
        if problems.count > found:
            continue
        rows.append(_row(value, sex=sex, birthdate=birthdate, line=line))
    if not rows and not problems.count:
        raise _no_student()
    return rows, problems.result()


def _row(value: dict[str, str], **parsed) -> LearnerRow:
    return LearnerRow(
        national_student_id=value["national_student_id"], first_name=value["first_name"],
        middle_name=value["middle_name"], third_name=value["third_name"], last_name=value["last_name"],
        preferred_last_name=value["preferred_last_name"], birth_city=value["birth_city"],
        birth_city_code=value["birth_city_code"].upper(),
        birth_province_code=value["birth_province_code"].upper(),
        birth_country_code=value["birth_country_code"], mef_code=value["mef_code"],
        status=value["status"].upper(), division=value["division"], **parsed,
    )


# ---------------------------------------------------------------------------------------------
# SCO CSV

# (header as in the file, LearnerRow field). "*": required; "**": the column is required, its
# value only in one case (city code for students born in France, city name for the others).
CSV_COLUMNS = (
    ("Identifiant unique*", "national_student_id"),
    ("Premier prénom*", "first_name"),
    ("Deuxième prénom", "middle_name"),
    ("Troisième prénom", "third_name"),
    ("Nom de famille*", "last_name"),
    ("Nom d'usage", "preferred_last_name"),
    ("Code sexe*", "sex"),
    ("Date de naissance (jj/mm/aaaa)*", "birthdate"),
    ("Code commune naissance**", "birth_city_code"),
    ("Libellé commune naissance**", "birth_city"),
    ("Code département naissance*", "birth_province_code"),
    ("Code pays naissance*", "birth_country_code"),
    ("Statut*", "status"),
    ("Code MEF*", "mef_code"),
    ("Division*", "division"),
)
# The file's own column names, not translated: they are what the school sees in its file.
_CSV_LABELS = {field: header.rstrip("*") for header, field in CSV_COLUMNS}
# Names and birthdate are checked with the XML's rules.
_CSV_VALUE_REQUIRED = tuple(
    field for header, field in CSV_COLUMNS
    if header.endswith("*") and not header.endswith("**")
    and field not in {"first_name", "last_name", "birthdate"}
)


def _csv_header_key(header: str) -> str:
    # Spreadsheets turn the apostrophe of "Nom d'usage" into a typographic one.
    return _clean(header).replace("’", "'")


def _decode_csv(data: bytes) -> str:
    text = _decode_csv_bytes(data)
    unreadable = _UNREADABLE.search(text)
    if unreadable is not None:
        line = text.count("\n", 0, unreadable.start()) + 1
        raise _Refused(FileProblem("UNREADABLE", _(
            "Le fichier contient des caractères illisibles (ligne %(line)s) : ce n’est pas un fichier CSV "
            "enregistré comme du texte. Enregistrez-le au format “CSV UTF-8” puis importez-le à nouveau."
        ) % {"line": line}, line))
    return text


def _decode_csv_bytes(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Texte Unicode".
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel on Windows saves "CSV (séparateur : point-virgule)" in Windows-1252.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _Refused(FileProblem("BAD_ENCODING", _(
            "L’encodage du fichier n’est pas reconnu : enregistrez-le au format “CSV UTF-8” puis "
            "importez-le à nouveau."
        ))) from None


def _parse_csv(data: bytes) -> tuple[list[LearnerRow], list[FileProblem]]:
    text = _decode_csv(data)
    if not text.strip():
        raise _no_student()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        columns = _csv_columns(next(reader))
        return _csv_rows(reader, columns)
    except csv.Error:
        line = reader.line_num
        raise _Refused(FileProblem("CSV_MALFORMED", _(
            "Le fichier CSV est mal formé (ligne %(line)s) : vérifiez qu’il a bien été enregistré "
            "au format CSV."
        ) % {"line": line}, line)) from None


def _csv_columns(header: list[str]) -> dict[str, int]:
    """The position of each known column (LearnerRow field → index); unknown columns are ignored."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(_csv_header_key(name), index)
    missing = [
        name for name, _field in CSV_COLUMNS if name.endswith("*") and _csv_header_key(name) not in positions
    ]
    if missing and len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        raise _Refused(FileProblem("CSV_SEPARATOR", _(
            "Les colonnes du fichier doivent être séparées par des points-virgules (;) : "
            "enregistrez-le au format “CSV (séparateur : point-virgule)”."
        ), 1))
    if missing:
        raise _Refused(*(
            FileProblem(
                "HEADER_MISSING",
                _("La colonne “%(name)s” est obligatoire dans le fichier.") % {"name": name},
                1,
            )
            for name in missing
        ))
    return {
        field: positions[_csv_header_key(name)]
        for name, field in CSV_COLUMNS if _csv_header_key(name) in positions
    }


def _csv_rows(reader, columns: dict[str, int]) -> tuple[list[LearnerRow], list[FileProblem]]:
    rows, problems, seen = [], _Problems(), set()
    previous_end = reader.line_num
    for record in reader:
        # A quoted value may span several lines: a student starts right after the previous one.
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        value = {
            field: _clean(record[columns[field]]) if field in columns and columns[field] < len(record) else ""
            for _header, field in CSV_COLUMNS
        }
        ine = value["national_student_id"] = value["national_student_id"].upper()

        def report(code, problem, line=line):
            problems.add(code, _("Ligne %(line)s : %(problem)s") % {"line": line, "problem": problem}, line)

        found = problems.count
        if ine and ine in seen:
            problems.add("INE_DUPLICATED", _duplicated(line, ine), line)
        seen.add(ine)
        for field in _CSV_VALUE_REQUIRED:
            if not value[field]:
                report("FIELD_REQUIRED", _required(_CSV_LABELS[field]))
        birthdate = _check_common(value, _CSV_LABELS, report)
        sex = CSV_SEXES.get(value["sex"].upper())
        if value["sex"] and sex is None:
            report("SEX_CODE", _("Le champ “%(field)s” doit valoir M ou F.") % {"field": _CSV_LABELS["sex"]})
        status = value["status"] = value["status"].upper()
        if status and status not in STATUSES:
            report("STATUS_CODE", _("Le champ “%(field)s” doit valoir ST ou AP.") % {
                "field": _CSV_LABELS["status"],
            })
        country = value["birth_country_code"]
        if country and not _INSEE_COUNTRY.fullmatch(country):
            report("COUNTRY_CODE_FORMAT", _(
                "Le champ “%(field)s” doit compter 5 chiffres commençant par 99 (99100 pour la France)."
            ) % {"field": _CSV_LABELS["birth_country_code"]})
        elif country == FRANCE_INSEE and not value["birth_city_code"]:
            report("FIELD_REQUIRED", _required(_CSV_LABELS["birth_city_code"]))
        elif country and country != FRANCE_INSEE and not value["birth_city"]:
            report("FIELD_REQUIRED", _required(_CSV_LABELS["birth_city"]))
        if problems.count > found:
            continue
        # Stored as SIECLE writes it ("100" for France), whichever file the student came from.
        value["birth_country_code"] = country[2:]
        rows.append(_row(value, sex=sex, birthdate=birthdate, line=line))
    if not rows and not problems.count:
        raise _no_student()
    return rows, problems.result()
