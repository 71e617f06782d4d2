from django.contrib import admin

from reports.models import Report, ReportRequest


class ReportRequestInline(admin.TabularInline):
    model = ReportRequest
    extra = 0
    fields = ["user", "build", "requested_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "cycle",
        "directorate",
        "status",
        "progress",
        "queued_at",
        "heartbeat_at",
        "finished_at",
    ]
    list_filter = ["status", "cycle"]
    inlines = [ReportRequestInline]
    readonly_fields = [
        "file",
        "page_count",
        "size_bytes",
        "checksum",
        "queued_at",
        "handed_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "built_at",
        "build",
        "attempts",
        "claimed_by",
    ]
