"""`vigil load_indicators [PATH...]`: load or refresh indicator sets from JSON files."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.indicators.services import load_indicator_set, shipped_set_paths


class Command(BaseCommand):
    help = (
        "Load indicator sets from JSON files (idempotent; matched by codes). "
        "Without paths, loads the sets shipped with Vigil."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="Indicator-set JSON files")

    def handle(self, *args: object, paths: list[Path], **options: object) -> None:
        for path in paths or shipped_set_paths():
            try:
                result = load_indicator_set(path=path)
            except ValidationError as exc:
                problems = "\n".join(
                    f"  {where}: {' '.join(messages)}"
                    for where, messages in exc.message_dict.items()
                )
                raise CommandError(f"{path} was not loaded:\n{problems}") from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.code}: {result.created} new, {result.updated} changed, "
                    f"{result.unchanged} unchanged, {result.retired} retired."
                )
            )
