"""`vigil load_geography`: load or refresh countries, regional organisations and memberships."""

from django.core.management.base import BaseCommand

from vigil.geo.services import load_reference_geography


class Command(BaseCommand):
    help = "Load the bundled countries, regional organisations and memberships (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        counts = load_reference_geography()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference geography loaded: {summary}."))
