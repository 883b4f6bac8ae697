"""« Questions »: the item analysis of an evaluation for its teachers; its answer keys never reach
a pupil."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.item_analysis import ItemFigures, duration_text, item_figures
from assessments.display import expected_answer_text
from assessments.models import Answer
from participations.services import participation_join
from tests.factories import CampaignFactory, LearnerFactory, UserFactory
from tests.participations.student import answer_all, correct_form, current_challenge_id
from tests.utils import text


@pytest.mark.parametrize(("answers", "expected"), [
    ([], []),
    ([("q1", "ok", 10), ("q1", "ko", 30), ("q1", "aband", None), ("q1", "ok", 20)],
     [ItemFigures("q1", 4, 50, 25, 20)]),
    # Hardest first; a tie on success goes to the most asked, then to the id.
    ([("easy", "ok", 5), ("hard", "ko", 5), ("hard", "timedout", None), ("b", "ko", None), ("a", "ko", 8)],
     [ItemFigures("hard", 2, 0, 0, 5), ItemFigures("a", 1, 0, 0, 8), ItemFigures("b", 1, 0, 0, None),
      ItemFigures("easy", 1, 100, 0, 5)]),
    ([("q", "ok", 10), ("q", "ok", 21)], [ItemFigures("q", 2, 100, 0, 15.5)]),
])
def test_item_figures(answers, expected):
    assert item_figures(answers) == expected


@pytest.mark.parametrize(("seconds", "expected"), [(None, "–"), (7, "7 s"), (60, "1 min 00 s"), (95.5, "1 min 36 s")])
def test_duration_text(seconds, expected):
    assert duration_text(seconds) == expected


@pytest.fixture
def evaluation(school, teacher, referential):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT",
                           target_profile_id="tp-rentree-3e", name="Rentrée 3e")


@pytest.fixture
def challenges(referential):
    profile = referential.target_profiles["tp-rentree-3e"]
    return [referential.challenges[referential.challenges_by_skill[skill_id][0]] for skill_id in profile.skill_ids[:2]]


def took(campaign, answers):
    """A pupil joined and gave these (challenge, result, seconds)."""
    participation = participation_join(campaign=campaign, user=UserFactory(), now=timezone.now())
    for challenge, result, seconds in answers:
        Answer.objects.create(assessment=participation.assessment, challenge_id=challenge.id, result=result,
                              time_spent=seconds)
    return participation


def question_rows(page: str) -> list[tuple]:
    return [
        (challenge_id, *cells)
        for challenge_id, cells in [
            (match.group(1), tuple(re.findall(r"<td>([^<]*)</td>", match.group(2))))
            for match in re.finditer(r'<tr data-challenge="([^"]+)">(.*?)</tr>', page, re.S)
        ]
    ]


def test_the_questions_of_an_evaluation_hardest_first_with_their_figures(client_of, teacher, evaluation, challenges):
    first, second = challenges
    took(evaluation, [(first, "ok", 12), (second, "ko", 40)])
    took(evaluation, [(first, "ok", 20), (second, "aband", 5)])
    other = CampaignFactory(organization=evaluation.organization, creator=teacher, type="ASSESSMENT",
                            target_profile_id="tp-rentree-3e")
    took(other, [(first, "ko", 99), (second, "ok", 99)])

    page = text(client_of(teacher).get(reverse("classes:questions", args=[evaluation.pk])))

    assert question_rows(page) == [
        (second.id, second.type, "2", "0 %", "50 %", "22 s"),
        (first.id, first.type, "2", "100 %", "0 %", "16 s"),
    ]
    assert expected_answer_text(first) in page
    assert "<caption>2 questions posées</caption>" in page


def test_a_deleted_participation_does_not_count(client_of, teacher, evaluation, challenges):
    first, _second = challenges
    took(evaluation, [(first, "ok", 12)])
    deleted = took(evaluation, [(first, "ko", 12)])
    deleted.deleted_at = timezone.now()
    deleted.save()

    page = text(client_of(teacher).get(reverse("classes:questions", args=[evaluation.pk])))

    assert question_rows(page)[0][1:] == (first.type, "1", "100 %", "0 %", "12 s")


def test_the_questions_tab_costs_the_same_queries_whatever_the_number_of_answers(
    client_of, teacher, evaluation, challenges, django_assert_max_num_queries,
):
    took(evaluation, [(challenges[0], "ok", 3)])
    client = client_of(teacher)
    url = reverse("classes:questions", args=[evaluation.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _index in range(10):
        took(evaluation, [(challenges[0], "ko", 3), (challenges[1], "ok", 8)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_another_school_gets_a_404_and_a_collection_has_no_questions(
    client_of, teacher, teacher_of_another_school, evaluation, school,
):
    collection = CampaignFactory(organization=school, creator=teacher)

    assert client_of(teacher_of_another_school).get(
        reverse("classes:questions", args=[evaluation.pk])).status_code == 404
    assert client_of(teacher).get(reverse("classes:questions", args=[collection.pk])).status_code == 404


def test_a_pupil_never_sees_the_answer_keys(client, evaluation, referential):
    """Neither the teachers' page, nor a key on any page of his test."""
    pupil = UserFactory()
    participation = participation_join(campaign=evaluation, user=pupil, now=timezone.now())
    client.force_login(pupil)

    denied = client.get(reverse("classes:questions", args=[evaluation.pk]))
    pages = []
    for _index in range(4):
        challenge_id = current_challenge_id(client, participation.assessment_id)
        page = text(client.get(reverse("assessments:challenge", args=[participation.assessment_id])))
        pages.append((referential.challenges[challenge_id], page))
        client.post(reverse("assessments:challenge", args=[participation.assessment_id]),
                    {"challenge_id": challenge_id, "action": "validate", **correct_form(referential.challenges[challenge_id])})

    assert denied.status_code in (403, 404)
    assert "Réponse attendue" not in text(denied)
    for challenge, page in pages:
        assert "Réponse attendue" not in page
        assert f"data-challenge=\"{challenge.id}\"" not in page
        # A short key ("5") may be anywhere in a page: what must not hold it is the answer field.
        assert f'value="{expected_answer_text(challenge)}"' not in page


