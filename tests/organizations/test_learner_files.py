import dataclasses
import io
import urllib.request
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo.siecle import SiecleStudent, generated_students, siecle_xml
from organizations.learner_files import (
    MAX_FILE_SIZE,
    MAX_PROBLEMS,
    FileProblem,
    LearnerFileError,
    LearnerRow,
    parse_learner_file,
)

# The real-format samples of 1024pix/pix; their README.md says what each must give.
# Copies of ../shared/data/siecle (the public fixtures of 1024pix/pix), README included.
SAMPLES = Path(__file__).parent / "siecle"
UAI = "123ABC"


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def refused(filename: str, data: bytes) -> list[FileProblem]:
    with pytest.raises(LearnerFileError) as caught:
        parse_learner_file(filename, data, expected_uai=UAI)
    return caught.value.problems


def read(filename: str, data: bytes) -> list[LearnerRow]:
    return parse_learner_file(filename, data, expected_uai=UAI)


def codes(filename: str, data: bytes) -> list[str]:
    return [problem.code for problem in refused(filename, data)]


def student(**changes) -> SiecleStudent:
    return SiecleStudent(**{
        "ine": "0123456789A", "first_name": "Léa", "last_name": "Le Goff", "birthdate": date(2011, 3, 7),
        "division": "4A", **changes,
    })


def line_of(data: bytes, needle: bytes) -> int:
    return data[:data.index(needle)].count(b"\n") + 1


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


CSV_VALUES = {
    "Identifiant unique*": "0123456789A",
    "Premier prénom*": "Léa",
    "Deuxième prénom": "",
    "Troisième prénom": "",
    "Nom de famille*": "Le Goff",
    "Nom d'usage": "",
    "Code sexe*": "F",
    "Date de naissance (jj/mm/aaaa)*": "07/03/2011",
    "Code commune naissance**": "29019",
    "Libellé commune naissance**": "",
    "Code département naissance*": "29",
    "Code pays naissance*": "99100",
    "Statut*": "ST",
    "Code MEF*": "10010012110",
    "Division*": "4A",
}


def csv_file(*rows: dict, columns=tuple(CSV_VALUES), encoding="utf-8") -> bytes:
    lines = [";".join(columns)]
    lines += [";".join({**CSV_VALUES, **row}[column] for column in columns) for row in rows]
    return "\r\n".join(lines).encode(encoding)


SAMPLE_ROWS = [
    LearnerRow(
        national_student_id="00000000123", first_name="Luciole", middle_name="Léa", third_name="Lucy",
        last_name="HANDMADE", preferred_last_name="", sex="F", birthdate=date(1994, 12, 31), birth_city="",
        birth_city_code="33318", birth_province_code="033", birth_country_code="100", mef_code="123456789",
        status="AP", division="4A", line=8,
    ),
    LearnerRow(
        national_student_id="00000000124", first_name="Harry", middle_name="Cocœ", third_name="",
        last_name="COVERT", preferred_last_name="COJAUNE", sex="M", birthdate=date(1994, 7, 1),
        birth_city="LONDRES", birth_city_code="", birth_province_code="", birth_country_code="132",
        mef_code="12341234", status="ST", division="4A", line=23,
    ),
]


# --- The samples -------------------------------------------------------------------------------

def test_the_two_students_of_the_sample_are_read_in_their_division_not_their_group():
    assert read("siecle-two-valid-students.xml", sample("siecle-two-valid-students.xml")) == SAMPLE_ROWS


def test_the_uai_is_compared_without_case_or_surrounding_spaces():
    rows = parse_learner_file("eleves.xml", sample("siecle-two-valid-students.xml"), expected_uai=" 123abc ")

    assert len(rows) == 2


def test_a_file_with_the_same_ine_twice_is_refused():
    problems = refused("siecle-duplicate-ine.xml", sample("siecle-duplicate-ine.xml"))

    assert FileProblem(
        "INE_DUPLICATED", "Ligne 24 : L’INE 00000000123 est présent plusieurs fois dans le fichier.", 24,
    ) in problems


