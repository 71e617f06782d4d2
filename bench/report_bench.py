"""Benchmark the organisation-wide quarterly PDF report (not a test).

Budget (DESIGN.md, issue 11): at 20,000 staff and 8 cycles, the organisation report in at most
15 s and at most 1.5 times WeasyPrint alone rendering the same finished HTML, at most 500 MiB,
and still a tagged PDF/UA with a title and language.

Seed the shared benchmark database once (see bench/README.md), then:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddat_bench
    .venv/bin/python bench/report_bench.py [--cycle NAME] [--runs 3]

Each run builds the organisation report for the latest cycle through reports.services.report_build
(gap engine, OKRs, roadmap, HTML, WeasyPrint, storage) inside a transaction that is rolled back,
so the database is left as it was; files go to a temporary MEDIA_ROOT. It prints the wall time of
each run, then WeasyPrint alone on the same finished HTML (the report's own, rendered again from
its stored record), the ratio of the two, the peak resident memory of the process (ru_maxrss),
the PDF's page count and size, and whether pdfinfo reads it as tagged with its title.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
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

BUDGET_SECONDS = 15
BUDGET_RATIO = 1.5
BUDGET_BYTES = 500 * 1024**2


class Rollback(Exception):
    pass


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def weasyprint_alone(html: str) -> float:
    """WeasyPrint on its own: the same HTML, the same variant, written to a file."""
    from weasyprint import HTML

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        document = HTML(string=html, base_url=str(ROOT)).render(pdf_variant="pdf/ua-1")
        document.write_pdf(target=str(Path(folder) / "alone.pdf"), pdf_variant="pdf/ua-1")
    return time.perf_counter() - started


def tagged_with_title(path: str) -> bool:
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return "Tagged:          yes" in info and "Title:           " in info


def build_once(cycle: Cycle) -> tuple[float, float, bool, Report]:
    try:
        with transaction.atomic():
            Report.objects.filter(cycle=cycle, directorate=None).delete()
            report = Report.objects.create(cycle=cycle, directorate=None)
            started = time.perf_counter()
            services.report_build(report_id=report.pk)
            elapsed = time.perf_counter() - started
            built = Report.objects.get(pk=report.pk)
            alone = weasyprint_alone(services.report_html(report=built))
            tagged = tagged_with_title(built.file.path)
            raise Rollback
    except Rollback:
        pass
    return elapsed, alone, tagged, built


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
    times, alone_times, all_tagged = [], [], True
    for run in range(1, options.runs + 1):
        elapsed, alone, tagged, report = build_once(cycle)
        times.append(elapsed)
        alone_times.append(alone)
        all_tagged = all_tagged and tagged
        print(
            f"run {run}: {elapsed:.1f} s (WeasyPrint alone {alone:.1f} s, "
            f"{elapsed / alone:.2f}x), {report.page_count} pages, "
            f"{report.size_bytes / 1024:.0f} KiB, status {report.status}, "
            f"{'tagged with a title' if tagged else 'NOT TAGGED'}"
        )
    peak = peak_rss_bytes()
    median = statistics.median(times)
    ratio = median / statistics.median(alone_times)
    print(f"median {median:.1f} s (budget {BUDGET_SECONDS} s)")
    print(f"median / WeasyPrint alone: {ratio:.2f} (budget {BUDGET_RATIO})")
    print(
        f"peak resident memory {peak / 1024**2:.0f} MiB "
        f"(after start-up {baseline / 1024**2:.0f} MiB; budget {BUDGET_BYTES / 1024**2:.0f} MiB)"
    )
    within = (
        median <= BUDGET_SECONDS and ratio <= BUDGET_RATIO and peak <= BUDGET_BYTES and all_tagged
    )
    print("within budget" if within else "OVER BUDGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
