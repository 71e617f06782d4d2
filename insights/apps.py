from django.apps import AppConfig


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = "Insights: published figures"

    def ready(self) -> None:
        # Register the worker's tasks in every process, so assessments can nudge them by name.
        from insights import tasks  # noqa: F401