def test_the_file_of_another_school_is_refused_with_that_reason_only():
    assert refused("siecle-wrong-uai.xml", sample("siecle-wrong-uai.xml")) == [FileProblem(
        "UAI_MISMATCHED",
        "L’UAI du fichier SIECLE ne correspond pas à celui de votre établissement. "
        "Vérifiez que vous importez le bon fichier.",
    )]


def test_a_truncated_file_is_refused_with_the_line_where_it_breaks():
    assert refused("siecle-broken.xml", sample("siecle-broken.xml")) == [FileProblem(
        "XML_MALFORMED",
        "Le fichier XML est mal formé (ligne 5) : vérifiez qu’il s’agit bien de l’export SIECLE complet.", 5,
    )]


def test_the_two_students_of_the_csv_sample_are_read():
    rows = read("sco.csv", sample("sco-csv-two-valid-students.csv"))

    assert rows == [
        LearnerRow(
            national_student_id="4581234567F", first_name="Léa", middle_name="Jeannette", third_name="Klervi",
            last_name="Corse", preferred_last_name="Cottonmouth", sex="M", birthdate=date(1990, 1, 1),
            birth_city="", birth_city_code="2A214", birth_province_code="2A", birth_country_code="100",
            mef_code="MEF1", status="AP", division="Division 2", line=2,
        ),
        LearnerRow(
            national_student_id="4581234567G", first_name="Léo", middle_name="", third_name="",
            last_name="Corse", preferred_last_name="", sex="F", birthdate=date(1990, 1, 1),
            birth_city="Plymouth", birth_city_code="", birth_province_code="99", birth_country_code="132",
            mef_code="MEF1", status="ST", division="Division 1", line=3,
        ),
    ]


# --- Kinds of file -----------------------------------------------------------------------------

def test_the_zip_delivered_by_siecle_is_read_like_its_xml():
    archive = zipped(
        ("ElevesSansAdresses/", b""),
        ("__MACOSX/._ElevesSansAdresses.xml", b"\x00\x05\x16\x07"),
        ("lisez-moi.txt", b"..."),
        ("ElevesSansAdresses/ElevesSansAdresses.xml", sample("siecle-two-valid-students.xml")),
    )

    assert read("ElevesSansAdresses.zip", archive) == SAMPLE_ROWS


def test_a_zip_without_xml_is_refused():
    problems = refused("eleves.zip", zipped(("eleves.csv", sample("sco-csv-two-valid-students.csv"))))

    assert [problem.code for problem in problems] == ["ZIP_WITHOUT_XML"]


def test_a_damaged_zip_is_refused():
    assert codes("eleves.zip", b"PK\x03\x04 pas une archive") == ["ZIP_INVALID"]


def test_a_zip_bomb_is_refused_without_inflating_it_all():
    archive = zipped(("ElevesSansAdresses.xml", b" " * (MAX_FILE_SIZE + 1)))
    assert len(archive) < MAX_FILE_SIZE // 100

    assert refused("eleves.zip", archive) == [FileProblem(
        "FILE_TOO_LARGE",
        "Le fichier XML contenu dans l’archive dépasse la taille maximale autorisée (20 Mo).",
    )]


@pytest.mark.parametrize("filename", ["eleves.pdf", "eleves.xlsx", "eleves", "eleves.xml.exe", ".xml.txt"])
def test_other_kinds_of_file_are_refused(filename):
    assert refused(filename, sample("siecle-two-valid-students.xml")) == [FileProblem(
        "BAD_EXTENSION",
        "Format de fichier non pris en charge : importez un fichier .xml ou .zip (export SIECLE) ou .csv.",
    )]


@pytest.mark.parametrize("filename", ["ELEVES.XML", "C:\\Users\\sco\\Eleves.Xml", "export.siecle.xml"])
def test_the_extension_is_read_without_case_from_the_file_name(filename):
    assert len(read(filename, sample("siecle-two-valid-students.xml"))) == 2


@pytest.mark.parametrize("filename", ["eleves.xml", "eleves.zip", "eleves.csv"])
def test_a_file_over_20_mb_is_refused(filename):
    assert refused(filename, b" " * (MAX_FILE_SIZE + 1)) == [FileProblem(
        "FILE_TOO_LARGE", "Le fichier dépasse la taille maximale autorisée (20 Mo).",
    )]


