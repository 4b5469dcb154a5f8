"""OASIS CAP 1.2 in and out: `to_cap_xml(alert)` writes an alert as a CAP message;
`parse_cap(data)` reads a partner's CAP message safely and validates it against the schema.

Pure functions over model instances and bytes: no database writes (imports are in
`vigil.alerts.importing`). CAP coordinates are WGS 84 "latitude,longitude" pairs, latitude
first, and CAP times carry an explicit offset ("+00:00", never "Z").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils import timezone
from lxml import etree

from vigil.alerts.choices import AlertSource, AlertStatus, CapStatus, Scope
from vigil.sharing.choices import TLP

if TYPE_CHECKING:
    from vigil.alerts.models import Alert, AlertArea, AlertInfo

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_SCHEMA_PATH = Path(__file__).parent / "data" / "CAP-v1.2.xsd"
# Partner alerts with detailed polygons reach ~1 MB; anything far larger is refused unread.
MAX_CAP_BYTES = 8 * 1024 * 1024

_Q = "{%s}%%s" % CAP_NS  # noqa: UP031 - a template for qualified names, not formatting


class CapRejected(ValueError):
    """A CAP document Vigil refuses, with each reason (and line, where known)."""

    def __init__(self, reason: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or [{"line": None, "reason": reason}]


# --- writing -------------------------------------------------------------------------------


def format_cap_datetime(value: dt.datetime | None) -> str:
    """A CAP time: whole seconds in UTC with an explicit "+00:00" offset."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    value = value.astimezone(dt.UTC).replace(microsecond=0)
    return value.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def format_point(lat: float, lon: float) -> str:
    """One CAP coordinate pair, latitude first."""
    return f"{_number(lat)},{_number(lon)}"


def _number(value: float) -> str:
    return f"{float(value):.6f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def format_polygon(points: list[list[float]]) -> str:
    """A CAP polygon: space-separated "lat,lon" pairs, closed (first point repeated last)."""
    pairs = [(float(p[0]), float(p[1])) for p in points]
    if pairs and pairs[0] != pairs[-1]:
        pairs.append(pairs[0])
    return " ".join(format_point(lat, lon) for lat, lon in pairs)


def format_circle(circle: dict[str, float]) -> str:
    """A CAP circle: "lat,lon radius" with the radius in kilometres."""
    return f"{format_point(circle['lat'], circle['lon'])} {_number(circle['radius_km'])}"


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _Q % name)
    if text is not None:
        element.text = text
    return element


def cap_scope_for(tlp: str) -> str:
    """CAP scope implied by a TLP mark: only TLP:CLEAR is for the public."""
    return Scope.PUBLIC if tlp == TLP.CLEAR else Scope.RESTRICTED


