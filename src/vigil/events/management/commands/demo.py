"""`vigil demo`: the embedded default, ready to use — migrate, load reference geography,
import the bundled real UCDP sample, link duplicates, create the demo logins and analyse."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from vigil.actors.choices import OrganisationKind, Role
from vigil.actors.models import Membership, Organisation
from vigil.events.services import import_events, link_duplicates
from vigil.geo.services import load_reference_geography
from vigil.indicators.services import load_indicator_set, shipped_set_paths

DEMO_USER = "demo"
DEMO_MONITOR = "demo-monitor"
DEMO_PASSWORD = "vigil-demo"
DEMO_FILES = [
    "hdx_ucdp_ged_conflict_data_nga.csv.gz",
    "ged231_central_african_republic_1989-2022.csv.gz",
    "ged241_myanmar_1989-2023.csv.gz",
]  # One file per country: files of different releases sharing event ids would overwrite
# each other in turn, and a re-run would then never report "0 changed".


class Command(BaseCommand):
    help = "Set up the embedded demo: migrate, load geography, import the bundled UCDP sample."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        counts = load_reference_geography()
        self.stdout.write(f"reference geography: {counts}")
        demo = resources.files("vigil.events") / "data" / "demo"
        for name in DEMO_FILES:
            with resources.as_file(demo / name) as path:
                report = import_events(importer_key="ucdp-ged", path=path)
            self.stdout.write(report.summary())
        self.stdout.write(f"{link_duplicates()} new cross-source duplicate link(s)")
        for path in shipped_set_paths():
            result = load_indicator_set(path=path)
            self.stdout.write(f"indicator set {path.stem}: {result}")
        self._ensure_demo_logins()
        self._analyse()
        self.stdout.write(
            f"demo logins: {DEMO_USER} / {DEMO_PASSWORD} (analyst), "
            f"{DEMO_MONITOR} / {DEMO_PASSWORD} (field monitor)"
        )

    def _analyse(self) -> None:
        """Risk, escalations, hotspots and forecasts as of the sample's newest event (the
        bundled UCDP files end in 2023: 'today' would show three quiet years)."""
        from vigil.risk.services import analyse, latest_event_date

        as_of = latest_event_date()
        if as_of is None:
            return
        run = analyse(as_of=as_of)
        rows = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in run.summary["rows"].items())
        self.stdout.write(f"analysis as of {as_of}: {rows}")
        self._products(as_of)

    def _products(self, as_of: dt.date) -> None:
        """The ECOWAS synopsis of the sample's last day (figures from the analysis) and of
        today (what `make run` shows at /products/synopsis/ECOWAS/today/), and a roster."""
        from vigil.reports.services import generate_daily_products
        from vigil.roster.services import load_demo_roster

        for day in sorted({as_of, dt.date.today()}):
            products = generate_daily_products(day, "ECOWAS", countries=["NGA"])
            self.stdout.write(f"products of {day}: {len(products)} (ECOWAS synopsis, Nigeria)")
        roster = load_demo_roster()
        self.stdout.write(f"demo roster: {roster}")
        # The Pacific Islands Forum's Regional Security Committee, a meeting and an open call.
        call_command("demo_consultations", stdout=self.stdout)

    @transaction.atomic
    def _ensure_demo_logins(self) -> None:
        organisation, _ = Organisation.objects.get_or_create(
            slug="ecowas-ewd",
            defaults={
                "name": "ECOWAS Early Warning Directorate (demo)",
                "kind": OrganisationKind.REGIONAL_ORGANISATION,
            },
        )
        for username, role in ((DEMO_USER, Role.ANALYST), (DEMO_MONITOR, Role.MONITOR)):
            user, created = get_user_model().objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
