"""Import the organisation's own licensed SFIA spreadsheet (.xlsx) into a new draft."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capability.services import FrameworkDataInvalid, framework_import_sfia
from capability.sfia import MAX_FILE_BYTES, SfiaFileInvalid


class Command(BaseCommand):
    help = (
        "Import an SFIA spreadsheet (.xlsx with Code, URL, Skill, Category, Subcategory, Overall "
        "description, Guidance notes, Level 1 description ... Level 7 description) as a draft."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        # Our --version names a framework version; it replaces Django's (which prints Django's).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", required=True, help="the .xlsx spreadsheet")
        parser.add_argument("--version", default="", help="the draft's version (default: today)")
        parser.add_argument(
            "--role-only",
            action="store_true",
            help="assess the skills only where a role profile requires them",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path.name}: the file must be smaller than 20MB")
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            framework = framework_import_sfia(
                file_name=path.name,
                content=content,
                version=str(options["version"]).strip(),
                role_only=bool(options["role_only"]),
            )
        except SfiaFileInvalid as invalid:
            problems = "\n  ".join(str(problem) for problem in invalid.problems)
            raise CommandError(f"Nothing was imported:\n  {problems}") from invalid
        except FrameworkDataInvalid as invalid:
            problems = "\n  ".join(invalid.errors)
            raise CommandError(f"Nothing was imported:\n  {problems}") from invalid
        self.stdout.write(
            f"areas={framework.areas.count()} skills={framework.skills.count()} "
            f"version={framework.version}"
        )