def to_cap_xml(alert: Alert) -> bytes:
    """The alert as a CAP 1.2 message (UTF-8 bytes). A draft is written with CAP status
    "Draft" so no receiver acts on it; an imported alert is returned exactly as received,
    so its partner's signature still verifies."""
    if alert.source == AlertSource.IMPORTED and alert.raw_cap:
        return alert.raw_cap.encode("utf-8")
    root = etree.Element(_Q % "alert", nsmap={None: CAP_NS})
    is_draft = alert.status == AlertStatus.DRAFT
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", format_cap_datetime(alert.sent or alert.created_at or timezone.now()))
    _sub(root, "status", CapStatus.DRAFT if is_draft else alert.cap_status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "source", f"Vigil ({alert.get_source_display()})")
    scope = alert.scope or cap_scope_for(alert.tlp)
    _sub(root, "scope", scope)
    if scope == Scope.RESTRICTED:
        _sub(root, "restriction", alert.restriction or f"TLP:{alert.tlp}")
    if scope == Scope.PRIVATE or alert.addresses:
        _sub(root, "addresses", alert.addresses or alert.owner_org.slug)
    _sub(root, "code", f"TLP:{alert.tlp}")
    if alert.note:
        _sub(root, "note", alert.note)
    if alert.references:
        _sub(root, "references", alert.references)
    if alert.incidents:
        _sub(root, "incidents", alert.incidents)
    areas = list(alert.areas.all())
    for info in alert.infos.all():
        _write_info(root, alert, info, areas)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_info(root: etree._Element, alert: Alert, info: AlertInfo, areas: list[AlertArea]):
    element = _sub(root, "info")
    _sub(element, "language", info.language)
    _sub(element, "category", alert.category)
    _sub(element, "event", info.event or alert.event)
    if alert.response_type:
        _sub(element, "responseType", alert.response_type)
    _sub(element, "urgency", alert.urgency)
    _sub(element, "severity", alert.severity)
    _sub(element, "certainty", alert.certainty)
    if alert.issued_at:
        _sub(element, "effective", format_cap_datetime(alert.issued_at))
    if alert.onset:
        _sub(element, "onset", format_cap_datetime(alert.onset))
    if alert.expires:
        _sub(element, "expires", format_cap_datetime(alert.expires))
    if alert.sender_name:
        _sub(element, "senderName", alert.sender_name)
    _sub(element, "headline", info.headline)
    if info.description:
        _sub(element, "description", info.description)
    if info.instruction:
        _sub(element, "instruction", info.instruction)
    web = alert.web or _page_url(alert)
    if web:
        _sub(element, "web", web)
    if info.contact:
        _sub(element, "contact", info.contact)
    for area in areas:
        area_element = _sub(element, "area")
        _sub(area_element, "areaDesc", area.description)
        for polygon in area.polygons:
            _sub(area_element, "polygon", format_polygon(polygon))
        for circle in area.circles:
            _sub(area_element, "circle", format_circle(circle))
        for code in area.geocodes:
            geocode = _sub(area_element, "geocode")
            _sub(geocode, "valueName", str(code["valueName"]))
            _sub(geocode, "value", str(code["value"]))
        if area.altitude is not None:
            _sub(area_element, "altitude", _number(area.altitude))
            if area.ceiling is not None:
                _sub(area_element, "ceiling", _number(area.ceiling))


def _page_url(alert: Alert) -> str:
    """The alert's page, when the site's public address is configured (VIGIL_SITE_URL)."""
    from django.conf import settings

    site = getattr(settings, "VIGIL_SITE_URL", "")
    return f"{site.rstrip('/')}/alerts/{alert.pk}/" if site and alert.pk else ""


# --- validating ----------------------------------------------------------------------------


@cache
def cap_schema() -> etree.XMLSchema:
    """The OASIS CAP 1.2 schema (a copy of the official XSD, bundled with the app)."""
    return etree.XMLSchema(etree.parse(str(CAP_SCHEMA_PATH), parser=_safe_lxml_parser()))


def _safe_lxml_parser() -> etree.XMLParser:
    # Never fetch, never expand: the document was already screened by defusedxml, this is
    # a second line of defence.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def schema_errors(data: bytes) -> list[dict[str, Any]]:
    """Each way `data` breaks the CAP 1.2 schema, as {line, reason}; empty if valid."""
    document = etree.fromstring(data, parser=_safe_lxml_parser())
    schema = cap_schema()
    if schema.validate(document):
        return []
    return [{"line": e.line, "reason": e.message} for e in schema.error_log]


# --- reading -------------------------------------------------------------------------------


@dataclass
class CapArea:
    description: str
    polygons: list[list[list[float]]] = field(default_factory=list)
    circles: list[dict[str, float]] = field(default_factory=list)
    geocodes: list[dict[str, str]] = field(default_factory=list)
    altitude: float | None = None
    ceiling: float | None = None


@dataclass
class CapInfo:
    language: str
    category: str
    event: str
    urgency: str
    severity: str
    certainty: str
    response_type: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    contact: str = ""
    sender_name: str = ""
    web: str = ""
    onset: dt.datetime | None = None
    expires: dt.datetime | None = None
    areas: list[CapArea] = field(default_factory=list)


@dataclass
class CapMessage:
    """A parsed, schema-valid CAP 1.2 message."""

    identifier: str
    sender: str
    sent: dt.datetime
    status: str
    msg_type: str
    scope: str
    restriction: str = ""
    addresses: str = ""
    note: str = ""
    references: str = ""
    incidents: str = ""
    infos: list[CapInfo] = field(default_factory=list)
    raw: str = ""

    @property
    def reference(self) -> str:
        """How a later message names this one: sender,identifier,sent."""
        return f"{self.sender},{self.identifier},{format_cap_datetime(self.sent)}"


