"""`vigil demo_consultations`: a Regional Security Committee of the Pacific Islands Forum with
its member states, a secretariat login, a meeting next month and an open call for papers.

Idempotent: a second run changes nothing. Needs the reference geography (`vigil demo` or
`vigil load_geography` loads it first)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from vigil.actors.choices import OrganisationKind, Role
from vigil.actors.models import Membership, Organisation
from vigil.consultations import selectors, services
from vigil.geo.models import Country, RegionalOrganisation

DEMO_SECRETARIAT = "demo-secretariat"
DEMO_PASSWORD = "vigil-demo"
MEMBER_STATES = ["FJI", "WSM", "TON", "PNG", "SLB", "VUT"]


class Command(BaseCommand):
    help = "Create a demo Regional Security Committee (Pacific Islands Forum) with a call open."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        region = RegionalOrganisation.objects.filter(code="PIF").first()
        if region is None:
            raise CommandError("Load the reference geography first (vigil load_geography).")
        forum, _ = Organisation.objects.get_or_create(
            slug="forum-secretariat",
            defaults={
                "name": "Pacific Islands Forum Secretariat",
                "kind": OrganisationKind.REGIONAL_ORGANISATION,
                "regional_organisation": region,
            },
        )
        secretary, created = get_user_model().objects.get_or_create(username=DEMO_SECRETARIAT)
        if created:
            secretary.set_password(DEMO_PASSWORD)
            secretary.save()
        Membership.objects.get_or_create(user=secretary, organisation=forum, role=Role.SECRETARIAT)
        if selectors.bodies_visible_to(secretary, slug="rsc").exists():
            self.stdout.write("the demo Regional Security Committee already exists")
            return
        body = services.create_body(
            actor=secretary,
            owner_org=forum,
            regional_organisation_id=region.code,
            slug="rsc",
            name="Regional Security Committee",
            mandate="Advises Forum Leaders on regional security, including climate security, "
            "transnational crime and human security, and hears civil society's written input.",
        )
        for country in Country.objects.filter(iso3__in=MEMBER_STATES):
            state, _ = Organisation.objects.get_or_create(
                slug=f"state-{country.iso3.lower()}",
                defaults={
                    "name": country.name,
                    "kind": OrganisationKind.MEMBER_STATE,
                    "country": country,
                },
            )
            services.seat_member(body=body, organisation=state, actor=secretary)
        starts = timezone.now().replace(hour=21, minute=0, second=0, microsecond=0)
        starts += dt.timedelta(days=35)
        meeting = services.schedule_meeting(
            body=body,
            actor=secretary,
            title="Regional Security Committee, annual meeting",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=8),
            place="Suva, Fiji",
            agenda=[
                "Adoption of the agenda",
                "Regional security outlook",
                "Climate security and displacement",
                "Civil society submissions",
            ],
        )
        services.open_call(
            meeting=meeting,
            actor=secretary,
            topic="Climate security and community early warning",
            description="Papers on how communities warn of and prevent climate-related "
            "disputes, with recommendations for the Forum and its member states.",
            opens_at=timezone.now(),
            closes_at=starts - dt.timedelta(days=7),
            word_limit=1500,
        )
        self.stdout.write(
            f"demo Regional Security Committee: meeting on {starts:%Y-%m-%d}, call open; "
            f"login {DEMO_SECRETARIAT} / {DEMO_PASSWORD} (secretariat)"
        )
