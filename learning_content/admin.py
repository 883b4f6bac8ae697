"""Read-mostly: the files of content/ are the source, `load_content` writes these rows."""

from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "color"]


@admin.register(models.Competence)
class CompetenceAdmin(ReadOnlyAdmin):
    list_display = ["index", "name", "area"]
    search_fields = ["index", "name"]


@admin.register(models.Tube)
class TubeAdmin(ReadOnlyAdmin):
    list_display = ["name", "practical_title", "competence", "is_active"]
    list_filter = ["competence__area", "competence", "is_active"]
    search_fields = ["name", "practical_title", "practical_description"]


@admin.register(models.Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ["name", "level", "pix_value", "tube", "hint", "is_active"]
    list_filter = ["level", "competence", "is_active"]
    search_fields = ["name", "hint", "tube__name"]
    list_select_related = ["tube"]


@admin.register(models.Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "skill", "status", "timer"]
    list_filter = ["type", "status", "skill__competence"]
    search_fields = ["id", "instruction", "skill__name"]
    list_select_related = ["skill"]


@admin.register(models.Tutorial)
class TutorialAdmin(ReadOnlyAdmin):
    list_display = ["title", "source", "format", "duration"]
    list_filter = ["format", "source"]
    search_fields = ["title", "source", "link"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CappedTubeInline(ReadOnlyInline):
    model = models.TargetProfileTube


class StageInline(ReadOnlyInline):
    model = models.Stage


class BadgeInline(ReadOnlyInline):
    model = models.Badge
    fields = ["key", "title", "is_certifiable", "is_always_visible", "criteria"]


@admin.register(models.TargetProfile)
class TargetProfileAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "is_outdated"]
    list_filter = ["category", "is_outdated"]
    search_fields = ["name", "description"]
    inlines = [CappedTubeInline, StageInline, BadgeInline]


@admin.register(models.ContentRelease)
class ContentReleaseAdmin(ReadOnlyAdmin):
    list_display = ["version", "loaded_at"]
