from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`. Depends on every other app; nothing depends on it."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