@pytest.mark.parametrize(("filename", "data"), [
    ("eleves.xml", b""),
    ("eleves.csv", b""),
    ("eleves.csv", ";".join(column for column in CSV_VALUES if "*" in column).encode() + b"\n;;\n"),
    ("eleves.xml", siecle_xml(UAI, [])),
    ("eleves.xml", siecle_xml(UAI, [student(division="")])),
])
def test_a_file_without_any_student_is_refused(filename, data):
    assert refused(filename, data) == [
        FileProblem("NO_STUDENT", "Aucun élève n’a été trouvé dans le fichier."),
    ]


# --- SIECLE rules ------------------------------------------------------------------------------

def test_students_who_left_the_school_or_have_no_ine_are_skipped():
    data = siecle_xml(UAI, [
        student(ine="0000000001A", first_name="Reste"),
        student(ine="0000000002B", first_name="Parti", left_on=date(2024, 2, 1)),
        student(ine="", first_name="Sans INE"),
    ])

    assert [row.first_name for row in read("eleves.xml", data)] == ["Reste"]


@pytest.mark.parametrize("division", ["", "Inactifs", " INACTIFS "])
def test_students_without_a_division_are_dropped_with_their_problems(division):
    data = siecle_xml(UAI, [
        student(ine="0000000001A", first_name="En classe"),
        student(ine="0000000002B", first_name="", division=division),
        student(ine="0000000001A", first_name="Doublon", division=division),
    ])

    assert [row.first_name for row in read("eleves.xml", data)] == ["En classe"]


def test_a_student_with_only_a_group_and_no_division_is_dropped():
    data = siecle_xml(UAI, [student(ine="0000000001A"), student(ine="0000000002B")])
    second = data.index(b'<STRUCTURES_ELEVE ELEVE_ID="1000002"')
    data = data[:second] + data[second:].replace(b"<TYPE_STRUCTURE>D<", b"<TYPE_STRUCTURE>G<")

    rows = read("eleves.xml", data)

    assert [row.national_student_id for row in rows] == ["0000000001A"]


def test_last_years_values_nested_in_a_student_are_ignored():
    data = siecle_xml(UAI, [student(mef_code="10010012110")]).replace(
        b"<CODE_MEF>",
        b"<SCOLARITE_AN_DERNIER><CODE_MEF>99999999999</CODE_MEF></SCOLARITE_AN_DERNIER><CODE_MEF>",
    )

    assert read("eleves.xml", data)[0].mef_code == "10010012110"


def test_odd_spaces_are_removed_and_ligatures_kept():
    data = siecle_xml(UAI, [student(
        first_name="\u00a0Cœur\u200b  de\u00a0Lion\u2009", last_name=" Lecœur\u202f", ine=" 0123456789a ",
    )])

    row = read("eleves.xml", data)[0]

    assert (row.first_name, row.last_name) == ("Cœur de Lion", "Lecœur")
    assert row.national_student_id == "0123456789A"


def test_names_outside_latin_9_survive_as_character_references():
    data = siecle_xml(UAI, [student(last_name="Şahin", first_name="Ľubica")])
    assert b"&#" in data

    row = read("eleves.xml", data)[0]

    assert (row.first_name, row.last_name) == ("Ľubica", "Şahin")


@pytest.mark.parametrize(("changes", "code", "sentence"), [
    ({"first_name": ""}, "FIELD_REQUIRED", "Le champ “Prénom” est obligatoire."),
    ({"last_name": " "}, "FIELD_REQUIRED", "Le champ “Nom de famille” est obligatoire."),
    ({"sex": ""}, "FIELD_REQUIRED", "Le champ “Sexe” est obligatoire."),
    ({"sex": "3"}, "SEX_CODE", "Le champ “Sexe” doit valoir 1 (masculin) ou 2 (féminin)."),
    ({"birth_city_code": ""}, "FIELD_REQUIRED", "Le champ “Code commune de naissance” est obligatoire."),
    ({"ine": "0123456789ABCDEFGHIJK"}, "FIELD_TOO_LONG",
     "Le champ “INE” ne doit pas dépasser 20 caractères."),
])
def test_a_student_with_a_missing_or_wrong_value_refuses_the_file(changes, code, sentence):
    data = siecle_xml(UAI, [student(ine="0000000001A"), student(**{"ine": "0000000002B", **changes})])
    line = line_of(data, b'ELEVE_ID="1000002"')
    ine = changes.get("ine", "0000000002B")

    assert refused("eleves.xml", data) == [FileProblem(code, f"Ligne {line} (INE {ine}) : {sentence}", line)]


