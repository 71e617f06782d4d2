"""Load a framework from JSON (the starter framework by default) and publish it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capability.services import STARTER_FRAMEWORK, FrameworkDataInvalid, framework_install
from common.files import JsonUnreadable, read_json


class Command(BaseCommand):
    help = (
        "Load a capability framework from a JSON file (default: the starter framework). "
        "It is published if no version is published yet. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(STARTER_FRAMEWORK))

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["path"]))
        try:
            data = read_json(path.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text") from error
        except JsonUnreadable as error:
            raise CommandError(f"{path} cannot be loaded: {error}") from error
        if not isinstance(data, dict):
            raise CommandError(f"{path} must hold a JSON object")
        try:
            framework, created = framework_install(data=data)
        except FrameworkDataInvalid as invalid:
            problems = "\n  ".join(invalid.errors)
            raise CommandError(f"{path} cannot be loaded:\n  {problems}") from invalid
        if not created:
            self.stdout.write(
                f"Framework version {framework.version} is already loaded. Nothing changed."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {framework.name} {framework.version} as "
                f"{framework.get_status_display().lower()}: "
                f"{framework.skills.count()} skills, {framework.roles.count()} roles."
            )
        )
