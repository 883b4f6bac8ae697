"""SIECLE student-base exports in the real format (ISO-8859-15, ELEVES then STRUCTURES), for
the demo school, the tests and the import benchmarks, with plausible French pupils."""

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

SIECLE_SEXES = {"M": "1", "F": "2"}
GROUPS = ("LV2 ESP", "LV2 ALL", "LATIN", "CHORALE")
INE_STEP = 2_718_281_829

FEMALE_FIRST_NAMES = (
    "Léa", "Chloé", "Zoé", "Manon", "Inès", "Maëlys", "Anaïs", "Lætitia", "Marie-Lou", "Jade", "Camille",
    "Noémie", "Héloïse", "Océane", "Aïcha", "Louise", "Éléonore", "Anne-Sophie", "Clémence", "Yasmine",
)
MALE_FIRST_NAMES = (
    "Lucas", "Hugo", "Nathan", "Théo", "Noé", "Jean-Baptiste", "Mathéo", "Raphaël", "Gaël", "Joël", "Maël",
    "Loïc", "Enzo", "Yanis", "Benoît", "Clément", "Jérôme", "Pierre-Louis", "Mamadou", "Timothée",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Le Goff", "N'Diaye", "Lefèvre", "Mercier", "Da Silva", "Nguyen", "Benali",
    "Fontaine", "Morel-Dupré", "Lecœur", "Hébert", "Guérin", "Rousseau", "Lemaître", "Perrin", "Faure",
    "Gauthier", "Roussel", "Lambert", "Béranger", "Le Bihan", "Saint-Martin", "Kowalski", "Ferreira",
    "Garnier", "Chevalier", "Ménard",
)
# The birthplaces of pupils born abroad: (SIECLE country code, city).
ABROAD = (("132", "LONDRES"), ("134", "MADRID"), ("109", "BERLIN"), ("350", "CASABLANCA"), ("139", "PORTO"))
FRENCH_CITY_CODES = ("75056", "69123", "13055", "33063", "31555", "44109", "59350", "35238", "2A004", "97411")


@dataclass(frozen=True)
class SiecleStudent:
    ine: str
    first_name: str
    last_name: str
    birthdate: datetime.date
    division: str
    sex: str = "F"
    preferred_last_name: str = ""
    middle_name: str = ""
    third_name: str = ""
    birth_city_code: str = "75056"
    birth_city: str = ""
    # Empty: derived from the city code for pupils born in France ("075" for Paris).
    birth_province_code: str = ""
    birth_country_code: str = "100"
    mef_code: str = "10010012110"
    status: str = "ST"
    left_on: datetime.date | None = None


def _province(student: SiecleStudent) -> str:
    if student.birth_province_code:
        return student.birth_province_code
    if student.birth_country_code == "100" and student.birth_city_code:
        # Overseas departments have three digits (974); SIECLE pads the others with a 0.
        code = student.birth_city_code
        return code[:3] if code.startswith("97") else f"0{code[:2]}"
    return "99"


