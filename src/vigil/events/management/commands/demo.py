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
from vigil.events.services.feeds import ensure_feeds
from vigil.geo.services import load_reference_geography
from vigil.indicators.services import load_indicator_set, shipped_set_paths

DEMO_USER = "demo"
DEMO_MONITOR = "demo-monitor"
DEMO_PASSWORD = "vigil-demo"
DEMO_REGION = "ECOWAS"
# (region, organisation slug, name): the demo's early-warning departments, one per region
# the bundled files cover (Nigeria, the Central African Republic, Myanmar).
DEMO_DEPARTMENTS = [
    ("ECOWAS", "ecowas-ewd", "ECOWAS Early Warning Directorate (demo)"),
    ("ECCAS", "eccas-marac", "ECCAS Early Warning Mechanism MARAC (demo)"),
    ("ASEAN", "asean-ewd", "ASEAN early warning desk (demo)"),
]
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
            for line in report.coverage:
                self.stdout.write(f"  covers {line}")
        self.stdout.write(f"{link_duplicates()} new cross-source duplicate link(s)")
        # The live sources, seeded disabled: the demo is offline; /sources/ shows them as
        # "not configured" beside the bundled files.
        feeds = ensure_feeds()
        if feeds:
            self.stdout.write(f"live sources (disabled until configured): {len(feeds)}")
        for path in shipped_set_paths():
            result = load_indicator_set(path=path)
            self.stdout.write(f"indicator set {path.stem}: {result}")
        self._ensure_demo_logins()
        self._ensure_demo_rules()
        self._analyse()
        self.stdout.write(
            f"demo logins: {DEMO_USER} / {DEMO_PASSWORD} (analyst), "
            f"{DEMO_MONITOR} / {DEMO_PASSWORD} (field monitor)"
        )

    def _analyse(self) -> None:
        """Risk, escalations, hotspots and forecasts as of two dates: the newest day the
        demo region's data covers (the Nigeria extract ends with 2019: ECOWAS's situation
        room is as of then) and the sample's newest event (2023, where Nigeria shows as not
        covered rather than quiet). The demo's default alert rules read both runs."""
        from vigil.alerts.rules import evaluate_rules
        from vigil.risk.services import analyse, latest_event_date, newest_covered_day

        latest = latest_event_date()
        if latest is None:
            return
        covered = newest_covered_day(DEMO_REGION) or latest
        for as_of in sorted({covered, latest}):
            run = analyse(as_of=as_of)
            rows = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in run.summary["rows"].items())
            self.stdout.write(f"analysis as of {as_of}: {rows}")
            drafts = evaluate_rules(run)
            self.stdout.write(f"alert rules raised {len(drafts)} draft alert(s) from it")
        self._products(covered, latest)

    def _products(self, as_of: dt.date, latest: dt.date) -> None:
        """The ECOWAS synopsis and Nigeria's situation report as of the newest covered day
        (figures from that analysis), as of the sample's newest event and of today (what
        /products/synopsis/ECOWAS/today/ shows: that no source covers today), and a roster."""
        from vigil.reports.services import generate_daily_products
        from vigil.roster.services import load_demo_roster

        for day in sorted({as_of, latest, dt.date.today()}):
            products = generate_daily_products(day, DEMO_REGION, countries=["NGA"])
            self.stdout.write(f"products of {day}: {len(products)} (ECOWAS synopsis, Nigeria)")
        roster = load_demo_roster()
        self.stdout.write(f"demo roster: {roster}")
        # The Pacific Islands Forum's Regional Security Committee, a meeting and an open call.
        call_command("demo_consultations", stdout=self.stdout)

    @transaction.atomic
    def _ensure_demo_rules(self) -> None:
        """Each demo region's early-warning department and its default alert rules; the demo
        analyst works in all three, so every draft reaches their review queue."""
        from vigil.alerts.rules import ensure_default_rules
        from vigil.geo.models import RegionalOrganisation

        analyst = get_user_model().objects.get(username=DEMO_USER)
        for code, slug, name in DEMO_DEPARTMENTS:
            organisation, _ = Organisation.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "kind": OrganisationKind.REGIONAL_ORGANISATION},
            )
            Membership.objects.get_or_create(
                user=analyst, organisation=organisation, role=Role.ANALYST
            )
            region = RegionalOrganisation.objects.get(pk=code)
            ensure_default_rules(organisation=organisation, region=region)

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
