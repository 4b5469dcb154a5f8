"""The risk pages and API show the run a reader may see, and nothing of the others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import OrganisationFactory
from vigil.risk.choices import RunStatus
from vigil.risk.models import (
    AnalysisRun,
    AreaRisk,
    ConflictForecast,
    Escalation,
    Forecast,
    Hotspot,
    ModelVersion,
)
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db


def make_run(owner, tlp: str, *, deaths: int, as_of=dt.date(2014, 3, 31)) -> AnalysisRun:
    """A finished run with one Borno row of each kind; `deaths` tells the runs apart."""
    run = AnalysisRun.objects.create(
        owner_org=owner, tlp=tlp, as_of=as_of, status=RunStatus.DONE, events_used=10
    )
    area = {"country_id": "NGA", "latitude": 11.8, "longitude": 13.1}
    AreaRisk.objects.create(
        run=run, level="country", area="NGA", area_name="Nigeria", period=dt.date(2014, 3, 1),
        events=3, fatalities=deaths, fatalities_previous=10, change_ratio=2.0, rank=1, **area,
    )  # fmt: skip
    Hotspot.objects.create(
        run=run, level="admin1", area="NGA/Borno state", area_name="Borno state, Nigeria",
        region_id="ECOWAS", period=dt.date(2014, 3, 1), risk_fatalities=deaths, risk_events=3,
        change=deaths - 10, change_ratio=2.0, surprise=7.5, rank_risk=1, rank_change=1, **area,
    )  # fmt: skip
    Escalation.objects.create(
        run=run, level="country", area="NGA", area_name="Nigeria", period=dt.date(2014, 2, 1),
        target="fatalities", observed=deaths, expected=12.0, surprise=9.0, effect=4.0, rank=1,
        **area,
    )  # fmt: skip
    version, _ = ModelVersion.objects.get_or_create(
        level="country_month",
        name="violence-month-hgb-hurdle-2 h=1",
        trained_to=dt.date(2014, 3, 1),
        defaults={
            "backtest": {
                "horizon": 1,
                "test_years": [2010, 2023],
                "model": {"any_auc": 0.95, "any_brier": 0.08, "medae": 2.0, "crps": 10.0},
                "baselines": {
                    "ZerosBaseline": {"any_auc": 0.5, "any_brier": 0.3, "medae": 1.0},
                    "ConflictologyBaseline": {"any_auc": 0.9, "any_brier": 0.1, "medae": 1.5},
                },
            }
        },
    )
    Forecast.objects.create(
        run=run, level="country", area="NGA", area_name="Nigeria", model_version=version,
        origin=dt.date(2014, 3, 1), target_period=dt.date(2014, 4, 1), horizon=1, p_any=0.97,
        p_ge25=0.8, point=float(deaths), median=float(deaths), lower80=deaths / 2,
        upper80=deaths * 2, **area,
    )  # fmt: skip
    year_version, _ = ModelVersion.objects.get_or_create(
        level="country_year", name="conflict-year-hgb-1 h=1", trained_to=dt.date(2013, 1, 1),
        defaults={"backtest": {"model": {"incidence_auc": 0.97},
                               "baselines": {"PersistenceBaseline": {"incidence_auc": 0.91}}}},
    )  # fmt: skip
    ConflictForecast.objects.create(
        run=run, country_id="NGA", gwcode=475, model_version=year_version, origin_year=2013,
        target_year=2014, horizon=1, in_conflict=True, p_incidence=0.93, p_onset=None,
    )  # fmt: skip
    return run


@pytest.fixture
def runs(reference_geography, personas):
    platform = OrganisationFactory(slug="vigil-platform")
    return {
        "public": make_run(platform, TLP.CLEAR, deaths=111),
        "ecowas": make_run(personas.ecowas, TLP.AMBER_STRICT, deaths=999),
    }


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("analyst", "999", "111"),
        ("other_org_analyst", "111", "999"),
        ("public", "111", "999"),
        ("admin", "999", None),  # an admin may see both and is shown the one that read most
    ],
)
def test_each_reader_sees_the_run_meant_for_them(runs, personas, persona, shown, hidden) -> None:
    client = client_for(getattr(personas, persona))
    for url in ("/risk/?region=ECOWAS", "/risk/country/NGA/", "/api/v1/risk/countries/NGA"):
        body = client.get(url).content.decode()
        assert shown in body, url
        if hidden:
            assert hidden not in body, url


def test_the_country_page_shows_forecast_interval_and_backtest(runs, personas) -> None:
    body = client_for(personas.analyst).get("/risk/country/NGA/").content.decode()
    assert "500–1998" in body  # the 80% interval of the ECOWAS run's forecast
    # The backtest as a reader can weigh it: a sentence and three measures against the one
    # named baseline with the best Brier score, never a dump of metric keys.
    assert "better than conflictology, the best of 2 simple baselines, on 2 of 3" in body
    assert "conflictology, by 0.5" in body  # the median error, where the baseline wins
    assert "any_auc" not in body
    assert "February 2014" in body  # the escalation
    assert "0.97 against 0.91 for persistence" in body  # the global model, with its backtest


def test_the_regional_api_ranks_the_regions_areas(runs, personas) -> None:
    answer = client_for(personas.public).get("/api/v1/risk/regions/ECOWAS").json()
    assert answer["run"]["tlp"] == "CLEAR"
    assert [h["area"] for h in answer["hotspots"]] == ["NGA/Borno state"]
    assert client_for(personas.public).get("/api/v1/risk/regions/IGAD").json()["hotspots"] == []


def test_no_run_says_so(reference_geography) -> None:
    body = Client().get("/risk/").content.decode()
    assert "No analysis is available to you yet" in body
    assert Client().get("/risk/country/XXX/").status_code == 404


def test_each_hotspot_links_to_the_events_of_its_window(runs, personas) -> None:
    body = client_for(personas.public).get("/risk/?region=ECOWAS").content.decode()
    # March 2014 ranked on January-March: the events browser opens on those three months.
    assert "/?country=NGA&amp;date_from=2014-01-01&amp;date_to=2014-03-31" in body


def test_the_backtest_page_opens_with_the_summary_a_reader_can_weigh(runs) -> None:
    body = Client().get("/risk/backtest/").content.decode()
    summary, report = body.split('id="backtest-report"')
    assert "Country-month forecasts (violence-month-hgb-hurdle-2 h=1)" in summary
    assert "better than conflictology, the best of 2 simple baselines, on 2 of 3" in summary
    assert "any_auc" not in summary  # the keys stay in the full report below it
    assert "Forecast backtests" in report
