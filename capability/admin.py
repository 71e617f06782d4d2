"""Django admin for the framework. Published and retired versions are read only here too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from capability.models import (
    CapabilityArea,
    Framework,
    Level,
    LevelDescriptor,
    RoleProfile,
    RoleTarget,
    Skill,
    Tier,
)


def _framework_of(obj: Any) -> Framework | None:
    if obj is None:
        return None
    if isinstance(obj, Framework):
        return obj
    if isinstance(obj, RoleTarget):
        return obj.role.framework
    if isinstance(obj, LevelDescriptor):
        return obj.skill.framework
    return obj.framework


class DraftOnlyMixin:
    """Only a draft may change; status changes go through the publish page, not the admin."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        framework = _framework_of(obj)
        if framework is not None and not framework.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        framework = _framework_of(obj)
        if framework is not None and not framework.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        framework = _framework_of(obj)
        if framework is not None and not framework.is_editable:
            return False
        if obj is None:
            return super().has_add_permission(request)
        return super().has_add_permission(request, obj)


class LevelInline(DraftOnlyMixin, admin.TabularInline):
    model = Level
    extra = 0


class TierInline(DraftOnlyMixin, admin.TabularInline):
    model = Tier
    extra = 0


class AreaInline(DraftOnlyMixin, admin.TabularInline):
    model = CapabilityArea
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "version", "status", "created_at", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "based_on", "created_at", "published_at", "retired_at"]
    inlines = [LevelInline, TierInline, AreaInline]


@admin.register(Level)
class LevelAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "name", "framework"]
    list_filter = ["framework"]


@admin.register(Tier)
class TierAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "name", "slug", "default_target", "framework"]
    list_filter = ["framework"]


@admin.register(CapabilityArea)
class CapabilityAreaAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order", "framework"]
    list_filter = ["framework"]


class DescriptorInline(DraftOnlyMixin, admin.TabularInline):
    model = LevelDescriptor
    extra = 0


@admin.register(Skill)
class SkillAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "area", "tier", "framework"]
    list_filter = ["framework", "tier__name", "area__name"]
    search_fields = ["name", "slug"]
    inlines = [DescriptorInline]


@admin.register(LevelDescriptor)
class LevelDescriptorAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["skill", "level"]
    list_filter = ["skill__framework"]
    search_fields = ["skill__name", "text"]


class TargetInline(DraftOnlyMixin, admin.TabularInline):
    model = RoleTarget
    extra = 0


@admin.register(RoleProfile)
class RoleProfileAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "family", "group", "seniority", "code", "tier", "framework"]
    list_filter = ["framework"]
    search_fields = ["name", "slug"]
    inlines = [TargetInline]


@admin.register(RoleTarget)
class RoleTargetAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["role", "skill", "level"]
    list_filter = ["role__framework"]
