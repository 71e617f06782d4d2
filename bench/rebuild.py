"""Time the rebuild of one cycle's published figures (not a test).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddat_bench100
    .venv/bin/python bench/rebuild.py [--cycle NAME] [--runs 3] [--modes first,noop,fresh]
        [--module path/to/other/publishing.py] [--batch N] [--profile out.prof]

Modes, each timed --runs times (the median is printed with `uptime`'s load beside it):

- first: the default batched rebuild on a cycle with no figures (what a new database or a
  restore does): the cycle's rows are deleted first, untimed;
- noop: the default batched rebuild when nothing has changed (the nightly reconciliation);
- fresh: `rebuild(fresh=True)`, one transaction from scratch.

--module loads another copy of insights/publishing.py (say, the previous commit's) in place of
the current one, to compare the two in the same minutes. After each run it prints a checksum of
the cycle's rows, so two versions can be shown to write exactly the same figures.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ddat_bench100")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-0123456789abcdefghijklmnopqrstuvwxyz")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from assessments.models import Cycle  # noqa: E402
from insights.models import Contribution, FigureClock, PublishedFigure  # noqa: E402

FIGURE_COLUMNS = (
    "place, place_id, directorate_id, cut, tier_id, role_profile_id, subject, subject_id, "
    "asked, submitted, started, people, ratings, at_target, gap_sum, level_0, level_1, "
    "level_2, level_3, level_4, level_5, level_6, level_7, level_8, level_9, published::text, "
    "published_seq, pending"
)


def checksum(cycle_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), md5(string_agg(r::text, '|' ORDER BY r::text)) FROM "
            f"(SELECT {FIGURE_COLUMNS} FROM insights_publishedfigure WHERE cycle_id = %s) r",
            [cycle_id],
        )
        figures = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), md5(string_agg(r::text, '|' ORDER BY r::text)) FROM "
            "(SELECT assessment_id, directorate_id, team_id, tier_id, role_profile_id, status, "
            "ratings::text, changed_seq FROM insights_contribution WHERE cycle_id = %s) r",
            [cycle_id],
        )
        contributions = cursor.fetchone()
    return (
        f"figures {figures[0]} {figures[1][:10]}, "
        f"contributions {contributions[0]} {contributions[1][:10]}"
    )


def vacuum() -> None:
    with connection.cursor() as cursor:
        for table in ("insights_publishedfigure", "insights_contribution", "insights_figureclock"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def forget(cycle_id: int) -> None:
    FigureClock.objects.filter(cycle_id=cycle_id).delete()
    PublishedFigure.objects.filter(cycle_id=cycle_id).delete()
    Contribution.objects.filter(cycle_id=cycle_id).delete()


def load(path: str | None):
    if not path:
        from insights import publishing

        return publishing
    spec = importlib.util.spec_from_file_location("publishing_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycle")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="first,noop,fresh")
    parser.add_argument("--module")
    parser.add_argument("--profile")
    parser.add_argument("--batch", type=int, help="assessments per batch (default: the module's)")
    args = parser.parse_args()
    publishing = load(args.module)
    cycles = Cycle.objects.exclude(state=Cycle.State.DRAFT).order_by("-opens_on", "-pk")
    cycle = cycles.get(name=args.cycle) if args.cycle else cycles.first()
    print(f"{args.module or 'insights/publishing.py'}, cycle {cycle.name}", flush=True)
    for mode in args.modes.split(","):
        times = []
        for run in range(args.runs):
            if mode == "first":
                forget(cycle.pk)
            elif mode == "noop" and run == 0:
                publishing.rebuild(cycle_id=cycle.pk)  # make sure nothing is left to change
            vacuum()
            load_before = os.getloadavg()[0]
            profile = cProfile.Profile() if args.profile else None
            started = time.perf_counter()
            if profile:
                profile.enable()
            options = {"batch": args.batch} if args.batch else {}
            changed = publishing.rebuild(cycle_id=cycle.pk, fresh=mode == "fresh", **options)
            if profile:
                profile.disable()
                profile.dump_stats(f"{args.profile}.{mode}")
            seconds = time.perf_counter() - started
            times.append(seconds)
            print(
                f"  {mode}: {seconds:.1f} s, {changed} changed, load {load_before:.2f} -> "
                f"{os.getloadavg()[0]:.2f}; {checksum(cycle.pk)}",
                flush=True,
            )
        print(f"{mode} median {statistics.median(times):.1f} s", flush=True)
    vacuum()


if __name__ == "__main__":
    main()
