"""Reads of the student's profile (levels and pix per competence, in their areas) and of
his progress in a test."""

from . import algorithm, retries, scoring
from .display import expected_answer_text, given_answer_text, instruction_summary
from .models import Assessment
from .services import target_skill_ids, user_knowledge_elements


def checkpoint_page(content, assessment, *, block_size: int) -> dict | None:
    """"Avancement": the answers of the last block with the right ones and the skills'
    tutorials, and how far the test has gone. None before the first answer."""
    answers = list(assessment.answers.order_by("pk"))
    if not answers:
        return None
    items = []
    for answer in answers[-(len(answers) % block_size or block_size):]:
        challenge = content.challenges.get(answer.challenge_id)
        if challenge is None:
            continue
        skill = content.skills.get(challenge.skill_id)
        items.append({
            "answer": answer, "challenge": challenge, "summary": instruction_summary(challenge),
            "given": given_answer_text(challenge, answer.value), "expected": expected_answer_text(challenge),
            "tutorials": [content.tutorials[t] for t in (skill.tutorial_ids if skill else ())
                          if t in content.tutorials],
        })
    target = target_skill_ids(content, assessment)
    latest = algorithm.latest_per_skill(user_knowledge_elements(assessment.user_id))
    tested = {ke.skill_id for ke in latest.values()}
    progress = scoring.progression(len(tested & target), len(target), completed=assessment.is_completed)
    return {"items": items, "progress_percent": round(progress * 100)}


def profile_from_knowledge(content, knowledge_elements, *, max_level: int) -> dict:
    latest = algorithm.latest_per_skill(knowledge_elements)
    scores = scoring.competence_scores(content, list(latest.values()), max_level=max_level)
    areas = []
    for area in sorted(content.areas.values(), key=lambda area: area.code):
        competences = []
        for competence_id in area.competence_ids:
            competence = content.competences[competence_id]
            score = scores[competence_id]
            competences.append({
                "competence": competence, "score": score,
                "progress_percent": round(100 * score.pix_in_level / 8),
            })
        areas.append({"area": area, "competences": competences})
    return {
        "areas": areas,
        "pix": scoring.pix_score(scores),
        "max_pix": len(content.competences) * max_level * 8,
        "certifiable_count": scoring.certifiable_competence_count(scores),
        "is_certifiable": scoring.is_certifiable(scores),
        "scores": scores,
    }


def started_competence_evaluations(user_id) -> dict[str, int]:
    """The competences the user began to test on their own: competence id → assessment id."""
    return dict(
        Assessment.objects.filter(
            user_id=user_id, type=Assessment.Type.COMPETENCE_EVALUATION, state=Assessment.State.STARTED
        ).order_by("created_at").values_list("competence_id", "pk")
    )


def started_competence_ids(user) -> set[str]:
    return set(started_competence_evaluations(user.pk))


def profile_with_actions(content, knowledge_elements, *, started_ids, now, max_level: int) -> dict:
    """The profile, each competence with the action its card offers (retries.competence_action)."""
    knowledge_elements = list(knowledge_elements)
    data = profile_from_knowledge(content, knowledge_elements, max_level=max_level)
    for block in data["areas"]:
        for item in block["competences"]:
            competence_id = item["competence"].id
            item["action"] = retries.competence_action(
                content, knowledge_elements, competence_id=competence_id, started=competence_id in started_ids,
                now=now,
            )
    return data