def test_the_time_spent_on_each_question_is_kept(client, evaluation):
    pupil = UserFactory()
    participation = participation_join(campaign=evaluation, user=pupil, now=timezone.now())
    client.force_login(pupil)

    answer_all(client, participation.assessment_id)

    times = list(Answer.objects.filter(assessment=participation.assessment).values_list("time_spent", flat=True))
    assert times and all(seconds is not None and seconds >= 0 for seconds in times)


def test_the_questions_filtered_by_class_count_only_its_pupils(client_of, teacher, evaluation, challenges):
    school = evaluation.organization
    school.is_managing_students = True
    school.save()
    first, _second = challenges
    for division, result in [("3e A", "ok"), ("3e B", "ko"), ("3e B", "ko")]:
        user = UserFactory()
        LearnerFactory(organization=school, user=user, division=division)
        participation = participation_join(campaign=evaluation, user=user, now=timezone.now())
        Answer.objects.create(assessment=participation.assessment, challenge_id=first.id, result=result, time_spent=9)
    client = client_of(teacher)
    url = reverse("classes:questions", args=[evaluation.pk])

    of_3e_a = text(client.get(url, {"classes": "3e A"}))
    everyone = text(client.get(url))

    assert question_rows(of_3e_a) == [(first.id, first.type, "1", "100 %", "0 %", "9 s")]
    assert question_rows(everyone) == [(first.id, first.type, "3", "33 %", "0 %", "9 s")]
    assert re.search(r'name="classes" value="3e A" checked', of_3e_a)
