from django.apps import AppConfig


class CapabilityConfig(AppConfig):
    name = "capability"
    default_auto_field = "django.db.models.BigAutoField"
