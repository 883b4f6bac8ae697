"""§8.1 subject recommendations and §8.3 results per competence, on a tiny référentiel whose
every number is worked out by hand below.

The campaign ("parcours" tp-analyse) targets 5 skills in 2 tubes:
- tube "mail" (competence 1.1): @mail1, @mail2 — @mail3 exists but is capped out of the parcours;
- tube "web" (competence 2.1): @web1, @web2, @web4 — no level 3 in the parcours.
maxSkillLevel = 4 (@web4). Difficulty term: mail 30 × 2 / 4 = 15, web 30 × 4 / 4 = 30.

score = 40 × reached / tubeMax + 30 × tubeMax / maxSkillLevel + 20 × validated / skills
        + (10 × reached / next if ≥ 1 validated)

FULL validated {@mail1, @mail2, @mail3, @web1, @web2, @web4}
    mail: reached 2, 2/2, next = tubeMax 2  → 40 + 15 + 20 + 10            = 85   (@mail3 ignored)
    web:  reached 4, 3/3, next = tubeMax 4  → 40 + 30 + 20 + 10            = 100
HALF validated {@mail1, @web1, @web2}
    mail: reached 1, 1/2, next 2            → 20 + 15 + 10 + 5             = 50
    web:  reached 2, 2/3, next 4 (no lvl 3) → 20 + 30 + 40/3 + 5           = 205/3 ≈ 68.33
NONE validated {}
    mail: 0 + 15 + 0 + 0 = 15;  web: 0 + 30 + 0 + 0 = 30

Campaign of FULL, HALF, NONE:
    mail average (85 + 50 + 15) / 3            = 50        → ≤ 50: 3 bubbles "Fortement recommandé"
    web average  (100 + 205/3 + 30) / 3 = 595/9 ≈ 66.11     → ≤ 75: 2 bubbles "Recommandé"
Results per competence (§8.3):
    1.1: 2 targeted, validated 2 + 1 + 0 = 3, average 3/3 = 1,   1 / 2 = 50 %
    2.1: 3 targeted, validated 3 + 2 + 0 = 5, average 5/3 ≈ 1.67, (5/3) / 3 = 55.6 % → 56 %
"""

from datetime import timedelta
from fractions import Fraction

import pytest

from analysis.recommendation import (
    competence_results,
    relevance,
    relevance_label,
    sort_recommendations,
    tube_recommendations,
    tube_score,
    validated_skill_ids,
)
from learning_content.repository import (
    AreaData,
    CompetenceData,
    Content,
    SkillData,
    TargetProfileData,
    TubeData,
    TutorialData,
)

PROFILE_ID = "tp-analyse"
TARGET = ("@mail1", "@mail2", "@web1", "@web2", "@web4")
FULL = {"@mail1", "@mail2", "@mail3", "@web1", "@web2", "@web4"}
HALF = {"@mail1", "@web1", "@web2"}
NONE = set()


