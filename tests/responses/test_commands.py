"""`vigil load_response_options`: refresh the library from a file, refuse a bad one clearly."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from vigil.responses.models import ResponseOption


def test_loading_the_bundled_library_again_reports_nothing_changed(db) -> None:
    out = StringIO()
    call_command("load_response_options", stdout=out)
    count = ResponseOption.objects.count()
    assert out.getvalue().strip() == (f"response options: 0 created, 0 updated, {count} unchanged")


def test_a_bad_file_is_refused_with_the_row_and_reason(db, tmp_path) -> None:
    bad = tmp_path / "options.csv"
    bad.write_text("code,kind,name,description,typical_lead_time_days,typical_actors\n"
                   "x,prayer,X,d,1,a\n")  # fmt: skip
    with pytest.raises(CommandError, match=r"options\[1\]: kind 'prayer' is not one of"):
        call_command("load_response_options", str(bad))
    with pytest.raises(CommandError, match=r"missing\.json"):
        call_command("load_response_options", str(tmp_path / "missing.json"))
