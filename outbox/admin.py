from django.contrib import admin

from outbox.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Read only: the outbox is the record of what was sent; heads retry from the service."""

    list_display = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    # Bodies stay out of sight: a password reset email holds a sign-in link.
    exclude = ["body", "key"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