def make_content() -> Content:
    areas = {
        "area-1": AreaData(id="area-1", code="1", title="Information et données", color="jaffa",
                           competence_ids=("comp-mail",)),
        "area-2": AreaData(id="area-2", code="2", title="Communication et collaboration", color="emerald",
                           competence_ids=("comp-web",)),
    }
    competences = {
        "comp-web": CompetenceData(
            id="comp-web", index="2.1", name="Naviguer sur le web", description="", area_id="area-2",
            tube_ids=("tube-web",), skill_ids=("@web1", "@web2", "@web4"),
        ),
        "comp-mail": CompetenceData(
            id="comp-mail", index="1.1", name="Communiquer par courriel", description="", area_id="area-1",
            tube_ids=("tube-mail",), skill_ids=("@mail1", "@mail2", "@mail3"),
        ),
    }
    tubes = {
        "tube-mail": TubeData(id="tube-mail", name="mail", practical_title="Courrier électronique",
                              practical_description="Envoyer, recevoir et organiser ses courriels.",
                              competence_id="comp-mail", skill_ids=("@mail1", "@mail2", "@mail3")),
        "tube-web": TubeData(id="tube-web", name="web", practical_title="Navigation web",
                             practical_description="Utiliser un navigateur et ses onglets.",
                             competence_id="comp-web", skill_ids=("@web1", "@web2", "@web4")),
    }
    tutorials_of = {
        "@mail1": ("tuto-cnil",), "@mail2": ("tuto-cnil", "tuto-video"), "@mail3": ("tuto-hors-parcours",),
    }
    skills = {
        skill_id: SkillData(id=skill_id, name=skill_id, level=int(skill_id[-1]), pix_value=4.0,
                            tube_id=f"tube-{skill_id[1:-1]}",
                            competence_id="comp-mail" if skill_id.startswith("@mail") else "comp-web",
                            tutorial_ids=tutorials_of.get(skill_id, ()))
        for skill_id in ("@mail1", "@mail2", "@mail3", "@web1", "@web2", "@web4")
    }
    tutorials = {
        "tuto-cnil": TutorialData(id="tuto-cnil", title="Votre ordinateur est reconnu",
                                  link="https://www.cnil.fr/fr/votre-ordinateur-est-reconnu", source="CNIL",
                                  format="page", duration=timedelta(minutes=1)),
        "tuto-video": TutorialData(id="tuto-video", title="Bien écrire un courriel",
                                   link="https://example.org/courriel", source="Lumni", format="vidéo",
                                   duration=timedelta(hours=1, minutes=5)),
        "tuto-hors-parcours": TutorialData(id="tuto-hors-parcours", title="Trier ses courriels",
                                           link="https://example.org/tri", source="Lumni", format="page",
                                           duration=timedelta(minutes=5)),
    }
    profile = TargetProfileData(
        id=PROFILE_ID, name="Parcours analyse", category="OTHER", description="", is_outdated=False,
        are_knowledge_elements_resettable=False, capped_tubes=(("tube-mail", 2), ("tube-web", 4)),
        skill_ids=TARGET, stages=(),
    )
    return Content(version="analyse", areas=areas, competences=competences, tubes=tubes, skills=skills,
                   challenges={}, tutorials=tutorials, target_profiles={PROFILE_ID: profile})


MAIL = {"@mail1": 1, "@mail2": 2}
WEB = {"@web1": 1, "@web2": 2, "@web4": 4}


@pytest.mark.parametrize("tube, validated, expected", [
    (MAIL, FULL, 85),
    (WEB, FULL, 100),
    (MAIL, HALF, 50),
    (WEB, HALF, Fraction(205, 3)),
    (MAIL, NONE, 15),
    (WEB, NONE, 30),
    # Only the top skill (no inference in a hand-made set): reached 2, 1/2, next 1 → 40 + 15 + 10 + 20.
    (MAIL, {"@mail2"}, 85),
])
def test_the_score_of_one_participant_on_one_tube_follows_the_formula(tube, validated, expected):
    assert tube_score(tube, validated, max_skill_level=4) == expected


@pytest.mark.parametrize("average, bubbles", [
    (0, 4), (25, 4), (Fraction(2501, 100), 3), (50, 3), (Fraction(5001, 100), 2), (75, 2),
    (Fraction(7501, 100), 1), (100, 1),
])
def test_relevance_cut_offs_include_their_upper_bound(average, bubbles):
    assert relevance(average) == bubbles


def test_relevance_labels_go_from_assez_to_tres_recommande():
    assert [relevance_label(level) for level in (1, 2, 3, 4)] == [
        "Assez recommandé", "Recommandé", "Fortement recommandé", "Très recommandé",
    ]


def test_campaign_recommendations_average_the_participants_and_list_most_to_work_on_first():
    rows = tube_recommendations(make_content(), TARGET, [FULL, HALF, NONE])

    assert [row["tube_id"] for row in rows] == ["tube-mail", "tube-web"]
    mail, web = rows
    assert mail["average_score"] == 50.0 and mail["relevance"] == 3
    assert web["average_score"] == float(Fraction(595, 9)) and web["relevance"] == 2
    assert mail | {"average_score": None, "relevance": None, "tutorials": None} == {
        "tube_id": "tube-mail", "practical_title": "Courrier électronique",
        "practical_description": "Envoyer, recevoir et organiser ses courriels.",
        "competence_id": "comp-mail", "competence_index": "1.1",
        "competence_name": "Communiquer par courriel", "area_code": "1", "area_color": "jaffa",
        "average_score": None, "relevance": None, "tutorials": None,
    }


