"""Print a framework version as JSON: the same document as the in-app export."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capability.models import Framework
from capability.services import framework_export_json


class Command(BaseCommand):
    help = (
        "Print a framework version as JSON (default: the published version), each role profile "
        "with the skills it requires and their target levels."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        # Our --version names a framework version; it replaces Django's (which prints Django's).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--version", default="", help="the version to export")

    def handle(self, *args: object, **options: object) -> None:
        version = str(options["version"]).strip()
        frameworks = Framework.objects.all()
        framework = (
            frameworks.filter(version=version).first()
            if version
            else frameworks.published().first()
        )
        if framework is None:
            raise CommandError(
                f'No framework version is called "{version}"'
                if version
                else "No version is published: name one with --version"
            )
        data = framework_export_json(framework=framework)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
