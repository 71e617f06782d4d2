"""Import the official DDaT download (the roles file and the skills file) into a new draft."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capability.ddat import MAX_FILE_BYTES, DdatFilesInvalid
from capability.services import FrameworkDataInvalid, framework_import_ddat
from common.files import read_command_file


class Command(BaseCommand):
    help = (
        "Import the Government Digital and Data Profession Capability Framework download into a "
        "new draft. Nothing is written unless both files are valid."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        # Our --version names a framework version; it replaces Django's (which prints Django's).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--roles", required=True, help="the roles CSV file")
        parser.add_argument("--skills", required=True, help="the skills CSV file")
        parser.add_argument("--version", default="", help="the draft's version (default: today)")
        parser.add_argument(
            "--from-published",
            action="store_true",
            help="start from the published version (a quarterly refresh) instead of the starter",
        )

    def handle(self, *args: object, **options: object) -> None:
        roles, skills = Path(str(options["roles"])), Path(str(options["skills"]))
        try:
            imported = framework_import_ddat(
                roles_file=roles.name,
                roles_text=read_command_file(roles, MAX_FILE_BYTES),
                skills_file=skills.name,
                skills_text=read_command_file(skills, MAX_FILE_BYTES),
                version=str(options["version"]).strip(),
                from_published=bool(options["from_published"]),
            )
        except DdatFilesInvalid as invalid:
            problems = "\n  ".join(str(problem) for problem in invalid.problems)
            raise CommandError(f"Nothing was imported:\n  {problems}") from invalid
        except FrameworkDataInvalid as invalid:
            problems = "\n  ".join(invalid.errors)
            raise CommandError(f"Nothing was imported:\n  {problems}") from invalid
        self.stdout.write(imported.summary())