def test_tutorials_of_a_tube_are_the_union_of_its_campaign_skills_tutorials():
    mail, web = tube_recommendations(make_content(), TARGET, [NONE])

    assert mail["tutorials"] == [
        {"id": "tuto-cnil", "title": "Votre ordinateur est reconnu",
         "link": "https://www.cnil.fr/fr/votre-ordinateur-est-reconnu", "source": "CNIL", "format": "page",
         "duration_seconds": 60},
        {"id": "tuto-video", "title": "Bien écrire un courriel", "link": "https://example.org/courriel",
         "source": "Lumni", "format": "vidéo", "duration_seconds": 3900},
    ]
    assert web["tutorials"] == []


@pytest.mark.parametrize("participant, expected", [
    # (mail score, bubbles), (web score, bubbles), as worked out in the module docstring.
    (NONE, [("tube-mail", 15, 4), ("tube-web", 30, 3)]),
    (HALF, [("tube-mail", 50, 3), ("tube-web", float(Fraction(205, 3)), 2)]),
    (FULL, [("tube-mail", 85, 1), ("tube-web", 100, 1)]),
])
def test_one_participant_analysis_is_the_same_computation_with_one_participant(participant, expected):
    rows = tube_recommendations(make_content(), TARGET, [participant])

    assert [(row["tube_id"], row["average_score"], row["relevance"]) for row in rows] == expected


def test_without_participants_tubes_have_no_score_nor_bubbles():
    rows = tube_recommendations(make_content(), TARGET, [])

    assert [(row["tube_id"], row["average_score"], row["relevance"]) for row in rows] == [
        ("tube-mail", None, None), ("tube-web", None, None),
    ]


def test_descending_sort_lists_the_best_mastered_subjects_first():
    rows = tube_recommendations(make_content(), TARGET, [FULL, HALF, NONE])

    descending = sort_recommendations(rows, descending=True)

    assert [row["tube_id"] for row in descending] == ["tube-web", "tube-mail"]


def test_results_per_competence_sum_the_validated_skills_in_index_order():
    rows = competence_results(make_content(), TARGET, [FULL, HALF, NONE])

    assert rows == [
        {"competence_id": "comp-mail", "competence_index": "1.1",
         "competence_name": "Communiquer par courriel", "area_code": "1", "area_color": "jaffa",
         "targeted_skills_count": 2, "validated_skill_count": 3,
         "average_validated_skills": 1.0, "percentage": 50},
        {"competence_id": "comp-web", "competence_index": "2.1", "competence_name": "Naviguer sur le web",
         "area_code": "2", "area_color": "emerald", "targeted_skills_count": 3, "validated_skill_count": 5,
         "average_validated_skills": float(Fraction(5, 3)), "percentage": 56},
    ]


def test_a_half_percent_rounds_up_as_in_pix_orga():
    # 1.1: 1 validated skill among 4 participants = 0.25 of 2 targeted skills = 12.5 % → 13
    # (Python's round() would give 12).
    mail = competence_results(make_content(), TARGET, [{"@mail1"}, NONE, NONE, NONE])[0]

    assert (mail["average_validated_skills"], mail["percentage"]) == (0.25, 13)


def test_results_per_competence_without_participants_are_zero():
    rows = competence_results(make_content(), TARGET, [])

    figures = [
        (row["validated_skill_count"], row["average_validated_skills"], row["percentage"]) for row in rows
    ]

    assert figures == [(0, 0.0, 0), (0, 0.0, 0)]


def test_only_validated_elements_of_a_snapshot_count():
    elements = [
        {"skill_id": "@web1", "status": "validated"},
        {"skill_id": "@web2", "status": "invalidated"},
        {"skill_id": "@mail1", "status": "validated"},
    ]

    assert validated_skill_ids(elements) == {"@web1", "@mail1"}
