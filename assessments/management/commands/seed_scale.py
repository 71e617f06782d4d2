"""Build a reproducible synthetic organisation for benchmarks.

    python manage.py seed_scale --staff 20000 --cycles 8 --seed 1

About one team per 100 staff, spread over directorates; inside each team a head of service manages
a few service managers, each of whom line-manages 5 to 30 people. One assessment per person per
quarterly cycle (the last cycle open, earlier ones closed), rated on every skill of their tier,
with levels that improve slowly from cycle to cycle. Rows go in with bulk inserts (COPY on
PostgreSQL), so 20,000 staff x 8 cycles takes a few minutes.
"""

from __future__ import annotations

import io
import json
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as time_of_day

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Assessment, Cycle, Rating
from capability.models import Framework, RoleProfile, Skill
from capability.selectors import published_framework, target_levels
from people.models import Directorate, StaffProfile, Team, User

EMAIL_DOMAIN = "scale.example.org"
DIRECTORATES = [
    "Adults and Health",
    "Children and Families",
    "Place and Environment",
    "Resources",
    "Communities",
    "Housing",
    "Finance and Commercial",
    "Customer and Digital",
    "Regeneration",
    "Public Health",
    "Education and Skills",
    "Legal and Governance",
]
TEAM_WORDS = [
    "Revenues",
    "Benefits",
    "Waste",
    "Highways",
    "Planning",
    "Licensing",
    "Libraries",
    "Parking",
    "Adult Care",
    "Safeguarding",
    "Early Help",
    "Transport",
    "Payroll",
    "Procurement",
    "Contact Centre",
    "Property",
    "Housing Options",
    "Environmental Health",
]
FIRST_NAMES = [
    "Aisha", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Harry", "Isla", "Jack", "Kiran",
    "Leah", "Mohammed", "Nia", "Oscar", "Priya", "Quinn", "Ruby", "Sam", "Tom", "Uma", "Vik",
    "Wendy", "Yusuf", "Zara",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Roberts", "Singh", "Taylor", "Walker",
]  # fmt: skip
UNUSABLE_PASSWORD = "!seed-scale"  # no one signs in as a synthetic person


