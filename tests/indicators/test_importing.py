"""Observations in batches: CSV uploads and ODK exports, all or nothing, idempotent."""

from __future__ import annotations

import pytest
from django.test import Client

from vigil.fieldreports.importing import BatchRejected
from vigil.indicators.importing import import_observation_submissions, import_observations_csv
from vigil.indicators.models import Observation

HEADER = "indicator_set,country,admin1,period,period_start,armed-raids,markets-open,notes\n"


@pytest.mark.usefixtures("shipped_sets")
def test_csv_creates_one_observation_per_row_and_reupload_creates_nothing(personas) -> None:
    content = (
        HEADER
        + "cewarn-conflict-peace,NGA,Borno,weekly,2026-03-02,3,1,Raids near Bama\n"
        + "cewarn-conflict-peace,NGA,Yobe,monthly,2026-03-01,1,4,\n"
    ).encode()
    first = import_observations_csv(monitor=personas.monitor, content=content)
    again = import_observations_csv(monitor=personas.monitor, content=content)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    borno = Observation.objects.get(admin1__name="Borno")
    assert {v.indicator.code: v.value for v in borno.values.all()} == {
        "armed-raids": 3,
        "markets-open": 1,
    }


@pytest.mark.usefixtures("shipped_sets")
def test_a_bad_row_refuses_the_batch_naming_line_and_field(personas) -> None:
    content = (
        HEADER
        + "cewarn-conflict-peace,NGA,,weekly,2026-03-02,3,1,\n"
        + "cewarn-conflict-peace,NGA,,weekly,2026-03-04,9,x,\n"
    ).encode()
    with pytest.raises(BatchRejected) as rejected:
        import_observations_csv(monitor=personas.monitor, content=content)
    assert {(e.where, e.field) for e in rejected.value.errors} == {("3", "values.markets-open")}
    content = content.replace(b",9,x,", b",9,1,")
    with pytest.raises(BatchRejected) as rejected:
        import_observations_csv(monitor=personas.monitor, content=content)
    fields = {(e.where, e.field) for e in rejected.value.errors}
    assert ("3", "period_start") in fields  # 2026-03-04 is not a Monday
    assert ("3", "values.armed-raids") in fields  # 9 is off the 0-4 scale
    assert Observation.objects.count() == 0  # the good first row was not kept either


@pytest.mark.usefixtures("shipped_sets")
def test_odk_submissions_file_observations_once(personas) -> None:
    payload = {
        "value": [
            {
                "__id": "uuid:o1",
                "meta": {"instanceID": "uuid:o1"},
                "indicator_set": "cewarn-conflict-peace",
                "country": "NGA",
                "period": "monthly",
                "period_start": "2026-02-01",
                "obs": {"armed-raids": 2, "markets-open": 3},
            }
        ]
    }
    first = import_observation_submissions(payload=payload, monitor=personas.monitor)
    again = import_observation_submissions(payload=payload, monitor=personas.monitor)
    assert (first.created, again.unchanged) == (1, 1)
    assert Observation.objects.get().values.count() == 2


@pytest.mark.usefixtures("shipped_sets")
def test_csv_upload_through_the_api(personas) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(personas.monitor)
    content = (HEADER + "cewarn-conflict-peace,NGA,,weekly,2026-03-02,3,1,\n").encode()
    upload = SimpleUploadedFile("obs.csv", content, content_type="text/csv")
    response = client.post("/api/v1/observations/csv", {"file": upload})
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
