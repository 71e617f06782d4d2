from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.files import read_command_file
from people.hr_file import ImportFailed, ImportPlan, plan_import
from people.models import PeopleImport
from people.services import ImportRefused, import_apply, import_preview


class Command(BaseCommand):
    help = (
        "Import staff from an HR CSV file. Every row is checked before anything is written. "
        "Without --yes it prints what would change and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mode",
            choices=[choice.value for choice in PeopleImport.Mode],
            required=True,
            help='"add": add or update the people in the file, deactivating nobody. "full": the '
            "file is the full HR extract, so people missing from it are marked inactive.",
        )
        parser.add_argument("--yes", action="store_true", help="Apply the changes.")
        parser.add_argument(
            "--deactivate",
            type=int,
            metavar="N",
            help="Confirm the number of people a full extract marks inactive, when that is more "
            "than 10%% of active people.",
        )

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        text = read_command_file(path)
        mode = str(options["mode"])
        try:
            plan = plan_import(text=text, mode=mode, importer=None)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(failure.errors)} problem(s) in {path}: nothing was imported."
            ) from failure
        self._print_plan(plan)
        if plan.refusals:
            raise CommandError(" ".join(plan.refusals) + " Nothing was imported.")
        if not options["yes"]:
            self.stdout.write("Nothing was changed. Run again with --yes to apply these changes.")
            return
        if plan.large_deactivation and options["deactivate"] != len(plan.deactivated):
            raise CommandError(
                f"{len(plan.deactivated)} of {plan.active_before} active people would be marked "
                f"inactive. Run again with --deactivate {len(plan.deactivated)} to confirm. "
                "Nothing was imported."
            )
        record = import_preview(text=text, file_name=path.name, mode=mode, by=None)
        try:
            record = import_apply(
                record=record,
                by=None,
                shown=plan.digest(),
                deactivations_confirmed=options["deactivate"],
            )
        except ImportRefused as refused:
            record.delete()
            raise CommandError(f"{refused} Nothing was imported.") from refused
        self.stdout.write(self.style.SUCCESS(f"Imported {path}: {record.summary()}."))

    def _print_plan(self, plan: ImportPlan) -> None:
        for title, changes in plan.sections():
            self.stdout.write(f"{title}: {len(changes)}")
            for change in changes:
                details = f" ({change.changes})" if change.changes else ""
                self.stdout.write(f"  {change.name} <{change.email}>{details}")
        self.stdout.write(f"Unchanged: {plan.unchanged}")
        if plan.large_deactivation:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(plan.deactivated)} of {plan.active_before} active people would be "
                    "marked inactive."
                )
            )
