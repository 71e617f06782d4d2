"""Rebuild the published figures from the assessments: every cycle, or one by name.

    python manage.py rebuild_figures [--cycle "2026 Q4"]

Safe while people submit, and idempotent: each assessment is compared with what it last added to
the figures, and only differences are applied (insights.publishing).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from assessments.models import Cycle
from insights import publishing


class Command(BaseCommand):
    help = "Rebuild the published figures of every cycle, or of one cycle by name."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", help='The cycle\'s name, for example "2026 Q4".')

    def handle(self, *args: object, **options: object) -> None:
        cycles = Cycle.objects.exclude(state=Cycle.State.DRAFT).order_by("opens_on", "pk")
        if options["cycle"]:
            cycles = cycles.filter(name=options["cycle"])
            if not cycles.exists():
                raise CommandError(f"There is no open or closed cycle called {options['cycle']!r}.")
        for cycle in cycles:
            started = time.perf_counter()
            changed = publishing.rebuild(cycle_id=cycle.pk)
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"{cycle.name}: {changed} assessments changed the figures ({seconds:.1f} s)"
            )
        applied = publishing.apply_changes()
        if applied:
            self.stdout.write(f"Then {applied} changes waiting in the outbox were applied.")
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # A rebuild rewrites many rows; where autovacuum is off (as on some test machines)
            # the dead rows and stale statistics would slow every page that reads them.
            with connection.cursor() as cursor:
                for table in ("insights_publishedfigure", "insights_contribution"):
                    cursor.execute(f"VACUUM ANALYZE {table}")
