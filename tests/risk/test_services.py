"""`analyse` on the bundled real UCDP sample: what it stores, for whom, and that an as-of
run cannot see the future."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.factories import EventFactory
from vigil.events.models import Event
from vigil.events.services import import_events
from vigil.risk import selectors
from vigil.risk.choices import RunStatus
from vigil.risk.models import (
    AreaRisk,
    ConflictForecast,
    Escalation,
    EventCluster,
    Forecast,
    Hotspot,
    ModelVersion,
)
from vigil.risk.services import analyse, last_full_month, last_full_week
from vigil.sharing.choices import TLP

SAMPLE = Path(__file__).resolve().parents[2] / "src/vigil/events/data/demo"
FAST = {"max_iter": 25}  # the model's shape, not its skill, is under test here


@pytest.fixture
def nigeria(reference_geography) -> None:
    import_events(importer_key="ucdp-ged", path=SAMPLE / "hdx_ucdp_ged_conflict_data_nga.csv.gz")


def figures(run) -> dict:
    """Everything a run stored, in a comparable form."""
    return {
        "risk": list(
            AreaRisk.objects.filter(run=run)
            .order_by("level", "area")
            .values_list("area", "events", "fatalities", "fatalities_previous", "rank")
        ),
        "escalations": list(
            Escalation.objects.filter(run=run)
            .order_by("level", "area", "period")
            .values_list("area", "period", "observed", "expected")
        ),
        "hotspots": list(
            Hotspot.objects.filter(run=run)
            .order_by("region", "rank_risk", "area")
            .values_list("region", "area", "risk_fatalities", "change")
        ),
        "clusters": list(
            EventCluster.objects.filter(run=run)
            .order_by("-fatalities", "label")
            .values_list("label", "events", "fatalities")
        ),
        "forecasts": [
            (area, horizon, round(p_any, 9), round(upper, 6))
            for area, horizon, p_any, upper in Forecast.objects.filter(run=run)
            .order_by("level", "area", "horizon")
            .values_list("area", "horizon", "p_any", "upper80")
        ],
    }


def test_last_full_week_is_a_whole_monday_to_sunday_week() -> None:
    assert last_full_week(dt.date(2014, 3, 30)).date() == dt.date(2014, 3, 24)  # a Sunday
    assert last_full_week(dt.date(2014, 3, 31)).date() == dt.date(2014, 3, 24)  # a Monday
    assert last_full_week(dt.date(2014, 3, 29)).date() == dt.date(2014, 3, 17)


def test_last_full_month_excludes_a_part_month() -> None:
    assert last_full_month(dt.date(2014, 3, 31)).date() == dt.date(2014, 3, 1)
    assert last_full_month(dt.date(2014, 3, 30)).date() == dt.date(2014, 2, 1)
    assert last_full_month(dt.date(2024, 2, 29)).date() == dt.date(2024, 2, 1)


@pytest.mark.django_db
def test_an_as_of_run_ignores_every_later_event(nigeria, tmp_path) -> None:
    as_of = dt.date(2014, 3, 31)
    later = Event.objects.filter(date_start__gt=as_of).count()
    assert later > 1000  # the sample really has a future to leak

    with_future = analyse(
        as_of=as_of, model_dir=tmp_path / "a", forecaster_params=FAST, conflict_data=tmp_path
    )
    Event.objects.filter(date_start__gt=as_of).delete()
    without_future = analyse(
        as_of=as_of, model_dir=tmp_path / "b", forecaster_params=FAST, conflict_data=tmp_path
    )

    assert with_future.events_used == without_future.events_used
    assert with_future.last_event_date <= as_of
    assert figures(with_future) == figures(without_future)
    assert figures(with_future)["forecasts"]  # the comparison compared something


def _counted_in_months(events, period: str = "M") -> int:
    """Deaths of the events a panel counts (docs/analytics.md): placed better than the
    country, precise enough and wholly inside one period."""
    import pandas as pd

    total = 0
    for event in events.filter(geo_precision__lt=6, date_precision__lte=4):
        start = pd.Period(event.date_start, period)
        if start == pd.Period(event.date_end or event.date_start, period):
            total += event.fatalities_best or 0
    return total


@pytest.mark.django_db
def test_a_run_stores_each_kind_of_figure(nigeria, tmp_path) -> None:
    run = analyse(
        as_of=dt.date(2014, 3, 31),
        model_dir=tmp_path,
        forecaster_params=FAST,
        conflict_data=tmp_path,
    )

    assert run.status == RunStatus.DONE
    assert run.tlp == TLP.CLEAR  # UCDP's events are public
    borno = AreaRisk.objects.get(run=run, area="NGA/Borno state")
    assert borno.rank == 1
    assert borno.fatalities == _counted_in_months(
        Event.objects.filter(
            admin1__name="Borno state", date_start__gte="2014-01-01", date_start__lte="2014-03-31"
        )
    )
    # Borno, early 2014 is one of the documented escalations (docs/escalations.md).
    assert Escalation.objects.filter(
        run=run, area="NGA/Borno state", period__gte="2014-01-01"
    ).exists()
    top = Hotspot.objects.filter(run=run, region_id="ECOWAS", freq="MS").order_by("rank_risk")[0]
    assert top.area == "NGA/Borno state"
    weekly = Hotspot.objects.filter(run=run, region_id="ECOWAS", freq="W").order_by("rank_risk")
    assert weekly[0].period == dt.date(2014, 3, 24)  # the last Monday-Sunday week before 31 March
    assert weekly[0].risk_fatalities == _counted_in_months(
        Event.objects.filter(
            admin1__name=weekly[0].area.split("/")[1],
            date_start__gte="2014-03-03",
            date_start__lte="2014-03-30",
            date_precision__lte=3,
        ),
        period="W",
    )
    cluster = EventCluster.objects.filter(run=run).first()
    assert Event.objects.filter(pk__in=cluster.event_ids).count() == cluster.events
    forecast = Forecast.objects.get(run=run, area="NGA/Borno state", horizon=1)
    assert forecast.target_period == dt.date(2014, 4, 1)
    assert 0.0 <= forecast.lower80 <= forecast.median <= forecast.upper80
    # Borno had deaths every month of 2013-2014: it leads the admin1 forecasts.
    ranked = Forecast.objects.filter(run=run, level="admin1", horizon=1).order_by("-p_any")
    assert "NGA/Borno state" in [f.area for f in ranked[:3]]
    assert set(Forecast.objects.filter(run=run).values_list("horizon", flat=True)) == {1, 2, 3}
    version = forecast.model_version
    assert version.trained_to <= dt.date(2014, 3, 1)
    assert ModelVersion.objects.filter(pk=version.pk, params__max_iter=25).exists()


@pytest.mark.django_db
def test_a_run_forecasts_armed_conflict_for_every_state(reference_geography, tmp_path) -> None:
    run = analyse(as_of=dt.date(2014, 3, 31), model_dir=tmp_path)

    rows = ConflictForecast.objects.filter(run=run)
    assert {r.origin_year for r in rows} == {2013}  # the last full year before the as-of date
    assert set(rows.values_list("horizon", flat=True)) == {1, 2, 3}
    per_horizon = rows.filter(horizon=1)
    assert per_horizon.count() > 150  # every independent state of the GW list we can map
    syria = per_horizon.get(country_id="SYR")
    assert syria.in_conflict
    assert syria.p_onset is None
    assert syria.p_incidence > 0.8
    iceland = per_horizon.get(country_id="ISL")
    assert not iceland.in_conflict
    assert iceland.p_incidence < 0.1
    assert iceland.p_onset is not None
    assert syria.model_version.trained_to <= dt.date(2013, 1, 1)


@pytest.mark.django_db
def test_an_organisation_run_reads_its_amber_events_and_stays_with_it(
    nigeria, personas, tmp_path
) -> None:
    EventFactory(
        country_id="NGA",
        date_start=dt.date(2014, 3, 10),
        fatalities_best=40,
        owner_org=personas.ecowas,
        tlp=TLP.AMBER,
    )
    public = analyse(
        as_of=dt.date(2014, 3, 31),
        model_dir=tmp_path,
        forecaster_params=FAST,
        conflict_data=tmp_path,
    )
    ecowas = analyse(
        as_of=dt.date(2014, 3, 31),
        organisation=personas.ecowas,
        model_dir=tmp_path,
        forecaster_params=FAST,
        conflict_data=tmp_path,
    )

    assert ecowas.events_used == public.events_used + 1
    assert (public.tlp, ecowas.tlp) == (TLP.CLEAR, TLP.AMBER_STRICT)
    assert ecowas.owner_org == personas.ecowas
    assert selectors.latest_run(personas.analyst) == ecowas
    assert selectors.latest_run(personas.other_org_analyst) == public
    assert selectors.latest_run(personas.public) == public
    assert not selectors.forecasts(None).exists()


@pytest.mark.django_db
def test_an_empty_store_gives_an_empty_run(reference_geography, tmp_path) -> None:
    run = analyse(as_of=dt.date(2020, 1, 31), model_dir=tmp_path, conflict_data=tmp_path)
    assert run.status == RunStatus.DONE
    assert run.events_used == 0
    assert run.summary["conflict_data"] == f"not found under {tmp_path}"
    assert run.summary["rows"] == {
        "area_risk": 0,
        "escalations": 0,
        "hotspots": 0,
        "clusters": 0,
        "forecasts": 0,
        "conflict_forecasts": 0,
    }


@pytest.mark.django_db
def test_a_run_past_the_data_coverage_stores_no_figure_for_what_no_source_covers(
    nigeria, tmp_path
) -> None:
    # given the Nigeria extract, which ends with 2019, and a run as of the end of 2023
    run = analyse(
        as_of=dt.date(2023, 12, 31),
        model_dir=tmp_path,
        forecaster_params=FAST,
        conflict_data=tmp_path,
    )

    # then Nigeria's states keep a row that says why, with no figure, rank or probability
    rows = AreaRisk.objects.filter(run=run, country_id="NGA")
    assert rows.exists()
    assert not rows.filter(covered=True).exists()
    assert set(rows.values_list("fatalities", "events", "rank", "risk")) == {(None,) * 4}
    borno = rows.get(area="NGA/Borno state")
    assert borno.coverage_note.startswith("no data since 2019-12-31 — UCDP GED extract 20.1")
    # and nothing is ranked, forecast or flagged on the silence
    assert not Hotspot.objects.filter(run=run, country_id="NGA").exists()
    assert not Forecast.objects.filter(run=run, country_id="NGA").exists()
    assert not Escalation.objects.filter(run=run, period__gte="2020-01-01").exists()
    assert run.summary["coverage"]["NGA"]["status"] == "none"
    assert run.summary["coverage"]["NGA"]["last"] == "2019-12-31"
    # a run inside the coverage ranks without ties
    inside = analyse(
        as_of=dt.date(2019, 12, 31),
        model_dir=tmp_path,
        forecaster_params=FAST,
        conflict_data=tmp_path,
    )
    ranks = list(
        AreaRisk.objects.filter(run=inside, level="admin1", covered=True).values_list(
            "rank", flat=True
        )
    )
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    spots = Hotspot.objects.filter(run=inside, region_id="ECOWAS", freq="MS")
    assert spots.exists()
    assert all(h.risk_fatalities > 0 or h.risk_events > 0 for h in spots)
    assert len({h.rank_risk for h in spots}) == spots.count()
