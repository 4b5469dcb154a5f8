"""factory_boy factories for the models tests create; no fixture files."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from vigil.actors.choices import OrganisationKind, Role
from vigil.actors.models import Membership, Organisation
from vigil.events.choices import Category, EventKind, Source
from vigil.events.models import Event, SourceCoverage
from vigil.geo.models import Country
from vigil.sharing.choices import TLP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    kind = OrganisationKind.CSO


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ANALYST


class CountryFactory(factory.django.DjangoModelFactory):
    """A country row; real ISO codes come from the reference geography when it is loaded."""

    class Meta:
        model = Country
        django_get_or_create = ("iso3",)

    iso3 = "NGA"
    iso2 = factory.LazyAttribute(lambda c: c.iso3[:2])
    name = factory.LazyAttribute(lambda c: c.iso3)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    source = Source.UCDP_GED
    source_id = factory.Sequence(lambda n: str(100000 + n))
    kind = EventKind.EVENT
    raw = factory.LazyAttribute(lambda e: {"id": e.source_id})
    content_hash = factory.Sequence(lambda n: n)
    date_start = dt.date(2019, 7, 1)
    date_end = factory.LazyAttribute(lambda e: e.date_start)
    date_precision = 1
    country_id = "NGA"
    latitude = 11.85
    longitude = 13.16
    geo_precision = 1
    category = Category.ARMED_CLASH
    fatalities_low = factory.LazyAttribute(lambda e: e.fatalities_best)
    fatalities_best = 5
    fatalities_high = factory.LazyAttribute(lambda e: e.fatalities_best)
    reliability = "B"
    credibility = 2
    owner_org = factory.SubFactory(OrganisationFactory, slug="ucdp")
    tlp = TLP.CLEAR

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> Event:
        # Tests without the reference geography still get a valid country row.
        if kwargs.get("country_id"):
            CountryFactory(iso3=kwargs["country_id"])
        return super()._create(model_class, *args, **kwargs)


class SourceCoverageFactory(factory.django.DjangoModelFactory):
    """A UCDP release covering Nigeria 1989-2024: the days on which no event means none
    happened. Without one, products and panels rightly print "not covered"."""

    class Meta:
        model = SourceCoverage

    source = Source.UCDP_GED
    release = "24.1"
    country = "NGA"
    kind = SourceCoverage.Kind.EVENTS
    first_date = dt.date(1989, 1, 1)
    last_date = dt.date(2024, 12, 31)
    derived_first = factory.LazyAttribute(lambda c: c.first_date)
    derived_last = factory.LazyAttribute(lambda c: c.last_date)
    owner_org = factory.SubFactory(OrganisationFactory, slug="ucdp")
    tlp = TLP.CLEAR


class AlertFactory(factory.django.DjangoModelFactory):
    """A draft alert of ECOWAS-style shape; use alerts.services to move it along."""

    class Meta:
        model = "alerts.Alert"

    owner_org = factory.SubFactory(OrganisationFactory, slug="ecowas")
    tlp = TLP.CLEAR
    identifier = factory.Sequence(lambda n: f"vigil-test-{n}")
    sender = factory.LazyAttribute(lambda a: f"{a.owner_org.slug}@vigil.local")
    event = "Escalation of violence"
    source = "analyst"
    status = "draft"
    scope = factory.LazyAttribute(lambda a: "Public" if a.tlp == TLP.CLEAR else "Restricted")


class AlertInfoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "alerts.AlertInfo"

    alert = factory.SubFactory(AlertFactory)
    language = "en"
    headline = factory.Sequence(lambda n: f"Alert headline {n}")
    description = "Armed clashes displaced thousands."


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A person's subscription to every kind, everywhere, in English; narrow it per test."""

    class Meta:
        model = "dissemination.Subscription"

    user = factory.SubFactory(
        UserFactory, email=factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    )
    kind = ""
    language = "en"


class RosterFactory(factory.django.DjangoModelFactory):
    """A mediation roster owned by an organisation, TLP:AMBER unless said otherwise."""

    class Meta:
        model = "roster.Roster"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"roster-{n}")
    name = factory.LazyAttribute(lambda r: r.slug.replace("-", " ").title())
    owner_org = factory.SubFactory(OrganisationFactory)
    tlp = TLP.AMBER


class RosterMemberFactory(factory.django.DjangoModelFactory):
    """A roster member with a seniority history row from the day they joined."""

    class Meta:
        model = "roster.RosterMember"
        skip_postgeneration_save = True

    roster = factory.SubFactory(RosterFactory)
    full_name = factory.Sequence(lambda n: f"Member {n}")
    gender = "not_stated"
    seniority = "mid"
    joined_on = dt.date(2020, 1, 1)
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    phone = factory.Sequence(lambda n: f"+000 555 {n:04d}")

    @factory.post_generation
    def seniority_history(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.seniority_history.create(seniority=self.seniority, effective_on=self.joined_on)
