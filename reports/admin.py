from django.contrib import admin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["cycle", "directorate", "status", "progress", "queued_at", "finished_at"]
    list_filter = ["status", "cycle"]
    readonly_fields = [
        "file",
        "page_count",
        "size_bytes",
        "checksum",
        "queued_at",
        "started_at",
        "finished_at",
        "attempts",
        "claimed_by",
    ]