WRONG_DATE = "Le champ “Date de naissance” doit être une date valide au format jj/mm/aaaa."


@pytest.mark.parametrize(("written", "code", "sentence"), [
    (b"", "FIELD_REQUIRED", "Le champ “Date de naissance” est obligatoire."),
    (b"31/02/2011", "DATE_FORMAT", WRONG_DATE),
    (b"2011-03-07", "DATE_FORMAT", WRONG_DATE),
    (b"07/03/0011", "DATE_FORMAT", WRONG_DATE),
])
def test_a_student_without_a_valid_birthdate_refuses_the_file(written, code, sentence):
    data = siecle_xml(UAI, [student()]).replace(b"<DATE_NAISS>07/03/2011<", b"<DATE_NAISS>" + written + b"<")
    line = line_of(data, b"<ELEVE ")

    assert refused("eleves.xml", data) == [
        FileProblem(code, f"Ligne {line} (INE 0123456789A) : {sentence}", line),
    ]


def test_a_student_born_abroad_needs_no_city_code():
    data = siecle_xml(UAI, [student(birth_country_code="132", birth_city_code="", birth_city="LONDRES")])

    row = read("eleves.xml", data)[0]

    assert (row.birth_country_code, row.birth_city, row.birth_city_code) == ("132", "LONDRES", "")


def test_every_problem_of_the_file_is_reported_in_file_order():
    data = siecle_xml(UAI, [
        student(ine="0000000001A", first_name=""),
        student(ine="0000000002B"),
        student(ine="0000000001A", sex=""),
    ])
    first, third = line_of(data, b'ELEVE_ID="1000001"'), line_of(data, b'ELEVE_ID="1000003"')

    assert [(problem.code, problem.line) for problem in refused("eleves.xml", data)] == [
        ("FIELD_REQUIRED", first), ("INE_DUPLICATED", third), ("FIELD_REQUIRED", third),
    ]


def test_the_problems_of_a_very_bad_file_are_capped():
    data = siecle_xml(UAI, [student(ine=f"{number:010d}A", first_name="") for number in range(150)])

    problems = refused("eleves.xml", data)

    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == FileProblem(
        "TOO_MANY_PROBLEMS", "Le fichier contient trop d’erreurs : seules les 100 premières sont affichées.",
    )


def test_an_xml_file_that_is_not_a_siecle_export_is_refused():
    problems = refused("eleves.xml", b'<?xml version="1.0"?><ONDE><ELEVES/></ONDE>')

    assert [problem.code for problem in problems] == ["XML_NOT_SIECLE"]


def test_an_xml_without_uai_is_refused_as_another_schools():
    data = siecle_xml(UAI, [student()]).replace(b"<UAJ>123ABC</UAJ>", b"")

    assert codes("eleves.xml", data) == ["UAI_MISMATCHED"]


def test_an_unknown_encoding_is_refused():
    data = siecle_xml(UAI, [student()]).replace(b"ISO-8859-15", b"X-KLINGON")

    assert codes("eleves.xml", data) == ["BAD_ENCODING"]


EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="ISO-8859-15"?>
<!DOCTYPE BEE_ELEVES [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://127.0.0.1:9/x">]>
<BEE_ELEVES><PARAMETRES><UAJ>123ABC</UAJ></PARAMETRES><DONNEES><ELEVES>
<ELEVE ELEVE_ID="1"><ID_NATIONAL>0123456789A</ID_NATIONAL>
<PRENOM>&secret;</PRENOM><NOM_DE_FAMILLE>&remote;</NOM_DE_FAMILLE></ELEVE></ELEVES></DONNEES></BEE_ELEVES>
"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE BEE_ELEVES [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<BEE_ELEVES><PARAMETRES><UAJ>&lol9;</UAJ></PARAMETRES></BEE_ELEVES>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE BEE_ELEVES SYSTEM "http://127.0.0.1:9/siecle.dtd">
<BEE_ELEVES><PARAMETRES><UAJ>123ABC</UAJ></PARAMETRES></BEE_ELEVES>
"""


@pytest.mark.parametrize("data", [EXTERNAL_ENTITY, BILLION_LAUGHS, EXTERNAL_DTD],
                         ids=["external-entity", "billion-laughs", "external-dtd"])
def test_an_xml_with_a_doctype_is_refused_without_expanding_or_fetching_anything(data, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the parser tried to fetch a URL")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)

    problems = refused("eleves.xml", data)

    assert [problem.code for problem in problems] == ["XML_UNSAFE"]
    assert "root:" not in problems[0].message and "lol" not in problems[0].message


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(["siecle-two-valid-students.xml", "sco-csv-two-valid-students.csv"]),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 8), st.binary(max_size=12)), max_size=6,
    ),
)
def test_a_damaged_file_gives_students_or_problems_never_a_crash(name, edits):
    data = bytearray(sample(name))
    for where, removed, inserted in edits:
        start = int(where * len(data))
        data[start:start + removed] = inserted

    try:
        rows = parse_learner_file(name, bytes(data), expected_uai=UAI)
    except LearnerFileError as error:
        assert 1 <= len(error.problems) <= MAX_PROBLEMS + 1
    else:
        assert all(isinstance(row.birthdate, date) and row.sex in {"M", "F"} for row in rows)


def test_a_thousand_generated_students_come_back_as_written():
    students = generated_students(1000, divisions=["6A", "6B", "5A", "4A", "3A"], seed=7)
    data = siecle_xml(UAI, students)

    rows = read("ElevesSansAdresses.xml", data)

    assert len(rows) == 1000
    assert [
        (row.national_student_id, row.first_name, row.middle_name, row.last_name, row.preferred_last_name,
         row.sex, row.birthdate, row.division, row.birth_city, row.birth_city_code, row.birth_country_code,
         row.mef_code, row.status)
        for row in rows
    ] == [
        (student.ine, student.first_name, student.middle_name, student.last_name, student.preferred_last_name,
         student.sex, student.birthdate, student.division, student.birth_city, student.birth_city_code,
         student.birth_country_code, student.mef_code, student.status)
        for student in students
    ]


def test_generated_students_are_the_same_for_the_same_seed_and_plausible():
    students = generated_students(300, divisions=["6A", "6B"], seed=3)

    assert students == generated_students(300, divisions=["6A", "6B"], seed=3)
    assert students != generated_students(300, divisions=["6A", "6B"], seed=4)
    assert len({student.ine for student in students}) == 300
    assert [student.division for student in students[:4]] == ["6A", "6B", "6A", "6B"]
    assert all(2010 <= student.birthdate.year <= 2012 for student in students)
    assert any(student.preferred_last_name for student in students)
    assert any(not "".join(dataclasses.astuple(student)[1:3]).isascii() for student in students)


# --- SCO CSV -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "code", "sentence"), [
    ({"Identifiant unique*": ""}, "FIELD_REQUIRED", "Le champ “Identifiant unique” est obligatoire."),
    ({"Premier prénom*": ""}, "FIELD_REQUIRED", "Le champ “Premier prénom” est obligatoire."),
    ({"Nom de famille*": " "}, "FIELD_REQUIRED", "Le champ “Nom de famille” est obligatoire."),
    ({"Code sexe*": ""}, "FIELD_REQUIRED", "Le champ “Code sexe” est obligatoire."),
    ({"Code sexe*": "X"}, "SEX_CODE", "Le champ “Code sexe” doit valoir M ou F."),
    ({"Date de naissance (jj/mm/aaaa)*": ""}, "FIELD_REQUIRED",
     "Le champ “Date de naissance (jj/mm/aaaa)” est obligatoire."),
    ({"Date de naissance (jj/mm/aaaa)*": "2011-03-07"}, "DATE_FORMAT",
     "Le champ “Date de naissance (jj/mm/aaaa)” doit être une date valide au format jj/mm/aaaa."),
    ({"Code commune naissance**": ""}, "FIELD_REQUIRED",
     "Le champ “Code commune naissance” est obligatoire."),
    ({"Code pays naissance*": "99132"}, "FIELD_REQUIRED",
     "Le champ “Libellé commune naissance” est obligatoire."),
    ({"Code pays naissance*": "100"}, "COUNTRY_CODE_FORMAT",
     "Le champ “Code pays naissance” doit compter 5 chiffres commençant par 99 (99100 pour la France)."),
    ({"Code département naissance*": ""}, "FIELD_REQUIRED",
     "Le champ “Code département naissance” est obligatoire."),
    ({"Statut*": ""}, "FIELD_REQUIRED", "Le champ “Statut” est obligatoire."),
    ({"Statut*": "XX"}, "STATUS_CODE", "Le champ “Statut” doit valoir ST ou AP."),
    ({"Code MEF*": ""}, "FIELD_REQUIRED", "Le champ “Code MEF” est obligatoire."),
    ({"Division*": ""}, "FIELD_REQUIRED", "Le champ “Division” est obligatoire."),
])
def test_a_csv_student_with_a_missing_or_wrong_value_refuses_the_file(changes, code, sentence):
    data = csv_file({"Identifiant unique*": "0000000001A"}, {"Identifiant unique*": "0000000002B", **changes})

    assert refused("eleves.csv", data) == [FileProblem(code, f"Ligne 3 : {sentence}", 3)]


def test_the_same_ine_twice_in_a_csv_refuses_the_file():
    data = csv_file({}, {"Identifiant unique*": "0000000002B"}, {"Identifiant unique*": "0123456789a"})

    assert refused("eleves.csv", data) == [FileProblem(
        "INE_DUPLICATED", "Ligne 4 : L’INE 0123456789A est présent plusieurs fois dans le fichier.", 4,
    )]


def test_missing_csv_columns_are_all_reported():
    columns = [column for column in CSV_VALUES if column not in {"Code MEF*", "Division*"}]

    assert refused("eleves.csv", csv_file({}, columns=columns)) == [
        FileProblem("HEADER_MISSING", "La colonne “Code MEF*” est obligatoire dans le fichier.", 1),
        FileProblem("HEADER_MISSING", "La colonne “Division*” est obligatoire dans le fichier.", 1),
    ]


def test_optional_csv_columns_may_be_left_out_and_columns_reordered():
    columns = [column for column in CSV_VALUES if "*" in column][::-1]

    row = read("eleves.csv", csv_file({}, columns=columns))[0]

    assert (row.first_name, row.middle_name, row.preferred_last_name, row.division) == ("Léa", "", "", "4A")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_files_saved_by_excel_in_any_usual_encoding_are_read(encoding):
    rows = read("eleves.csv", csv_file({"Nom d'usage": "Lecœur"}, encoding=encoding))

    assert (rows[0].first_name, rows[0].preferred_last_name) == ("Léa", "Lecœur")


def test_a_csv_in_an_unknown_encoding_is_refused():
    data = csv_file({}) + b"\r\n\x81\x8d\x8f;"

    assert codes("eleves.csv", data) == ["BAD_ENCODING"]


def test_a_csv_separated_by_commas_is_refused_with_a_hint():
    data = csv_file({}).replace(b";", b",")

    assert codes("eleves.csv", data) == ["CSV_SEPARATOR"]


@pytest.mark.parametrize(("written", "sex"), [("M", "M"), ("f", "F"), ("1", "M"), ("2", "F")])
def test_the_csv_sex_is_m_or_f_or_siecles_1_or_2(written, sex):
    assert read("eleves.csv", csv_file({"Code sexe*": written}))[0].sex == sex


def test_csv_lines_are_counted_across_blank_lines_and_values_on_several_lines():
    data = csv_file({"Nom d'usage": '"Le\nGoff"'}, {"Identifiant unique*": "0000000002B"})
    header, first, second = data.split(b"\r\n")
    data = b"\r\n".join([header, first, b"", second.replace(b";Le Goff;", b";;")])

    assert refused("eleves.csv", data) == [FileProblem(
        "FIELD_REQUIRED", "Ligne 5 : Le champ “Nom de famille” est obligatoire.", 5,
    )]
