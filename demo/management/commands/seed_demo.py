from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from demo.assessments import seed_assessments
from demo.capability import seed_framework
from demo.development import seed_development
from demo.okrs_roadmap import seed_okrs_roadmap
from demo.people import DEMO_PASSWORD, seed_people
from demo.reports import seed_report

SIGN_INS = [
    ("staff@example.org", "a member of staff"),
    ("other@example.org", "a member of staff in another directorate"),
    ("manager@example.org", "a line manager (manages staff@example.org)"),
    ("head@example.org", "head of digital"),
    ("leader@example.org", "leadership"),
    ("admin@example.org", "administrator (Django admin)"),
]


class Command(BaseCommand):
    help = "Load the demo organisation and sign-ins. Running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load demo accounts even though DEBUG is off (tests only; never in production).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it runs only with "
                "DEBUG=true. It is for `make run`, never for production."
            )
        # Order matters: people take role profiles from the framework, assessments need people,
        # computed key results and initiatives point at skills.
        with transaction.atomic():
            seed_framework()
            seed_people()
            seed_assessments()
            # The dashboards and computed key results read the published figures.
            call_command("rebuild_figures", stdout=StringIO())
            seed_okrs_roadmap()
            seed_development()
        # After the commit: the build reads the committed figures, OKRs and roadmap.
        seed_report()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for email, who in SIGN_INS:
            self.stdout.write(f"  {email:<22} {who}")
        self.stdout.write(f"Every demo password is {DEMO_PASSWORD}")
