"""Benchmark the gap dashboards against a large synthetic organisation (not a test).

Seed a dedicated database once, then run this as often as you like:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddat_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_scale --staff 20000 --cycles 8 --seed 1
    .venv/bin/python bench/run.py            # or: make bench

It prints the median time and the number of queries of each page, through Django's test client
(so the figures include template rendering but not the network): as read again (the privacy
rules' decisions remembered) and as first read after the worker applies a batch (nothing
remembered). BENCH_PAGES_ONLY=1 skips the worker and rebuild measures.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ddat_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments import changes  # noqa: E402
from common.roles import HEAD_OF_DIGITAL  # noqa: E402
from insights import gaps, publishing  # noqa: E402
from people.models import StaffProfile, User  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def measure(client: Client, url: str, *, cold: bool = False) -> tuple[float, int, int]:
    """Median milliseconds over RUNS requests (after one warm-up), queries, and status code.
    cold: nothing remembered before each request (the privacy rules' decisions, insights.decisions,
    as on the first page after the worker applies a batch)."""
    response = client.get(url)  # warm-up: connection, templates, caches
    timings = []
    for _ in range(RUNS):
        if cold:
            cache.clear()
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return statistics.median(timings), len(captured), response.status_code


def main() -> int:
    cycle = gaps.latest_cycle()
    staff = StaffProfile.objects.count()
    with connection.cursor() as cursor:  # autovacuum is off on the benchmark machines
        cursor.execute("VACUUM ANALYZE insights_publishedfigure")
    if cycle is None or staff < 1000:
        print("No large organisation found. Run: manage.py seed_scale --staff 20000 --cycles 8")
        return 1
    head, _created = User.objects.get_or_create(
        email="bench-head@example.org", defaults={"full_name": "Benchmark Head"}
    )
    head.groups.add(head.groups.model.objects.get_or_create(name=HEAD_OF_DIGITAL)[0])
    manager = (
        StaffProfile.objects.annotate(reports=Count("direct_reports"))
        .filter(reports__gte=5)
        .order_by("-reports", "pk")
        .first()
    )
    team = manager.team
    skill = cycle.framework.skills.order_by("pk").first()
    client = Client()
    client.force_login(head)
    manager_client = Client()  # only the manager sees their own team's page
    manager_client.force_login(manager.user)
    organisation = reverse("insights:organisation_dashboard")
    pages = [
        ("Organisation dashboard", organisation, client),
        (
            "Organisation dashboard, one directorate (teams heatmap)",
            f"{organisation}?cycle={cycle.pk}&directorate={team.directorate_id}",
            client,
        ),
        (
            "Drill-down: one team x skills",
            reverse("insights:organisation_team", args=[team.pk]),
            client,
        ),
        (
            "Drill-down: one skill's distribution",
            reverse("insights:organisation_skill", args=[skill.pk]),
            client,
        ),
        (
            f"Team dashboard ({manager.direct_reports.count()} reports)",
            reverse("insights:team_dashboard"),
            manager_client,
        ),
        ("CSV export: heatmap", f"{organisation}?format=csv&table=heatmap", client),
        ("CSV export: biggest gaps", f"{organisation}?format=csv&table=biggest_gaps", client),
    ]
    ratings = cycle.assessments.model.objects.count()
    print(
        f"{staff} staff, {ratings} assessments, latest cycle {cycle.name}, "
        f"{connection.vendor}, {RUNS} runs each"
    )
    print(f"{'page':<58} {'median ms':>10} {'queries':>8} {'first read':>11} {'queries':>8}")
    for label, url, page_client in pages:
        median, queries, status = measure(page_client, url)
        cold, cold_queries, _status = measure(page_client, url, cold=True)
        if status != 200:
            print(f"{label}: HTTP {status}")
            return 1
        print(f"{label:<58} {median:>10.0f} {queries:>8} {cold:>11.0f} {cold_queries:>8}")
    if os.environ.get("BENCH_PAGES_ONLY"):
        return 0
    median = worker_time_for_one_submission(cycle)
    print(f"{'Worker: publish one submission (apply one change)':<58} {median:>10.0f}")
    for label, fresh in (("Rebuild, nothing to change", False), ("Rebuild from scratch", True)):
        started = time.perf_counter()
        publishing.rebuild(cycle_id=cycle.pk, fresh=fresh)
        print(f"{label + ' (one cycle)':<58} {(time.perf_counter() - started) * 1000:>10.0f}")
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


def worker_time_for_one_submission(cycle) -> float:
    """Median ms for the worker to apply one person's submission (and, alternately, its undoing:
    the assessment is put back to in progress, so the figures end as they began)."""
    from config.celery import app

    app.conf.task_always_eager = False  # the change waits in the outbox for the worker
    assessment = cycle.assessments.filter(status="submitted").order_by("pk").first()
    timings = []
    for status in ["in_progress", "submitted"] * max(2, RUNS // 2):
        type(assessment).objects.filter(pk=assessment.pk).update(status=status)
        changes.assessments_changed([assessment])  # eager off here: only the outbox row
        started = time.perf_counter()
        publishing.apply_changes()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


if __name__ == "__main__":
    sys.exit(main())
