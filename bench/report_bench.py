"""Benchmark the organisation-wide quarterly PDF report (not a test).

Budget (DESIGN.md): under 30 s and under 1 GiB of memory for 20,000 staff and 8 cycles.

Seed the shared benchmark database once (see bench/README.md), then:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddat_bench
    .venv/bin/python bench/report_bench.py [--cycle NAME] [--runs 3]

Each run builds the organisation report for the latest cycle through reports.services.report_build
(gap engine, OKRs, roadmap, HTML, WeasyPrint, storage) inside a transaction that is rolled back,
so the database is left as it was; files go to a temporary MEDIA_ROOT. It prints the wall time of
each run, the peak resident memory of the process (ru_maxrss) and the PDF's page count and size.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ddat_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="report-bench-")
os.environ.pop("REDIS_URL", None)  # nothing is queued: the build runs here

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from assessments.models import Assessment, Cycle  # noqa: E402
from insights import gaps  # noqa: E402
from reports import services  # noqa: E402
from reports.models import Report  # noqa: E402

BUDGET_SECONDS = 30
BUDGET_BYTES = 1024**3


class Rollback(Exception):
    pass


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def build_once(cycle: Cycle) -> tuple[float, Report]:
    try:
        with transaction.atomic():
            Report.objects.filter(cycle=cycle, directorate=None).delete()
            report = Report.objects.create(cycle=cycle, directorate=None)
            started = time.perf_counter()
            services.report_build(report_id=report.pk)
            elapsed = time.perf_counter() - started
            built = Report.objects.get(pk=report.pk)
            raise Rollback
    except Rollback:
        pass
    return elapsed, built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycle", help="cycle name (default: the latest)")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    cycle = Cycle.objects.get(name=options.cycle) if options.cycle else gaps.latest_cycle()
    if cycle is None:
        print("No cycles: seed the database first (bench/README.md).")
        return 2
    staff = Assessment.objects.filter(cycle=cycle).count()
    cycles = Cycle.objects.count()
    print(
        f"Database {connection.settings_dict['NAME']}: {staff} people in {cycle}, {cycles} cycles"
    )
    baseline = peak_rss_bytes()
    times = []
    for run in range(1, options.runs + 1):
        elapsed, report = build_once(cycle)
        times.append(elapsed)
        print(
            f"run {run}: {elapsed:.1f} s, {report.page_count} pages, "
            f"{report.size_bytes / 1024:.0f} KiB, status {report.status}"
        )
    peak = peak_rss_bytes()
    median = statistics.median(times)
    print(f"median {median:.1f} s (budget {BUDGET_SECONDS} s)")
    print(
        f"peak resident memory {peak / 1024**2:.0f} MiB "
        f"(after start-up {baseline / 1024**2:.0f} MiB; budget {BUDGET_BYTES / 1024**2:.0f} MiB)"
    )
    within = median < BUDGET_SECONDS and peak < BUDGET_BYTES
    print("within budget" if within else "OVER BUDGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
