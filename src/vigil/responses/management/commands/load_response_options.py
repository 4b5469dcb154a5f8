"""`vigil load_response_options [FILE]`: load or refresh the library of response options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.responses.services import OPTIONS_FILE, load_response_options


class Command(BaseCommand):
    help = "Load the response-option library from JSON or CSV (idempotent, by code)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default=str(OPTIONS_FILE), help="JSON or CSV file (default: bundled)"
        )

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            result = load_response_options(path=Path(path))
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {', '.join(v)}" for k, v in error.message_dict.items())
            ) from error
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(
            f"response options: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