def siecle_xml(uai: str, students: Iterable[SiecleStudent]) -> bytes:
    """An ElevesSansAdresses.xml export. Each pupil also belongs to a group ("G"), as in real
    exports, listed before his class for every other pupil so that readers cannot rely on
    the order. Characters outside ISO-8859-15 are written as character references."""
    parts = [
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n',
        '<BEE_ELEVES VERSION="3.1">\n',
        "  <PARAMETRES>\n",
        f"    <UAJ>{escape(uai)}</UAJ>\n",
        "  </PARAMETRES>\n",
        "  <DONNEES>\n",
        "    <ELEVES>\n",
    ]
    structures = []
    for number, student in enumerate(students, start=1):
        eleve_id = quoteattr(str(1_000_000 + number))
        parts.append(f"      <ELEVE ELEVE_ID={eleve_id} ELENOET={quoteattr(str(number))}>\n")
        fields = [
            ("ID_NATIONAL", student.ine),
            ("NOM_DE_FAMILLE", student.last_name),
            ("NOM_USAGE", student.preferred_last_name),
            ("PRENOM", student.first_name),
            ("PRENOM2", student.middle_name),
            ("PRENOM3", student.third_name),
            ("CODE_SEXE", SIECLE_SEXES.get(student.sex, student.sex)),
            ("DATE_NAISS", f"{student.birthdate:%d/%m/%Y}"),
            ("CODE_PAYS", student.birth_country_code),
            ("CODE_DEPARTEMENT_NAISS", _province(student)),
        ]
        if student.birth_city_code:
            fields.append(("CODE_COMMUNE_INSEE_NAISS", student.birth_city_code))
        if student.birth_city:
            fields.append(("VILLE_NAISS", student.birth_city))
        fields += [("CODE_MEF", student.mef_code), ("CODE_STATUT", student.status)]
        if student.left_on is not None:
            fields.append(("DATE_SORTIE", f"{student.left_on:%d/%m/%Y}"))
        parts.extend(f"        <{tag}>{escape(value)}</{tag}>\n" for tag, value in fields)
        parts.append("      </ELEVE>\n")

        division = _structure(student.division, "D")
        group = _structure(GROUPS[number % len(GROUPS)], "G")
        structures.append(f"      <STRUCTURES_ELEVE ELEVE_ID={eleve_id} ELENOET={quoteattr(str(number))}>\n")
        structures.extend((group, division) if number % 2 else (division, group))
        structures.append("      </STRUCTURES_ELEVE>\n")
    parts += ["    </ELEVES>\n", "    <STRUCTURES>\n", *structures, "    </STRUCTURES>\n", "  </DONNEES>\n",
              "</BEE_ELEVES>\n"]
    return "".join(parts).encode("iso-8859-15", errors="xmlcharrefreplace")


def _structure(code: str, kind: str) -> str:
    return (
        "        <STRUCTURE>\n"
        f"          <CODE_STRUCTURE>{escape(code)}</CODE_STRUCTURE>\n"
        f"          <TYPE_STRUCTURE>{kind}</TYPE_STRUCTURE>\n"
        "        </STRUCTURE>\n"
    )


def generated_students(count: int, *, divisions: Sequence[str], seed: int = 0) -> list[SiecleStudent]:
    """count pupils born in 2010-2012, spread over the divisions in turn; the same list for the
    same arguments. About one in ten has a usage name, one in two a middle name, one in twenty
    was born abroad."""
    rng = random.Random(seed)
    first_day = datetime.date(2010, 1, 1)
    days = (datetime.date(2012, 12, 31) - first_day).days
    # The step is prime to 10**10 (odd, not a multiple of 5): the first 10**10 multiples are
    # distinct modulo 10**10, so INEs never repeat and still look random.
    offset = rng.randrange(10**10)
    students = []
    for index in range(count):
        sex = rng.choice("MF")
        names = MALE_FIRST_NAMES if sex == "M" else FEMALE_FIRST_NAMES
        born_abroad = rng.random() < 0.05
        country, city = rng.choice(ABROAD) if born_abroad else ("100", "")
        students.append(SiecleStudent(
            ine=f"{(offset + index * INE_STEP) % 10**10:010d}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}",
            first_name=rng.choice(names),
            middle_name=rng.choice(names) if rng.random() < 0.5 else "",
            last_name=rng.choice(LAST_NAMES),
            preferred_last_name=rng.choice(LAST_NAMES) if rng.random() < 0.1 else "",
            birthdate=first_day + datetime.timedelta(days=rng.randrange(days + 1)),
            division=divisions[index % len(divisions)],
            sex=sex,
            birth_country_code=country,
            birth_city=city,
            birth_city_code="" if born_abroad else rng.choice(FRENCH_CITY_CODES),
        ))
    return students
