from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = "Learning and development"
    default_auto_field = "django.db.models.BigAutoField"
