from django.contrib import admin

from okrs.models import CheckIn, KeyResult, Objective


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0
    fields = ["title", "kind", "measure", "baseline", "target", "unit", "order"]
    show_change_link = True


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "owner", "order"]
    list_filter = ["period"]
    search_fields = ["title"]
    inlines = [KeyResultInline]


@admin.register(KeyResult)
class KeyResultAdmin(admin.ModelAdmin):
    list_display = ["title", "objective", "kind", "measure", "baseline", "target", "unit"]
    list_filter = ["kind", "measure", "objective__period"]
    search_fields = ["title"]
    raw_id_fields = ["skill", "area", "tier", "directorate", "team", "framework"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["key_result", "date", "value", "confidence", "author"]
    list_filter = ["confidence"]
    date_hierarchy = "date"
