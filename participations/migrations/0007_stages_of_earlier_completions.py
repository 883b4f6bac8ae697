"""The stage of the evaluations completed before stages were stored (issue 19): computed once
as the completion now does, on the rounded percentage of the parcours' skills validated —
from the figures stored at sending for the results received, from the pupil's latest knowledge
elements for those still to send. Badges did not exist then: none is given afterwards."""

from django.db import migrations
from django.utils import timezone

from assessments import scoring


def _profiles(apps):
    Skill = apps.get_model("learning_content", "Skill")
    TargetProfileTube = apps.get_model("learning_content", "TargetProfileTube")
    Stage = apps.get_model("learning_content", "Stage")
    levels = {(row["tube_id"], row["id"]): row["level"] for row in Skill.objects.filter(is_active=True).values("id", "tube_id", "level")}
    profiles = {}
    for capped in TargetProfileTube.objects.all():
        skills = profiles.setdefault(capped.target_profile_id, {"skills": {}, "stages": []})["skills"]
        skills.update({skill_id: level for (tube_id, skill_id), level in levels.items()
                       if tube_id == capped.tube_id and level <= capped.level})
    for stage in Stage.objects.all():
        profiles.setdefault(stage.target_profile_id, {"skills": {}, "stages": []})["stages"].append(stage)
    return profiles


def _validated_now(apps, user_id, skill_ids):
    KnowledgeElement = apps.get_model("assessments", "KnowledgeElement")
    latest = {}
    for skill_id, status in KnowledgeElement.objects.filter(user_id=user_id, skill_id__in=skill_ids).order_by(
        "created_at", "pk"
    ).values_list("skill_id", "status"):
        latest[skill_id] = status
    return sum(1 for status in latest.values() if status == "validated")


def backfill(apps, schema_editor):
    CampaignParticipation = apps.get_model("participations", "CampaignParticipation")
    StageAcquisition = apps.get_model("participations", "StageAcquisition")
    profiles = _profiles(apps)
    done = set(StageAcquisition.objects.values_list("participation_id", flat=True))
    rows = CampaignParticipation.objects.filter(
        campaign__type="ASSESSMENT", status__in=["SHARED", "TO_SHARE"]
    ).values("pk", "status", "user_id", "validated_skills_count", "campaign__target_profile_id", "assessment__completed_at",
             "shared_at")
    created = []
    for row in rows.iterator():
        profile = profiles.get(row["campaign__target_profile_id"])
        if row["pk"] in done or not profile or not profile["stages"] or not profile["skills"]:
            continue
        if row["status"] == "SHARED":
            validated = row["validated_skills_count"] or 0
        elif row["user_id"] is not None:
            validated = _validated_now(apps, row["user_id"], list(profile["skills"]))
        else:
            continue
        percentage = scoring.mastery_percentage(validated, len(profile["skills"]))
        reached, count = scoring.reached_stage(
            profile["stages"], mastery_percentage=percentage, validated_count=validated,
            target_skill_levels=list(profile["skills"].values()),
        )
        created.append(StageAcquisition(
            participation_id=row["pk"], reached=reached, stage_count=count, mastery_percentage=percentage,
            acquired_at=row["assessment__completed_at"] or row["shared_at"] or timezone.now(),
        ))
    StageAcquisition.objects.bulk_create(created, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("participations", "0006_stageacquisition_badgeacquisition"),
        ("learning_content", "0004_stage_is_first_skill_badge"),
        ("assessments", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
