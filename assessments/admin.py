from django.contrib import admin

from assessments.models import Assessment, Cycle, Rating


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_on", "closes_on", "state", "framework"]
    list_filter = ["state"]


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    raw_id_fields = ["skill", "level", "agreed_level", "proposed_level"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["person", "cycle", "status", "submitted_at", "reviewed_at"]
    list_filter = ["cycle", "status"]
    search_fields = ["person__user__full_name", "person__user__email"]
    raw_id_fields = ["person", "team", "directorate", "tier", "role_profile", "reviewed_by"]
    inlines = [RatingInline]
