import shutil
import textwrap
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.checking import check_answer
from learning_content import models
from learning_content.files import ContentFileError
from learning_content.loader import CONTENT_DIR, load_content
from learning_content.parsing import parse_content_dir
from learning_content.repository import get_content, invalidate_content_cache


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def replace_in(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path, needle):
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


class TestTheRealReferential:
    def test_it_has_the_framework_and_enough_content(self, db):
        load_content()

        assert models.Area.objects.count() == 5
        assert list(models.Competence.objects.values_list("index", flat=True)) == [
            "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3",
            "5.1", "5.2",
        ]
        assert models.Competence.objects.get(index="4.2").name == "Protéger les données personnelles et la vie privée"
        tubes_per_competence = Counter(models.Tube.objects.values_list("competence__index", flat=True))
        assert min(tubes_per_competence.values()) >= 3 and sum(tubes_per_competence.values()) >= 48
        assert models.Skill.objects.count() >= 200
        assert models.Challenge.objects.count() >= 400
        challenges_per_skill = Counter(models.Challenge.objects.values_list("skill_id", flat=True))
        assert min(challenges_per_skill[skill] for skill in models.Skill.objects.values_list("id", flat=True)) >= 2
        assert set(models.Challenge.objects.values_list("type", flat=True)) == {
            "QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep",
        }
        tubes_with_tutorials = set(models.Skill.objects.filter(tutorials__isnull=False).values_list("tube_id", flat=True))
        assert tubes_with_tutorials == set(models.Tube.objects.values_list("id", flat=True))
        assert models.Challenge.objects.filter(timer__isnull=False).exists()

    def test_levels_of_each_tube_are_consecutive_and_skill_names_follow_the_tube(self, referential):
        for tube in referential.tubes.values():
            levels = [referential.skills[skill_id].level for skill_id in tube.skill_ids]
            assert levels == list(range(levels[0], levels[0] + len(levels))), tube.name
            assert all(referential.skills[s].name == f"@{tube.name}{referential.skills[s].level}" for s in tube.skill_ids)

    def test_each_competence_level_is_worth_eight_pix_at_most_four_per_skill(self, referential):
        per_level = Counter()
        for skill in referential.skills.values():
            assert 0 < skill.pix_value <= 4
            per_level[(skill.competence_id, skill.level)] += skill.pix_value
        for (competence, level), total in per_level.items():
            skills = [s for s in referential.skills.values() if s.competence_id == competence and s.level == level]
            assert total == pytest.approx(4.0 if len(skills) == 1 else 8.0), (competence, level)

    def test_back_to_school_profiles_rise_with_the_grade_and_carry_the_four_bands(self, referential):
        grades = ["6e", "5e", "4e", "3e", "2nde", "1ère", "Terminale", "Post-bac"]
        profiles = {p.name: p for p in referential.target_profiles.values()}
        caps = []
        for grade in grades:
            profile = profiles[f"Parcours de rentrée {grade}"]
            assert profile.category == "BACK_TO_SCHOOL"
            assert len({referential.tubes[t].competence_id for t, _ in profile.capped_tubes}) == 16
            assert [stage.threshold for stage in profile.stages] == [0, 21, 51, 81]
            assert [stage.prescriber_title for stage in profile.stages] == [
                "Maîtrise insuffisante", "Maîtrise fragile", "Maîtrise satisfaisante", "Très bonne maîtrise",
            ]
            caps.append(max(level for _, level in profile.capped_tubes))
        assert caps == sorted(caps) and caps[0] < caps[-1]
        assert sum(p.category == "COMPETENCES" for p in referential.target_profiles.values()) == 16
        assert "Protection des données personnelles" in profiles

    @pytest.mark.parametrize("profile_id, level", [("tp-rentree-terminale", 6), ("tp-rentree-postbac", 7)])
    def test_the_last_year_of_lycee_and_post_bac_reach_levels_6_and_7_where_skills_exist(
        self, referential, profile_id, level,
    ):
        profile = referential.target_profiles[profile_id]
        for tube_id, capped in profile.capped_tubes:
            highest = max(referential.skills[skill_id].level for skill_id in referential.tubes[tube_id].skill_ids)
            assert capped == min(level, highest), tube_id
        levels = {referential.skills[skill_id].level for skill_id in profile.skill_ids}
        assert max(levels) == level

    def test_a_second_load_changes_nothing(self, db):
        load_content()
        report = load_content()

        assert report.changed == 0

    def test_the_memory_copy_is_not_rebuilt_while_the_version_is_the_same(self, referential, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert get_content() is referential


class TestBrokenFilesAreRefused:
    def assert_refused(self, directory, path, line, words):
        with pytest.raises(ContentFileError) as refused:
            load_content(directory)
        messages = [str(error) for error in refused.value.errors]
        assert any(m.startswith(f"content/{path}:{line}:") and words in m for m in messages), messages
        assert not models.Challenge.objects.exists()  # nothing half-loaded

    def test_a_challenge_whose_solution_is_not_a_proposal(self, db, content_copy):
        path = content_copy / "competences" / "4.1.yaml"
        replace_in(path, "solution: 1\n", "solution: 9\n")
        challenge_line = line_of(path, "solution: 9")
        text = path.read_text().splitlines()
        start = max(n for n in range(challenge_line) if text[n - 1].lstrip().startswith("- id: chal-"))

        self.assert_refused(content_copy, "competences/4.1.yaml", start, "n'est pas le numéro d'une proposition")

    def test_a_skill_without_challenge(self, db, content_copy):
        path = content_copy / "competences" / "5.2.yaml"
        text = path.read_text()
        start = text.index("challenges:", text.index("- id: skill-"))
        end = text.index("\n      - id: skill-", start)
        path.write_text(text[:start] + "challenges: []" + text[end:])
        skill_line = text[:text.index("- id: skill-")].count("\n") + 1

        self.assert_refused(content_copy, "competences/5.2.yaml", skill_line, "n'a aucune épreuve")

    def test_a_text_longer_than_its_column_is_refused_on_every_database(self, db, content_copy):
        # SQLite stores it, PostgreSQL refuses the whole load: the loader says so on both.
        path = content_copy / "competences" / "1.1.yaml"
        replace_in(path, "practical_title: ", "practical_title: " + "Très long titre " * 20, count=1)

        with pytest.raises(ContentFileError) as refused:
            load_content(content_copy)

        assert any("« practical_title » a " in str(error) for error in refused.value.errors)
        assert not models.Challenge.objects.exists()

    def test_a_target_profile_naming_an_unknown_tube(self, db, content_copy):
        path = content_copy / "target_profiles.yaml"
        first_tube = next(line for line in path.read_text().splitlines() if line.strip().startswith("- {tube: "))
        tube_name = first_tube.split("tube: ")[1].split(",")[0]
        replace_in(path, f"tube: {tube_name},", "tube: sujetInexistant,")

        self.assert_refused(content_copy, "target_profiles.yaml", line_of(path, "sujetInexistant"), "sujet « sujetInexistant » inconnu")

    def test_a_stage_set_without_zero_stage(self, db, content_copy):
        path = content_copy / "target_profiles.yaml"
        replace_in(path, "    - threshold: 0\n", "    - threshold: 5\n")

        self.assert_refused(content_copy, "target_profiles.yaml", line_of(path, "- id: tp-rentree-6e"),
                            "palier zéro est obligatoire")

    def test_invalid_yaml_names_the_line(self, db, content_copy):
        path = content_copy / "competences" / "1.1.yaml"
        lines = path.read_text().splitlines()
        lines[9] = lines[9] + " : : ["
        path.write_text("\n".join(lines))

        with pytest.raises(ContentFileError) as refused:
            load_content(content_copy)
        assert str(refused.value).startswith("content/competences/1.1.yaml:")

    def test_the_command_reports_errors_and_loads_nothing(self, db, content_copy):
        replace_in(content_copy / "competences" / "4.1.yaml", "solution: 1\n", "solution: 9\n")

        with pytest.raises(CommandError, match="Référentiel refusé, rien n'a été chargé"):
            call_command("load_content", "--dir", str(content_copy))
        assert not models.Skill.objects.exists()


def test_a_challenge_removed_from_the_files_is_retired_not_deleted(db, content_copy):
    load_content(content_copy)
    path = content_copy / "competences" / "3.4.yaml"
    text = path.read_text()
    skill_start = text.index("challenges:", text.index("- id: skill-"))
    first = text.index("- id: chal-", skill_start)
    second = text.index("- id: chal-", first + 1)
    removed_id = text[first:].split("\n")[0].split("- id: ")[1].strip()
    path.write_text(text[:first] + text[second:])

    report = load_content(content_copy)
    invalidate_content_cache()

    assert report.kinds["épreuves"].retired == 1
    assert models.Challenge.objects.get(pk=removed_id).status == "périmé"
    assert removed_id not in get_content().challenges


def test_a_parcours_whose_tubes_change_is_rewritten_alone(db, content_copy):
    load_content(content_copy)
    path = content_copy / "target_profiles.yaml"
    text = path.read_text()
    start = text.index("- id: tp-theme-tableur")
    first_tube = text.index("level: ", start)
    level = text[first_tube + 7]
    path.write_text(text[:first_tube] + "level: " + str(int(level) - 1) + text[first_tube + 8:])

    report = load_content(content_copy)

    assert report.kinds["paliers et sujets"].updated == 1
    assert report.kinds["paliers et sujets"].unchanged == models.TargetProfile.objects.count() - 1
    assert models.Stage.objects.filter(target_profile_id="tp-theme-tableur").count() == 4
    capped = models.TargetProfileTube.objects.filter(target_profile_id="tp-theme-tableur").order_by("tube__name")
    assert str(capped.first().level) == str(int(level) - 1)


def with_challenge(content_dir, block):
    """content_dir with one more challenge in 4.1.yaml; `block` starts with `- id: chal-essai`,
    at the indentation of a challenge list."""
    path = content_dir / "competences" / "4.1.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("          - id: chal-")
    path.write_text(text[:at] + textwrap.indent(textwrap.dedent(block).lstrip("\n"), " " * 10) + text[at:],
                    encoding="utf-8")
    return path


def parsed_challenge(content_dir):
    row = next(row for row in parse_content_dir(content_dir).challenges if row["id"] == "chal-essai")
    return SimpleNamespace(**row)


def refusal(content_dir):
    with pytest.raises(ContentFileError) as refused:
        parse_content_dir(content_dir)
    return [str(error) for error in refused.value.errors]


class TestSolutionsAreTheTextWritten:
    """Pix reads every solution as text; YAML 1.1 would read these as numbers, booleans, null."""

    @pytest.mark.parametrize("written, yaml_reading", [
        ("0123", "83"), ("888.00", "888.0"), ("1.50", "1.5"), ("yes", "True"), ("on", "True"),
        ("~", "None"), ("1e3", "1000.0"), ("+33", "33"), ("12:30", "750"),  # 1e3: YAML 1.2 reading
    ])
    def test_a_plain_variant_is_accepted_as_typed_not_as_yaml_would_read_it(self, content_copy, written,
                                                                            yaml_reading):
        with_challenge(content_copy, f"""
            - id: chal-essai
              type: QROC
              instruction: Que faut-il écrire ?
              solutions:
                - {written}
              tolerances: []
            """)

        challenge = parsed_challenge(content_copy)

        assert challenge.solution == [written]
        assert check_answer(challenge, written).is_ok
        assert not check_answer(challenge, yaml_reading).is_ok

    def test_proposals_labels_options_and_input_keys_are_text(self, content_copy):
        with_challenge(content_copy, """
            - id: chal-essai
              type: QROCM-ind
              instruction: Que faut-il choisir ?
              inputs:
                - {key: 1, label: 12:30, options: [yes, no, on, off]}
                - {key: code, label: Code}
              solution:
                1: [off]
                code: [0123, 007]
            - id: chal-essai-qcu
              type: QCU
              instruction: Laquelle ?
              proposals: [yes, no, 0123]
              solution: 3
            """)

        challenge = parsed_challenge(content_copy)
        qcu = next(row for row in parse_content_dir(content_copy).challenges if row["id"] == "chal-essai-qcu")

        assert challenge.inputs == [{"key": "1", "label": "12:30", "options": ["yes", "no", "on", "off"]},
                                    {"key": "code", "label": "Code"}]
        assert challenge.solution == {"1": ["off"], "code": ["0123", "007"]}
        assert check_answer(challenge, {"1": "off", "code": "007"}).is_ok
        assert not check_answer(challenge, {"1": "False", "code": "7"}).is_ok
        assert qcu["proposals"] == ["yes", "no", "0123"] and qcu["solution"] == 3

    def test_a_loaded_challenge_keeps_the_text_through_the_database(self, db, content_copy):
        with_challenge(content_copy, """
            - id: chal-essai
              type: QROC
              instruction: À quelle heure ?
              solutions: [12:30, 0012h30]
            """)

        load_content(content_copy)
        invalidate_content_cache()
        challenge = get_content().challenges["chal-essai"]

        assert challenge.solution == ["12:30", "0012h30"]
        assert check_answer(challenge, "12:30").is_ok
        assert not check_answer(challenge, "750").is_ok

    @pytest.mark.parametrize("solution", ["2.0", "02", "0", "[2]", "deux"])
    def test_a_qcu_solution_is_a_proposal_number_in_digits(self, content_copy, solution):
        path = with_challenge(content_copy, f"""
            - id: chal-essai
              type: QCU
              instruction: Laquelle ?
              proposals: [Oui, Non, Peut-être]
              solution: {solution}
            """)

        messages = refusal(content_copy)

        line = line_of(path, "- id: chal-essai")
        assert any(m.startswith(f"content/competences/4.1.yaml:{line}: épreuve chal-essai : la solution")
                   and "n'est pas le numéro d'une proposition (1 à 3)" in m for m in messages), messages

    @pytest.mark.parametrize("solutions", ['["https", ""]', '["https", "  "]', "[https, []]"])
    def test_an_empty_or_nested_variant_is_refused(self, content_copy, solutions):
        path = with_challenge(content_copy, f"""
            - id: chal-essai
              type: QROC
              instruction: Quel protocole ?
              solutions: {solutions}
            """)

        line = line_of(path, "- id: chal-essai")
        assert (f"content/competences/4.1.yaml:{line}: épreuve chal-essai : "
                "les solutions d'un QROC sont une liste de textes non vides") in refusal(content_copy)


class TestTolerancesArePixs:
    def test_a_challenge_without_tolerances_gets_t1_t2_and_t3(self, content_copy):
        with_challenge(content_copy, """
            - id: chal-essai
              type: QROC
              instruction: Quel protocole chiffre les échanges ?
              solutions: [le protocole https]
            """)

        challenge = parsed_challenge(content_copy)

        assert challenge.tolerances == ["t1", "t2", "t3"]
        assert check_answer(challenge, " LE PROTOCOLE HTTPS ").is_ok      # t1
        assert check_answer(challenge, "le protocole « https » !").is_ok   # t2
        assert check_answer(challenge, "le protocol https").is_ok           # t3
        assert not check_answer(challenge, "ftp").is_ok

    @pytest.mark.parametrize("written, left_on, upper_case_ok, punctuated_ok", [
        ("[]", [], False, False),
        ("[t1]", ["t1"], True, False),
        ("[t2, t1]", ["t1", "t2"], True, True),
    ])
    def test_the_list_names_the_tolerances_left_on(self, content_copy, written, left_on, upper_case_ok,
                                                   punctuated_ok):
        with_challenge(content_copy, f"""
            - id: chal-essai
              type: QROC
              instruction: Quel protocole ?
              solutions: [https]
              tolerances: {written}
            """)

        challenge = parsed_challenge(content_copy)

        assert challenge.tolerances == left_on
        assert check_answer(challenge, "https").is_ok
        assert check_answer(challenge, "HTTPS").is_ok is upper_case_ok
        assert check_answer(challenge, "https.").is_ok is punctuated_ok

    @pytest.mark.parametrize("written", ["", "~", "t1", "[t4]", "[t1, t1]", "[[t1]]"])
    def test_a_tolerances_key_that_is_not_such_a_list_is_refused(self, content_copy, written):
        path = with_challenge(content_copy, f"""
            - id: chal-essai
              type: QROC
              instruction: Quel protocole ?
              solutions: [https]
              tolerances: {written}
            """)

        where = f"content/competences/4.1.yaml:{line_of(path, '- id: chal-essai')}: épreuve chal-essai"
        assert any(m.startswith(f"{where} : tolérances invalides") for m in refusal(content_copy))


class TestAttachments:
    def test_a_table_is_kept_as_the_text_written(self, content_copy):
        with_challenge(content_copy, """
            - id: chal-essai
              type: QROC
              instruction: Quel est le total ?
              solutions: ["12"]
              attachment:
                name: releves.xlsx
                description: Deux relevés
                rows:
                  - [Jour, Pluie (mm)]
                  - [lundi, 1.50]
                  - [mardi, 0012]
            """)

        challenge = parsed_challenge(content_copy)

        assert challenge.attachment == {"name": "releves.xlsx", "description": "Deux relevés",
                                        "rows": [["Jour", "Pluie (mm)"], ["lundi", "1.50"], ["mardi", "0012"]]}

    @pytest.mark.parametrize("attachment, words", [
        ("{name: Relevés.csv, description: x, rows: [[a], [b]]}", "un nom en minuscules"),
        ("{name: releves.odt, description: x, rows: [[a], [b]]}", "finissant par .csv ou .xlsx"),
        ("{name: releves.csv, rows: [[a], [b]]}", "une description"),
        ("{name: releves.csv, description: x, rows: [[a]]}", "des lignes (rows)"),
        ("{name: releves.csv, description: x, rows: [a, b]}", "des lignes (rows)"),
    ])
    def test_a_broken_attachment_is_refused(self, content_copy, attachment, words):
        with_challenge(content_copy, f"""
            - id: chal-essai
              type: QROC
              instruction: Quel est le total ?
              solutions: ["12"]
              attachment: {attachment}
            """)

        assert any("chal-essai" in message and words in message for message in refusal(content_copy))


class TestBadges:
    """Badges are defined with their parcours; a broken one names the file, the line and the badge."""

    def test_the_parcours_carry_badges_for_french_pupils(self, referential):
        profiles = referential.target_profiles
        all_badges = [badge for profile in profiles.values() for badge in profile.badges]
        assert len(all_badges) >= 8
        assert any(profile.badges for profile in profiles.values() if profile.category == "BACK_TO_SCHOOL")
        assert any(profile.badges for profile in profiles.values() if profile.category == "SUBJECT")
        titles = {badge.title for badge in all_badges}
        assert {"Sécurité numérique", "Recherche d'information", "Bureautique"} <= titles
        for badge in all_badges:
            assert badge.criteria and badge.alt_message and badge.message
            image = Path(settings.BASE_DIR) / "static" / badge.image_src
            assert image.exists() and "<title>" in image.read_text(), badge.key

    def test_a_capped_tubes_criterion_keeps_the_tubes_up_to_its_level(self, referential):
        badge = next(b for b in referential.target_profiles["tp-rentree-3e"].badges if b.key == "rentree-3e-securite")
        assert badge.criteria[0].scope == "CappedTubes" and badge.criteria[0].threshold == 60
        assert ("tube-hameconnage", 3) in badge.criteria[0].capped_tubes

    @pytest.mark.parametrize("old, new, words", [
        ("tubes: [{tube: hameconnage, level: 3}", "tubes: [{tube: sujetInexistant, level: 3}",
         "badge « rentree-3e-securite » : sujet « sujetInexistant » inconnu"),
        ("tubes: [{tube: hameconnage, level: 3}", "tubes: [{tube: hameconnage, level: 5}",
         "badge « rentree-3e-securite » : le niveau 5 du sujet « hameconnage » dépasse celui du parcours (3)"),
        ("tubes: [{tube: hameconnage, level: 3}", "tubes: [{tube: motdepasse, level: 3}",
         "badge « rentree-3e-securite » : le sujet « motdepasse » n'est pas dans le parcours"),
    ])
    def test_a_criterion_on_a_tube_the_parcours_does_not_reach_is_refused(self, db, content_copy, old, new, words):
        path = content_copy / "target_profiles.yaml"
        replace_in(path, old, new)

        # The error points to the criterion, its « - scope: CappedTubes » three lines above its tubes.
        TestBrokenFilesAreRefused().assert_refused(content_copy, "target_profiles.yaml", line_of(path, new) - 3, words)

    def test_a_badge_without_criterion_is_refused(self, db, content_copy):
        path = content_copy / "target_profiles.yaml"
        replace_in(path, "        - {scope: CampaignParticipation, threshold: 70}\n    - key: rentree-3e-securite",
                   "    - key: rentree-3e-securite")
        replace_in(path, "      criteria:\n    - key: rentree-3e-securite", "    - key: rentree-3e-securite")

        TestBrokenFilesAreRefused().assert_refused(
            content_copy, "target_profiles.yaml", line_of(path, "- key: rentree-3e-certification"),
            "badge « rentree-3e-certification » : au moins un critère est obligatoire",
        )

    def test_a_first_skill_stage_is_loaded_second(self, db, content_copy):
        path = content_copy / "target_profiles.yaml"
        replace_in(path, "  stages: *quatre-bandes\n  badges:\n    - key: rentree-3e-certification",
                   "  stages:\n    - {threshold: 0, title: Départ, message: On commence}\n"
                   "    - {threshold: 50, title: Moitié, message: La moitié}\n"
                   "    - {first_skill: true, title: Premier acquis, message: Un acquis}\n"
                   "  badges:\n    - key: rentree-3e-certification")
        load_content(content_copy)

        stages = get_content().target_profiles["tp-rentree-3e"].stages
        assert [(s.title, s.is_first_skill, s.threshold) for s in stages] == [
            ("Départ", False, 0), ("Premier acquis", True, None), ("Moitié", False, 50),
        ]
