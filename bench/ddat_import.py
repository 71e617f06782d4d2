"""Benchmark: importing a full-size DDaT download pair, and a role-level assessment area page.

Generates a synthetic pair the size of the Autumn 2025 download (8 role families, 52 roles,
205 role levels, 188 skills, about 1,800 rows with multi-line cells and some duplicates; no text
from the official files), imports it with `manage.py import_ddat` in a child process (its own
time and peak memory), publishes it, opens a cycle and times a senior role level's assessment
area page through the test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ddat_h10 .venv/bin/python bench/ddat_import.py

The database must be migrated and hold no framework yet (the script loads the starter).
"""

from __future__ import annotations

import csv
import datetime
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

FAMILIES = 8
ROLES = 52
ROLE_LEVELS = 205
SKILLS = 188
LEVEL_WORDS = ["Awareness", "Working", "Practitioner", "Expert"]
PREFIXES = ["Associate", "", "Senior", "Lead", "Principal"]


def bullets(subject: str, count: int) -> str:
    """Text in the download's shape and about its length (no text from it)."""
    return "You can:\n" + "\n".join(
        f"- do part {n} of {subject} well, explaining to others how and why it is done this "
        "way and what to check before it is finished"
        for n in range(count)
    )


def write_pair(folder: Path, seed: int = 1) -> tuple[Path, Path, int]:
    rng = random.Random(seed)
    skills = [f"Synthetic skill {n:03}" for n in range(SKILLS)]
    skills_path = folder / "skills.csv"
    with skills_path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["Skill Name", "Skill Description", *LEVEL_WORDS, "Roles that require Skill"]
        )
        for n, name in enumerate(skills):
            description = "" if n % 17 == 0 else f"What {name.lower()} is about, in a sentence."
            writer.writerow(
                [name, description, *(bullets(f"{name} at {w}", 3 + n % 3) for w in LEVEL_WORDS)]
                + ["Several roles"]
            )
    roles_path = folder / "roles.csv"
    rows = []
    levels_made = 0
    for role_number in range(ROLES):
        family = f"Family {role_number % FAMILIES}"
        role = f"Synthetic role {role_number:02}"
        # 205 role levels over 52 roles: most have 4, some 3 or 5.
        count = 4 + (1 if role_number < ROLE_LEVELS - 4 * ROLES else 0)
        if role_number >= ROLES - 3:
            count = 3
        for position in range(min(count, ROLE_LEVELS - levels_made)):
            prefix = PREFIXES[position]
            level = f"{prefix} {role.lower()}".strip().capitalize() if prefix else role
            levels_made += 1
            needed = rng.sample(range(SKILLS), 9)
            for skill_number in needed:
                word = LEVEL_WORDS[min(3, position - (1 if position > 2 else 0))]
                name = skills[skill_number]
                rows.append(
                    [
                        family,
                        role,
                        f"What a {role.lower()} does.",
                        level,
                        bullets(level, 4),
                        name,
                        f"What {name.lower()} is about.",
                        word,
                        bullets(f"{name} at {word}", 5),
                        "Digital and data",
                    ]
                )
    rows += rng.sample(rows, 40)  # the download repeats some rows exactly
    rows.sort(key=lambda row: (row[0], row[1], row[3]))  # role levels alphabetical, as published
    with roles_path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                "Role Family",
                "Role",
                "Role Description",
                "Role Level",
                "Role Level Description",
                "Skill Name",
                "Skill Description",
                "Skill Level",
                "Skill Level Description",
                "Role Type",
            ]
        )
        writer.writerows(rows)
    return roles_path, skills_path, len(rows)


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments import services as assessment_services
    from assessments.models import Cycle
    from capability.models import Framework
    from capability.services import framework_publish
    from tests.factories import StaffProfileFactory

    if Framework.objects.exists():
        sys.exit("Use an empty, migrated database: it must hold no framework yet")
    call_command("load_framework", stdout=open(os.devnull, "w"))  # noqa: SIM115
    folder = Path(tempfile.mkdtemp())
    roles_path, skills_path, row_count = write_pair(folder)
    size = roles_path.stat().st_size
    print(f"roles file: {row_count} rows, {size / 1024 / 1024:.1f} MB")
    started = time.perf_counter()
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, sys, django, os;"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
            "django.setup();"
            "from django.core.management import call_command;"
            f"call_command('import_ddat', '--roles', {str(roles_path)!r}, "
            f"'--skills', {str(skills_path)!r}, '--version', 'bench');"
            "print('peak_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    print(child.stdout.strip())
    peak = int(child.stdout.split("peak_kib")[1])
    print(f"import_ddat: {elapsed:.2f} s wall (process start included), peak {peak / 1024:.0f} MiB")

    draft = Framework.objects.get(version="bench")
    framework_publish(framework=draft)
    role = draft.roles.filter(name__startswith="Senior").order_by("pk").first()
    person = StaffProfileFactory(role_profile=role, user__email="bench-person@example.org")
    cycle = Cycle.objects.create(
        name="Bench",
        opens_on=datetime.date(2026, 10, 1),
        closes_on=datetime.date(2026, 12, 19),
        framework=draft,
        state=Cycle.State.OPEN,
    )
    assessment = assessment_services.assessment_start(cycle=cycle, person=person)
    from collections import Counter

    in_area = Counter(t.skill.area for t in role.targets.select_related("skill__area"))
    area = in_area.most_common(1)[0][0]  # the area with most of the role level's skills
    client = Client()
    client.force_login(person.user)
    url = f"/assessments/mine/{assessment.pk}/areas/{area.slug}/"
    client.get(url)
    timings, queries = [], []
    for _ in range(int(os.environ.get("BENCH_RUNS", "9"))):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured))
    page = response.content.decode()
    print(
        f"role-level area page ({role.name}, area {area.name}): median "
        f"{statistics.median(timings):.0f} ms, queries {sorted(set(queries))}, "
        f"{page.count('govuk-fieldset__heading')} skills on the page"
    )
    print(f"parent peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
