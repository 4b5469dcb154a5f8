"""Atom feeds of alerts in force, one per region, filtered by the access policy.

The public feed (`/alerts/feed/<REGION>.atom`) carries TLP:CLEAR alerts only, for everyone,
signed in or not: its address is shared, cached and read by aggregators. A reader's own
feed lives at a private address holding a secret key (`/alerts/feed/<REGION>/<key>.atom`,
revocable from /alerts/feeds/): it carries what that reader may see, and an entry marked
AMBER or above says only its mark and number, so a feed reader or aggregator that stores
it holds no restricted text. Each entry links to the alert's page and to its CAP 1.2
message, the convention CAP aggregators (e.g. the WMO Alert Hub) read. Every entry served
is recorded as a read.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from vigil.alerts import selectors, services
from vigil.alerts.models import Alert
from vigil.geo.models import RegionalOrganisation
from vigil.sharing.choices import TLP, Surface
from vigil.sharing.policy import record_reads

CAP_MIME = "application/cap+xml"
MAX_ENTRIES = 500


class CapAtomFeed(Atom1Feed):
    """Atom 1.0 with a second alternate link per entry: the CAP message."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement(
            "link", "", {"rel": "alternate", "type": CAP_MIME, "href": item["cap_url"]}
        )
        handler.addQuickElement("category", "", {"term": item["severity"], "label": "severity"})
        handler.addQuickElement("category", "", {"term": f"TLP:{item['tlp']}", "label": "tlp"})


# Marks whose text a feed entry may carry: CLEAR (anyone) and GREEN (the community).
OPEN_MARKS = {TLP.CLEAR, TLP.GREEN}


class RegionAlertsFeed(Feed):
    """The public feed: TLP:CLEAR alerts, the same for every reader."""

    feed_type = CapAtomFeed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.request = request
        self.reader = self.reader_for(request, kwargs)
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = (
            "private, no-store" if self.reader.is_authenticated else "public, max-age=60"
        )
        return response

    def reader_for(self, request: HttpRequest, kwargs: dict[str, Any]) -> Any:
        return AnonymousUser()

    def get_object(self, request: HttpRequest, region: str, **kwargs: Any) -> RegionalOrganisation:
        return selectors.region_for(region)

    def title(self, obj: RegionalOrganisation) -> str:
        return _("Vigil alerts in force — %(region)s") % {"region": obj.name}

    def subtitle(self, obj: RegionalOrganisation) -> str:
        if self.reader.is_authenticated:
            return _("Alerts you may see, issued or updated and not expired.")
        return _("Public (TLP:CLEAR) alerts, issued or updated and not expired.")

    def link(self, obj: RegionalOrganisation) -> str:
        return f"{reverse('alerts:list')}?region={obj.code}"

    def feed_guid(self, obj: RegionalOrganisation) -> str:
        return self.request.build_absolute_uri(reverse("alerts:feed", args=[obj.code]))

    def items(self, obj: RegionalOrganisation) -> list[Alert]:
        alerts = list(selectors.active_alerts(self.reader, region=obj.code)[:MAX_ENTRIES])
        record_reads(alerts, self.reader, surface=Surface.EXPORT)
        return alerts

    def item_title(self, item: Alert) -> str:
        if item.tlp not in OPEN_MARKS:
            return _("TLP:%(mark)s alert #%(number)s — open Vigil to read it") % {
                "mark": item.tlp, "number": item.pk,
            }  # fmt: skip
        info = _preferred_info(item)
        return info.headline if info else item.event

    def item_description(self, item: Alert) -> str:
        if item.tlp not in OPEN_MARKS:
            return ""
        info = _preferred_info(item)
        return info.description if info else ""

    def item_link(self, item: Alert) -> str:
        return reverse("alerts:detail", args=[item.pk])

    def item_guid(self, item: Alert) -> str:
        # One entry per CAP message: an update is a new entry that replaces the old one.
        return f"urn:cap:{item.sender}:{item.identifier}"

    item_guid_is_permalink = False

    def item_updateddate(self, item: Alert):
        return item.sent or item.updated_at or timezone.now()

    def item_pubdate(self, item: Alert):
        return item.issued_at

    def item_author_name(self, item: Alert) -> str:
        if item.tlp not in OPEN_MARKS:
            return item.owner_org.name
        return item.sender_name or item.owner_org.name

    def item_extra_kwargs(self, item: Alert) -> dict[str, Any]:
        return {
            "cap_url": self.request.build_absolute_uri(reverse("alerts:cap", args=[item.pk])),
            "severity": item.severity,
            "tlp": item.tlp,
        }


def _preferred_info(alert: Alert):
    infos = list(alert.infos.all())
    return next((i for i in infos if i.language.startswith("en")), infos[0] if infos else None)


class PrivateRegionAlertsFeed(RegionAlertsFeed):
    """A reader's own feed: what they may see, at an address with their secret key."""

    def reader_for(self, request: HttpRequest, kwargs: dict[str, Any]) -> Any:
        reader = services.feed_reader(kwargs.get("key", ""))
        if reader is None:
            raise Http404("No such feed")
        return reader

    def feed_guid(self, obj: RegionalOrganisation) -> str:
        # Never the private address itself: aggregators publish guids.
        return f"urn:vigil:feed:{obj.code}:user:{self.reader.pk}"
