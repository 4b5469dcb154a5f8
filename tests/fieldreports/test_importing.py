"""Batches of field reports: CSV uploads and ODK Central / KoboToolbox exports."""

from __future__ import annotations

import pytest
from django.test import Client

from vigil.fieldreports.choices import Channel
from vigil.fieldreports.importing import (
    BatchRejected,
    import_odk_submissions,
    import_reports_csv,
)
from vigil.fieldreports.models import FieldReport
from vigil.fieldreports.services import verify_report

pytestmark = pytest.mark.usefixtures("reference_geography")

HEADER = (
    "date_start,country,admin1,category,description,credibility,fatalities,latitude,longitude\n"
)
GOOD = "2026-11-01,NGA,Borno,armed_clash,Clash near Bama,2,3,11.52,13.69\n"


def test_csv_upload_creates_one_report_per_row_and_reupload_creates_nothing(personas) -> None:
    content = (HEADER + GOOD + "2026-11-02,NGA,,protest,Market protest,3,0,,\n").encode()
    first = import_reports_csv(monitor=personas.monitor, content=content)
    again = import_reports_csv(monitor=personas.monitor, content=content)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    report = FieldReport.objects.get(description="Clash near Bama")
    assert (report.channel, report.admin1.name, report.fatalities) == (Channel.CSV, "Borno", 3)


def test_a_bad_csv_row_refuses_the_file_and_names_line_and_field(personas) -> None:
    content = (
        HEADER
        + GOOD
        + '2026-13-01,NGA,,armed_clash,"Two-line\ndescription",9,x,,\n'
        + "2026-11-03,XXX,,picnic,,2,0,,\n"
    ).encode()
    with pytest.raises(BatchRejected) as rejected:
        import_reports_csv(monitor=personas.monitor, content=content)
    found = {(e.where, e.field) for e in rejected.value.errors}
    assert found == {
        ("3", "date_start"), ("3", "credibility"), ("3", "fatalities"),
        ("5", "country"), ("5", "category"), ("5", "description"),
    }  # fmt: skip
    assert FieldReport.objects.count() == 0


def test_csv_upload_through_the_api_answers_problem_json(personas) -> None:
    client = Client()
    client.force_login(personas.monitor)
    bad = (HEADER + "2026-11-01,NGA,,armed_clash,x,7,0,,\n").encode()
    response = client.post("/api/v1/reports/csv", {"file": _upload(bad)})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"line": "2", "field": "credibility", "reason": "must be 1 to 6 (Admiralty)"}
    ]
    ok = client.post("/api/v1/reports/csv", {"file": _upload((HEADER + GOOD).encode())})
    assert ok.json() == {"created": 1, "updated": 0, "unchanged": 0}


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("reports.csv", content, content_type="text/csv")


def central_export(*submissions: dict) -> dict:
    """The shape of ODK Central's OData Submissions JSON."""
    return {"@odata.context": "...", "value": list(submissions)}


def central_submission(instance: str, description: str, **meta: str) -> dict:
    return {
        "__id": instance,
        "__system": {"submitterName": "monitor"},
        "meta": {"instanceID": instance, **meta},
        "incident": {
            "incident_date": "2026-11-05",
            "country": "NGA",
            "category": "violence_against_civilians",
            "description": description,
            "credibility": "3",
            "location_gps": {"type": "Point", "coordinates": [13.15, 11.84, 300]},
        },
    }


def test_odk_central_edit_updates_its_report_through_the_deprecated_id_chain(personas) -> None:
    first = central_submission("uuid:a1", "Attack on a village")
    report = import_odk_submissions(payload=central_export(first), form_id="vigil_incident")
    assert report.created == 1
    again = import_odk_submissions(payload=central_export(first), form_id="vigil_incident")
    assert again.unchanged == 1

    edit = central_submission("uuid:a2", "Attack on Kawuri village", deprecatedID="uuid:a1")
    second_edit = central_submission("uuid:a3", "Attack on Kawuri, 4 dead", deprecatedID="uuid:a2")
    result = import_odk_submissions(payload=central_export(edit), form_id="vigil_incident")
    result2 = import_odk_submissions(payload=central_export(second_edit), form_id="vigil_incident")
    assert (result.updated, result2.updated) == (1, 1)
    stored = FieldReport.objects.get()
    assert stored.description == "Attack on Kawuri, 4 dead"
    assert (stored.odk_root_uuid, stored.odk_instance_id) == ("uuid:a1", "uuid:a3")
    assert (stored.monitor, stored.latitude, stored.longitude) == (personas.monitor, 11.84, 13.15)
    assert stored.transitions.count() == 3  # submitted, then one row per edit


def test_kobo_export_deduplicates_on_root_uuid(personas) -> None:
    def kobo(instance: str, description: str) -> dict:
        return {
            "_uuid": instance.removeprefix("uuid:"),
            "meta/instanceID": instance,
            "meta/rootUuid": "uuid:root-1",
            "_submitted_by": "",
            "group_incident/incident_date": "2026-11-06",
            "group_incident/country": "NGA",
            "group_incident/category": "protest",
            "group_incident/description": description,
            "group_incident/credibility": "2",
            "group_incident/gps": "11.84 13.15 300 5",
        }

    payload = {"count": 1, "results": [kobo("uuid:k1", "Protest at the market")]}
    import_odk_submissions(payload=payload, form_id="k", monitor=personas.monitor)
    payload = {"count": 1, "results": [kobo("uuid:k2", "Protest at the market, dispersed")]}
    result = import_odk_submissions(payload=payload, form_id="k", monitor=personas.monitor)
    assert result.updated == 1
    assert FieldReport.objects.get().description == "Protest at the market, dispersed"


def test_an_edit_of_a_decided_report_is_refused_and_nothing_changes(personas) -> None:
    first = central_submission("uuid:b1", "Attack")
    import_odk_submissions(payload=central_export(first), form_id="f")
    verify_report(report=FieldReport.objects.get(), actor=personas.analyst, reliability="B")
    edit = central_submission("uuid:b2", "Changed after verification", deprecatedID="uuid:b1")
    new = central_submission("uuid:c1", "Another incident")
    with pytest.raises(BatchRejected) as rejected:
        import_odk_submissions(payload=central_export(new, edit), form_id="f")
    assert "already verified" in rejected.value.errors[0].reason
    assert FieldReport.objects.count() == 1  # the new one in the same batch was rolled back
    assert FieldReport.objects.get().description == "Attack"