def parse_cap(data: bytes) -> CapMessage:
    """Read one CAP 1.2 message from a partner. Refuses, with `CapRejected`: documents that
    declare a DTD or entities (XML bombs, external-entity attacks), that are not well-formed,
    that are not CAP 1.2, or that break the official schema."""
    if len(data) > MAX_CAP_BYTES:
        raise CapRejected(f"The document is larger than {MAX_CAP_BYTES // 1_000_000} MB.")
    try:
        SafeElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise CapRejected(
            "Refused unsafe XML: the document declares a DTD or entities "
            f"(an XML bomb or external-entity attack is possible) ({type(exc).__name__})."
        ) from exc
    except SafeElementTree.ParseError as exc:
        raise CapRejected(f"Not well-formed XML: {exc}.") from exc
    document = etree.fromstring(data, parser=_safe_lxml_parser())
    if document.tag != _Q % "alert":
        namespace = etree.QName(document).namespace or "no namespace"
        raise CapRejected(
            f"Not a CAP 1.2 alert: the root is <{etree.QName(document).localname}> in "
            f"{namespace}, expected <alert> in {CAP_NS}."
        )
    errors = schema_errors(data)
    if errors:
        raise CapRejected("The alert breaks the CAP 1.2 schema.", errors)
    return _message_from(document, raw=data.decode(_encoding_of(document), errors="replace"))


def _encoding_of(document: etree._Element) -> str:
    return document.getroottree().docinfo.encoding or "utf-8"


def _text(element: etree._Element, name: str) -> str:
    child = element.find(_Q % name)
    return (child.text or "").strip() if child is not None else ""


def parse_cap_datetime(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _message_from(document: etree._Element, *, raw: str) -> CapMessage:
    return CapMessage(
        identifier=_text(document, "identifier"),
        sender=_text(document, "sender"),
        sent=dt.datetime.fromisoformat(_text(document, "sent")),
        status=_text(document, "status"),
        msg_type=_text(document, "msgType"),
        scope=_text(document, "scope"),
        restriction=_text(document, "restriction"),
        addresses=_text(document, "addresses"),
        note=_text(document, "note"),
        references=" ".join(_text(document, "references").split()),
        incidents=_text(document, "incidents"),
        infos=[_info_from(info) for info in document.findall(_Q % "info")],
        raw=raw,
    )


def _info_from(element: etree._Element) -> CapInfo:
    return CapInfo(
        language=_text(element, "language") or "en-US",  # the CAP 1.2 default
        category=_text(element, "category"),
        event=_text(element, "event"),
        urgency=_text(element, "urgency"),
        severity=_text(element, "severity"),
        certainty=_text(element, "certainty"),
        response_type=_text(element, "responseType"),
        headline=_text(element, "headline"),
        description=_text(element, "description"),
        instruction=_text(element, "instruction"),
        contact=_text(element, "contact"),
        sender_name=_text(element, "senderName"),
        web=_text(element, "web"),
        onset=parse_cap_datetime(_text(element, "onset")),
        expires=parse_cap_datetime(_text(element, "expires")),
        areas=[_area_from(area) for area in element.findall(_Q % "area")],
    )


def _area_from(element: etree._Element) -> CapArea:
    altitude = _text(element, "altitude")
    ceiling = _text(element, "ceiling")
    return CapArea(
        description=_text(element, "areaDesc"),
        polygons=[_points(p.text or "") for p in element.findall(_Q % "polygon")],
        circles=[_circle(c.text or "") for c in element.findall(_Q % "circle")],
        geocodes=[
            {"valueName": _text(g, "valueName"), "value": _text(g, "value")}
            for g in element.findall(_Q % "geocode")
        ],
        altitude=float(altitude) if altitude else None,
        ceiling=float(ceiling) if ceiling else None,
    )


def _points(text: str) -> list[list[float]]:
    try:
        return [[float(v) for v in pair.split(",")[:2]] for pair in text.split()]
    except ValueError as exc:
        raise CapRejected(f"A polygon is not a list of 'lat,lon' pairs: {text[:80]!r}.") from exc


def _circle(text: str) -> dict[str, float]:
    try:
        point, radius = text.split()
        lat, lon = (float(v) for v in point.split(","))
        return {"lat": lat, "lon": lon, "radius_km": float(radius)}
    except ValueError as exc:
        raise CapRejected(f"A circle is not 'lat,lon radius': {text[:80]!r}.") from exc
