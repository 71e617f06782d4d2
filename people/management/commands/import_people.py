from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people.services import ImportFailed, people_import


class Command(BaseCommand):
    help = "Import staff from an HR CSV file. Every row is checked before anything is written."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text") from error
        if "\x00" in text:
            raise CommandError(f"{path} is not UTF-8 text")
        try:
            result = people_import(text=text)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(failure.errors)} problem(s) in {path}: nothing was imported."
            ) from failure
        self.stdout.write(self.style.SUCCESS(f"Imported {path}: {result.summary()}."))
