"""Product content built from stored analysis and field reports (src/vigil/reports/content.py).

Analysis rows are written directly with the ORM, as `vigil analyse` stores them, so the
filled case is exercised whatever the state of the analytics pipeline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories import EventFactory
from tests.reports.conftest import DAY, MarkedEvents
from vigil.events.choices import Category
from vigil.events.models import SourceCoverage
from vigil.fieldreports.services import ReportInput, submit_report, verify_report
from vigil.reports import services
from vigil.reports.choices import Cadence
from vigil.risk.choices import RunStatus
from vigil.risk.models import AnalysisRun, Escalation, Forecast, Hotspot, ModelVersion
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db

MONTH = dt.date(2024, 2, 1)


def store_run(owner: Any, mark: str, *, deaths: int) -> AnalysisRun:
    """A finished run with one hotspot, one escalation and forecasts for Nigeria."""
    run = AnalysisRun.objects.create(
        owner_org=owner, tlp=mark, as_of=DAY, status=RunStatus.DONE, events_used=10
    )
    area = {"level": "admin1", "country_id": "NGA", "area": "NGA/Borno", "area_name": "Borno"}
    Hotspot.objects.create(
        run=run, region_id="ECOWAS", period=MONTH, risk_fatalities=deaths, risk_events=4,
        change=deaths - 3, change_ratio=2.0, rank_risk=1, rank_change=1, **area,
    )  # fmt: skip
    Escalation.objects.create(
        run=run, period=MONTH, target="fatalities", observed=deaths, expected=3.0, surprise=4.2,
        effect=5.0, rank=1, **area,
    )  # fmt: skip
    version = ModelVersion.objects.create(
        level="country_month",
        name=f"hgb-{mark}",
        backtest={
            "horizon": 1,
            "model": {"any_auc": 0.91, "any_brier": 0.08},
            "baselines": {
                "PersistenceBaseline": {"any_auc": 0.80, "any_brier": 0.11},
                "ZerosBaseline": {"any_auc": 0.50, "any_brier": 0.20},
            },
        },
    )
    for horizon in (1, 2, 3):
        # Later months likelier: the products still list them in time order.
        Forecast.objects.create(
            run=run, model_version=version, origin=MONTH, horizon=horizon,
            target_period=dt.date(2024, 2 + horizon, 1), p_any=0.9 + horizon / 100, p_ge25=0.4,
            point=12.0 + horizon, median=11.0, lower80=3.0, upper80=30.0 + horizon,
            level="country", country_id="NGA", area="NGA", area_name="Nigeria",
        )  # fmt: skip
    return run


@pytest.fixture
def borno_events(marked_events: MarkedEvents, personas: Any) -> list[Any]:
    """February events in Borno (admin1 known) behind the stored figures."""
    from vigil.geo.services import get_or_create_admin_area

    borno = get_or_create_admin_area(country_id="NGA", level=1, name="Borno")
    return [
        EventFactory(
            tlp=TLP.GREEN,
            date_start=MONTH + dt.timedelta(days=d),
            admin1=borno,
            fatalities_best=3,
            owner_org=personas.ecowas,
        )
        for d in (2, 9, 20)
    ] + [EventFactory(tlp=TLP.AMBER, date_start=MONTH, admin1=borno, owner_org=personas.ecowas)]


def test_synopsis_shows_hotspots_escalations_and_forecasts_with_backtest_scores(
    personas: Any, borno_events: list[Any]
) -> None:
    green_run = store_run(personas.ecowas, TLP.GREEN, deaths=9)
    store_run(personas.ecowas, TLP.AMBER_STRICT, deaths=999)  # must not reach a GREEN product
    product = services.generate_synopsis(
        region="ECOWAS", date=DAY, actor=personas.analyst, owner=personas.ecowas
    ).product
    assert product.analysis_run == green_run
    sections = {s["key"]: s for s in product.content["sections"]}
    hotspot = sections["hotspots"]["figures"][0]
    assert hotspot["value"] == 9
    assert "Borno — deaths: 9, change +6" in hotspot["label"]
    green_borno = {e.pk for e in borno_events if e.tlp == TLP.GREEN}
    assert set(hotspot["event_ids"]) == green_borno
    escalation = sections["escalations"]["figures"][0]
    assert "9 deaths against 3.0 expected" in escalation["label"]
    assert set(escalation["event_ids"]) == green_borno
    forecast, backtest = sections["forecasts"]["figures"]
    assert "expected deaths (median) 11, 80% interval 3–31" in forecast["label"]
    assert forecast["interval80"] == [3.0, 31.0]
    assert backtest["scores"] == {"any_auc": 0.91, "any_brier": 0.08}
    # One named baseline to beat: the best Brier score of those that are not all zeros.
    assert backtest["best_baseline"] == {"name": "persistence", "any_auc": 0.80, "any_brier": 0.11}
    assert (
        "better than persistence, the best of 2 simple baselines, on 2 of 2" in (backtest["label"])
    )
    assert [row[0] for row in backtest["table"]["rows"]] == [
        "AUC of any death (higher is better)",
        "Brier score of any death (lower is better)",
    ]
    assert backtest["table"]["rows"][0][1:] == ["0.91", "0.80", "model better by 0.11"]
    assert "any_auc" not in backtest["label"]  # a sentence, not a dump of keys
    # The newest event the product rests on, and its age at the product's date.
    assert (
        "Newest event this product rests on: 2024-03-14, 0 days before 2024-03-14."
        in (product.content["notes"])
    )
    assert "Analytics from the analysis as of 2024-03-14 (TLP:GREEN)." in product.content["notes"]


def test_situation_report_has_trend_map_key_events_forecast_and_responses(
    personas: Any, borno_events: list[Any], marked_events: MarkedEvents
) -> None:
    store_run(personas.ecowas, TLP.GREEN, deaths=9)
    product = services.generate_situation_report(
        country="NGA", date=DAY, cadence=Cadence.MONTHLY, owner=personas.ecowas
    ).product
    assert (product.period_start, product.period_end) == (dt.date(2024, 3, 1), DAY)
    sections = {s["key"]: s for s in product.content["sections"]}
    trend, total = sections["trend"]["figures"]
    by_month = {row["period"]: row for row in trend["series"]}
    assert by_month["2024-02"] == {"period": "2024-02", "covered": True, "events": 3, "deaths": 9}
    assert by_month["2024-03"]["deaths"] == 1 + 2  # CLEAR and GREEN of DAY only
    assert total["label"] == "2 events and 3 deaths in the period"
    assert len(sections["map"]["figures"][0]["points"]) == 2
    assert [f["value"] for f in sections["key_events"]["figures"]] == [2, 1]
    assert [f["horizon"] for f in sections["forecasts"]["figures"][:3]] == [1, 2, 3]
    assert sections["response_options"]["situation"] == "escalating"
    assert sections["response_options"]["text"][0].startswith("Preventive diplomacy")


def test_calm_country_gets_the_monitoring_options(
    personas: Any, marked_events: MarkedEvents
) -> None:
    SourceCoverage.objects.create(
        source="acled", release="export", country="GHA", kind="events",
        first_date=dt.date(1997, 1, 1), last_date=DAY, derived_first=dt.date(1997, 1, 1),
        derived_last=DAY, owner_org=personas.ecowas, tlp=TLP.CLEAR,
    )  # fmt: skip
    product = services.generate_situation_report(country="GHA", date=DAY).product
    options = next(s for s in product.content["sections"] if s["key"] == "response_options")
    assert options["situation"] == "calm"
    assert product.content["warnings"] == []


def test_a_country_no_source_covers_is_not_reported_calm_or_zero(
    personas: Any, marked_events: MarkedEvents
) -> None:
    # given Ghana, which no imported source covers
    product = services.generate_situation_report(country="GHA", date=DAY).product

    # then the product says so at the top, and reports no zero and no "calm"
    assert product.content["coverage"] == "none"
    assert product.content["warnings"] == [
        "Not covered: Ghana — no event source covers this period. No count, rank or forecast "
        "is given for what no source covers: missing data is not zero deaths."
    ]
    sections = {s["key"]: s for s in product.content["sections"]}
    # no "0 deaths" total, no trend of uncovered months, no empty chart drawn as zeros
    assert sections["trend"]["figures"] == []
    assert sections["trend"]["text"] == [
        "No source covers this period here: no count of events or deaths is given.",
        "No source covers any of these months: there is no trend to chart.",
    ]
    assert sections["trend"]["chart"] is None
    # and no map of "0 located events"
    assert sections["map"]["figures"] == []
    assert "chart" not in sections["map"]
    assert sections["map"]["text"] == [
        "Not computed: no source covers this period, and silence is not calm."
    ]
    assert sections["response_options"]["situation"] == "unknown"
    assert "Obtain current event data for Ghana" in sections["response_options"]["text"][0]
    assert (
        "This product rests on no event dated on or before 2024-03-14."
        in (product.content["notes"])
    )


def test_synopsis_lists_newly_verified_field_reports_with_their_events(
    personas: Any, marked_events: MarkedEvents
) -> None:
    report, _ = submit_report(
        monitor=personas.monitor,
        data=ReportInput(
            date_start=dt.date.today(), country_id="NGA", category=Category.RIOT,
            description="Market riot",
            credibility=2, fatalities=5, tlp=TLP.GREEN,
        ),
    )  # fmt: skip
    hidden, _ = submit_report(
        monitor=personas.monitor,
        data=ReportInput(
            date_start=dt.date.today(), country_id="NGA", category=Category.RIOT,
            description="Not for all",
            credibility=2, tlp=TLP.AMBER,
        ),
    )  # fmt: skip
    today = dt.date.today()
    for item in (report, hidden):
        verify_report(report=item, actor=personas.analyst, reliability="B")
    product = services.generate_synopsis(region="ECOWAS", date=today, owner=personas.ecowas)
    section = next(s for s in product.product.content["sections"] if s["key"] == "field_reports")
    assert len(section["figures"]) == 1
    assert section["figures"][0]["event_ids"] == [report.event_id]
    assert f"(report #{report.pk})" in section["figures"][0]["label"]
    # The AMBER report's event is the one the GREEN synopsis left out
    assert (
        "1 event above this product's mark (TLP:GREEN) was left out."
        in (product.product.content["notes"])
    )


def test_the_trend_leaves_uncovered_months_empty_and_imprecise_events_out(
    personas: Any, marked_events: MarkedEvents
) -> None:
    # given Nigeria covered from 2023-06 only, and an event known only to the year 2023
    SourceCoverage.objects.filter(country="NGA").update(
        first_date=dt.date(2023, 6, 1), derived_first=dt.date(2023, 6, 1)
    )
    EventFactory(
        country_id="NGA", date_start=dt.date(2023, 1, 1), date_end=dt.date(2023, 12, 31),
        date_precision=5, fatalities_best=500, tlp=TLP.CLEAR,
    )  # fmt: skip
    EventFactory(
        country_id="NGA", date_start=dt.date(2023, 8, 3), date_end=dt.date(2023, 8, 3),
        date_precision=1, fatalities_best=7, tlp=TLP.CLEAR,
    )  # fmt: skip
    product = services.generate_situation_report(country="NGA", date=DAY).product
    trend = {s["key"]: s for s in product.content["sections"]}["trend"]
    by_month = {row["period"]: row for row in trend["figures"][0]["series"]}

    # then months before the coverage starts are missing, not zero
    assert by_month["2023-05"] == {"period": "2023-05", "covered": False, "events": None,
                                   "deaths": None}  # fmt: skip
    # the year-long event is in no month, and the product says how many it left out
    assert by_month["2023-01"]["deaths"] is None
    assert by_month["2023-08"] == {"period": "2023-08", "covered": True, "events": 1,
                                   "deaths": 7}  # fmt: skip
    assert by_month["2023-12"]["deaths"] == 0
    assert trend["chart"] == "trend"
    assert any("not in the monthly chart: 1 in these months" in t for t in trend["text"])
