"""Background work for people and their sign-in sessions."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(name="people.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions, which Django never removes itself. Safe to run again."""
    call_command("clearsessions")