class Command(BaseCommand):
    help = "Build a reproducible synthetic organisation with assessments for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--staff", type=int, default=20000)
        parser.add_argument("--cycles", type=int, default=8)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete people, teams and cycles made by an earlier run first.",
        )

    def handle(self, *args: object, **options: object) -> None:
        staff, cycles, seed = int(options["staff"]), int(options["cycles"]), int(options["seed"])
        if staff < 5:
            raise CommandError("--staff must be 5 or more")
        if not 1 <= cycles <= 40:
            raise CommandError("--cycles must be between 1 and 40")
        started = time.monotonic()
        if User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists():
            if not options["replace"]:
                raise CommandError(
                    "A synthetic organisation is already loaded. Run again with --replace to "
                    "delete it and build a new one."
                )
            self._delete_previous()
        framework = self._framework()
        rng = random.Random(seed)
        with transaction.atomic():
            people = self._people(rng, framework, staff)
            cycle_list = self._cycles(framework, cycles)
        self.stdout.write(f"{len(people)} people in {Team.objects.count()} teams")
        self._assessments(rng, framework, people, cycle_list)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE assessments_assessment, assessments_rating")
        summary_started = time.monotonic()
        # By name: the figures are published by insights, which sits above assessments.
        call_command("rebuild_figures", stdout=self.stdout)
        self.stdout.write(f"Figures published in {time.monotonic() - summary_started:.0f}s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {staff} staff x {cycles} cycles in {time.monotonic() - started:.0f}s"
            )
        )

    # --- parts -------------------------------------------------------------------------------

    def _delete_previous(self) -> None:
        profiles = StaffProfile.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}")
        cycle_ids = list(
            Cycle.objects.filter(assessments__person__in=profiles).values_list("id", flat=True)
        )
        with transaction.atomic():
            Rating.objects.filter(assessment__person__in=profiles).delete()
            Assessment.objects.filter(person__in=profiles).delete()
            Cycle.objects.filter(pk__in=cycle_ids, assessments__isnull=True).delete()
            team_ids = list(profiles.values_list("team_id", flat=True).distinct())
            profiles.update(line_manager=None)
            profiles.delete()
            User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
            Team.objects.filter(pk__in=team_ids, members__isnull=True).delete()
            Directorate.objects.filter(teams__isnull=True).delete()

    def _framework(self) -> Framework:
        framework = published_framework()
        if framework is not None:
            return framework
        from capability.services import STARTER_FRAMEWORK, framework_install

        data = json.loads(STARTER_FRAMEWORK.read_text(encoding="utf-8"))
        framework, _created = framework_install(data=data)
        if framework.status != Framework.Status.PUBLISHED:
            raise CommandError("No framework is published: publish one and run this again.")
        return framework

    def _people(self, rng: random.Random, framework: Framework, staff: int) -> list[StaffProfile]:
        roles = list(RoleProfile.objects.filter(framework=framework).select_related("tier"))
        by_tier: dict[int, list[RoleProfile]] = {}
        for role in roles:
            by_tier.setdefault(role.tier.number, []).append(role)
        tiers = sorted(by_tier)
        lowest, middle, highest = tiers[0], tiers[len(tiers) // 2], tiers[-1]
        team_count = max(1, round(staff / 100))
        directorate_count = max(1, min(len(DIRECTORATES), team_count // 15 or 1))
        directorates = [
            Directorate.objects.get_or_create(name=name)[0]
            for name in DIRECTORATES[:directorate_count]
        ]
        teams = Team.objects.bulk_create(
            [
                Team(
                    directorate=directorates[index % directorate_count],
                    name=f"{TEAM_WORDS[index % len(TEAM_WORDS)]} {index // len(TEAM_WORDS) + 1}"
                    f" (synthetic {index + 1})",
                )
                for index in range(team_count)
            ]
        )
        # Split staff over teams as evenly as possible.
        sizes = [
            staff // team_count + (1 if i < staff % team_count else 0) for i in range(team_count)
        ]
        plan: list[tuple[Team, str, int | None]] = []  # team, kind, index of line manager
        for team, size in zip(teams, sizes, strict=True):
            lead = len(plan)
            plan.append((team, "lead", None))
            remaining = size - 1
            while remaining > 0:
                if remaining <= 6:  # too few for another manager: they report to the lead
                    plan.extend((team, "staff", lead) for _ in range(remaining))
                    break
                reports = min(rng.randint(5, 30), remaining - 1)
                manager = len(plan)
                plan.append((team, "manager", lead))
                plan.extend((team, "staff", manager) for _ in range(reports))
                remaining -= reports + 1
        now = timezone.now()
        users = User.objects.bulk_create(
            [
                User(
                    email=f"person{n}@{EMAIL_DOMAIN}",
                    full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    password=UNUSABLE_PASSWORD,
                    date_joined=now,
                )
                for n in range(len(plan))
            ],
            batch_size=5000,
        )
        tier_for_kind = {"lead": highest, "manager": middle, "staff": lowest}
        profiles = StaffProfile.objects.bulk_create(
            [
                StaffProfile(
                    user=user,
                    team=team,
                    job_title=kind.title(),
                    role_profile=rng.choice(by_tier[tier_for_kind[kind]]),
                )
                for user, (team, kind, _manager) in zip(users, plan, strict=True)
            ],
            batch_size=5000,
        )
        for profile, (_team, _kind, manager) in zip(profiles, plan, strict=True):
            if manager is not None:
                profile.line_manager_id = profiles[manager].pk
        StaffProfile.objects.bulk_update(profiles, ["line_manager"], batch_size=5000)
        for profile in profiles:
            profile.directorate_id = profile.team.directorate_id
        return profiles

    def _cycles(self, framework: Framework, count: int) -> list[Cycle]:
        today = timezone.localdate()
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        starts = [quarter_start]
        for _ in range(count - 1):
            previous = starts[-1] - timedelta(days=1)
            starts.append(date(previous.year, 3 * ((previous.month - 1) // 3) + 1, 1))
        starts.reverse()
        taken = set(Cycle.objects.values_list("name", flat=True))
        cycles = []
        for index, start in enumerate(starts):
            name = f"{start.year} Q{(start.month - 1) // 3 + 1}"
            if name in taken:
                name = f"{name} (synthetic)"
            last = index == len(starts) - 1
            cycles.append(
                Cycle.objects.create(
                    name=name,
                    opens_on=start,
                    closes_on=start + timedelta(days=60),
                    framework=framework,
                    state=Cycle.State.OPEN if last else Cycle.State.CLOSED,
                )
            )
        return cycles

    def _assessments(
        self,
        rng: random.Random,
        framework: Framework,
        people: list[StaffProfile],
        cycles: list[Cycle],
    ) -> None:
        levels = {level.number: level.pk for level in framework.levels.all()}
        top = max(levels)
        skills = list(Skill.objects.filter(framework=framework).select_related("tier"))
        roles = {
            role.pk: role
            for role in RoleProfile.objects.filter(framework=framework).select_related(
                "tier", "tier__default_target"
            )
        }
        plans = {}
        for role in roles.values():
            # The person's scope and targets, as the journey has them (one query per role).
            targets = target_levels(role.tier, role)
            plans[role.pk] = [
                (skill.pk, targets[skill.pk]) for skill in skills if skill.pk in targets
            ]
        # A latent ability per person and skill that grows slowly from cycle to cycle.
        ability = {
            person.pk: [
                max(0.0, min(float(top), target - rng.choice((0, 0, 1, 1, 1, 2, 2, 3, -1))))
                for _skill, target in plans[person.role_profile_id]
            ]
            for person in people
        }
        for index, cycle in enumerate(cycles):
            last = index == len(cycles) - 1
            started = time.monotonic()
            statuses = []
            for _person in people:
                roll = rng.random()
                if roll < (0.55 if last else 0.6):
                    statuses.append(Assessment.Status.SUBMITTED)
                elif roll < (0.7 if last else 0.9):
                    statuses.append(Assessment.Status.REVIEWED)
                elif roll < (0.85 if last else 0.96):
                    statuses.append(Assessment.Status.IN_PROGRESS)
                else:
                    statuses.append(Assessment.Status.NOT_STARTED)
            when = timezone.make_aware(datetime.combine(cycle.opens_on, time_of_day(9)))
            assessments = Assessment.objects.bulk_create(
                [
                    Assessment(
                        cycle=cycle,
                        person_id=person.pk,
                        status=status,
                        directorate_id=person.directorate_id,
                        team_id=person.team_id,
                        tier_id=roles[person.role_profile_id].tier_id,
                        role_profile_id=person.role_profile_id,
                        started_at=None if status == Assessment.Status.NOT_STARTED else when,
                        submitted_at=when
                        if status in (Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED)
                        else None,
                        reviewed_at=when if status == Assessment.Status.REVIEWED else None,
                    )
                    for person, status in zip(people, statuses, strict=True)
                ],
                batch_size=5000,
            )
            rows = []
            for person, assessment, status in zip(people, assessments, statuses, strict=True):
                current = ability[person.pk]
                for position, value in enumerate(current):
                    if rng.random() < 0.12:
                        current[position] = min(float(top), value + 1)
                if status == Assessment.Status.NOT_STARTED:
                    continue
                plan = plans[person.role_profile_id]
                for (skill_id, target), value in zip(plan, current, strict=True):
                    level = int(value)
                    agreed = None
                    if status == Assessment.Status.REVIEWED and rng.random() < 0.25:
                        agreed = levels[max(0, level - 1)]
                    rows.append((assessment.pk, skill_id, levels[level], target, agreed))
            self._insert_ratings(rows)
            self.stdout.write(
                f"{cycle.name}: {len(assessments)} assessments, {len(rows)} ratings "
                f"in {time.monotonic() - started:.0f}s"
            )

    def _insert_ratings(self, rows: list[tuple[int, int, int, int, int | None]]) -> None:
        if connection.vendor != "postgresql":
            Rating.objects.bulk_create(
                [
                    Rating(
                        assessment_id=assessment_id,
                        skill_id=skill_id,
                        level_id=level_id,
                        target=target,
                        agreed_level_id=agreed,
                    )
                    for assessment_id, skill_id, level_id, target, agreed in rows
                ],
                batch_size=2000,
            )
            return
        # COPY is several times faster than INSERT. Columns not given here get the model's own
        # default, so a new field with a default does not break the command.
        given = ("assessment_id", "skill_id", "level_id", "target", "agreed_level_id")
        others = [
            field
            for field in Rating._meta.concrete_fields
            if not field.primary_key and field.attname not in given
        ]
        now = timezone.now().isoformat()
        fixed = "\t".join(
            now if getattr(field, "auto_now", False) else _copy_text(field.get_default())
            for field in others
        )
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_text(value) for value in row))
            buffer.write(f"\t{fixed}\n" if others else "\n")
        columns = ", ".join(
            [*given, *(connection.ops.quote_name(field.column) for field in others)]
        )
        statement = f"COPY {Rating._meta.db_table} ({columns}) FROM STDIN"
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,
        ):
            copy.write(buffer.getvalue())


def _copy_text(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
