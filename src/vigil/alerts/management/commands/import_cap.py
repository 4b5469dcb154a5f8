"""`vigil import_cap PATH... --user NAME`: partner CAP 1.2 alerts, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.alerts.importing import import_cap_files
from vigil.sharing.choices import TLP


class Command(BaseCommand):
    help = (
        "Import CAP 1.2 alert files (directories are searched for *.xml and *.cap). Every "
        "file is validated first; if any is refused nothing is saved, unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--user", required=True, help="analyst the import is recorded as")
        parser.add_argument("--organisation", type=int, help="owning organisation id")
        parser.add_argument("--tlp", choices=TLP.values, help="default: from the CAP scope")
        parser.add_argument("--region", help="regional organisation code, e.g. ECOWAS")
        parser.add_argument("--country", action="append", default=[], help="ISO3; repeatable")
        parser.add_argument("--skip-invalid", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        files = _expand(options["paths"])
        try:
            report = import_cap_files(
                files,
                actor=user,
                organisation_id=options["organisation"],
                tlp=options["tlp"],
                region_id=options["region"].upper() if options["region"] else None,
                country_ids=options["country"],
                skip_invalid=options["skip_invalid"],
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        for rejected in report.rejected:
            self.stderr.write(f"{rejected['file']}: {rejected['reason']}")
            for error in rejected.get("errors", [])[:5]:
                if error.get("reason") != rejected["reason"]:
                    line = f"line {error['line']}: " if error.get("line") else ""
                    self.stderr.write(f"  {line}{error['reason']}")
        self.stdout.write(
            f"{len(report.created)} imported, {len(report.unchanged)} already known, "
            f"{len(report.rejected)} refused"
        )
        if report.rejected and not options["skip_invalid"]:
            raise CommandError("nothing was saved: fix or drop the refused files")


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".xml", ".cap")))
        else:
            files.append(path)
    return files
