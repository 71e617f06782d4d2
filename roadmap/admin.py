from django.contrib import admin

from roadmap.models import Initiative, Milestone


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "horizon", "start_on", "end_on"]
    list_filter = ["status", "horizon"]
    search_fields = ["title"]
    filter_horizontal = ["key_results", "skills", "areas"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "initiative", "due_on", "done"]
    list_filter = ["done"]
    search_fields = ["title"]
