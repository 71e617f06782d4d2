from django.contrib import admin

from development.models import LearningResource


@admin.register(LearningResource)
class LearningResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "skill_slug", "level", "format", "mandatory"]
    list_filter = ["mandatory", "format", "level"]
    search_fields = ["title", "provider", "skill_slug"]
