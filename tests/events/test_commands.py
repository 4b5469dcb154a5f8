"""`vigil import`: the CLI lists every bad row and fails, or commits with --skip-invalid."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from vigil.events.models import Event

pytestmark = pytest.mark.usefixtures("reference_geography")

HEADER = "event_id_cnty,event_date,event_type,country,iso3,latitude,longitude,fatalities\n"


def test_bad_rows_fail_the_command_and_name_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(
        HEADER
        + "BFO1,03 December 2020,Battles,Burkina Faso,BFA,14.1,-1.6,3\n"
        + "BFO2,31 February 2020,Battles,Burkina Faso,BFA,14.1,-1.6,x\n",
        encoding="utf-8",
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nothing committed"):
        call_command("import", "acled", str(path), stderr=stderr)
    assert "line 3: event_date: not a date" in stderr.getvalue()
    assert "line 3: fatalities: not a number: 'x'" in stderr.getvalue()
    assert Event.objects.count() == 0


def test_skip_invalid_commits_the_rest_and_writes_rejects_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "acled.csv"
    path.parent.mkdir()
    path.write_text(
        HEADER
        + "BFO1,03 December 2020,Battles,Burkina Faso,BFA,14.1,-1.6,3\n"
        + "BFO2,04 December 2020,Battles,Burkina Faso,BFA,95,-1.6,1\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    stdout = io.StringIO()
    call_command("import", "acled", str(path), "--skip-invalid", "--no-link", stdout=stdout)
    assert "1 new" in stdout.getvalue()
    assert "1 rejected" in stdout.getvalue()
    assert Event.objects.count() == 1
    assert (tmp_path / "acled.csv.rejects.csv").exists()
    assert not (path.parent / "acled.csv.rejects.csv").exists()


def test_reimport_says_zero_new_zero_changed(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(HEADER + "BFO1,03 December 2020,Battles,Burkina Faso,BFA,14.1,-1.6,3\n")
    call_command("import", "acled", str(path), stdout=io.StringIO())
    stdout = io.StringIO()
    call_command("import", "acled", str(path), stdout=stdout)
    assert "0 new, 0 changed" in stdout.getvalue()


GED_HEADER = "id,type_of_violence,date_start,date_end,best,country_id\n"


def _ged_rows(codes: list[int]) -> str:
    return "".join(
        f"{i},1,2020-01-0{i},2020-01-0{i},1,{code}\n" for i, code in enumerate(codes, start=1)
    )


def test_one_reason_on_many_rows_is_one_line_with_count_and_span(tmp_path: Path) -> None:
    path = tmp_path / "ged.csv"
    path.write_text(GED_HEADER + _ged_rows([999, 70, 999, 999]), encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="3 error"):
        call_command("import", "ucdp-ged", str(path), stderr=stderr)
    lines = stderr.getvalue().splitlines()
    assert lines == ["3 rows, lines 2-5: country_id: unknown Gleditsch-Ward code 999"]


def test_an_unloaded_geography_is_named_with_the_command_that_loads_it(tmp_path: Path) -> None:
    from vigil.geo.models import Country, RegionMembership

    RegionMembership.objects.all().delete()
    Country.objects.all().delete()
    path = tmp_path / "ged.csv"
    path.write_text(GED_HEADER + _ged_rows([70, 70]), encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nothing committed"):
        call_command("import", "ucdp-ged", str(path), stderr=stderr)
    (line,) = stderr.getvalue().splitlines()
    assert line.startswith("2 rows, lines 2-3: country_id: unknown Gleditsch-Ward code 70")
    assert "hint: the reference geography is not loaded: run `vigil migrate`" in line
