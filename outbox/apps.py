from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox: emails queued with the change they are about, sent by the worker"

    def ready(self) -> None:
        # Register the sender in every process, so the hand-off after a commit finds it by name.
        from outbox import tasks  # noqa: F401
