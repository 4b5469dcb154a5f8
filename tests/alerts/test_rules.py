"""Rules read stored analysis and raise drafts, once per rule × area × period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import EventFactory
from vigil.alerts.choices import AlertSource, AlertStatus, ForecastMeasure, RuleKind
from vigil.alerts.models import Alert, AlertRule
from vigil.alerts.rules import evaluate_rules
from vigil.risk.choices import AreaLevel, ForecastLevel, RunStatus
from vigil.risk.models import AnalysisRun, Escalation, Forecast, ModelVersion
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db
MAY = dt.date(2024, 5, 1)


def make_run(owner, tlp=TLP.CLEAR, status=RunStatus.DONE) -> AnalysisRun:
    return AnalysisRun.objects.create(
        owner_org=owner, tlp=tlp, as_of=dt.date(2024, 6, 30), status=status
    )


def escalation(run, area="NGA/Borno", surprise=6.0, effect=4.0, country="NGA", **kw) -> Escalation:
    return Escalation.objects.create(
        run=run,
        level=AreaLevel.ADMIN1 if "/" in area else AreaLevel.COUNTRY,
        country_id=country,
        area=area,
        area_name=kw.pop("area_name", "Borno, Nigeria"),
        period=MAY,
        target="fatalities",
        observed=45,
        expected=8.2,
        surprise=surprise,
        effect=effect,
        rank=1,
        **kw,
    )


def forecast(run, area="NGA", p_any=0.9, p_ge25=0.4, horizon=1, country="NGA") -> Forecast:
    version, _ = ModelVersion.objects.get_or_create(
        level=ForecastLevel.COUNTRY_MONTH, name="test-1", trained_from=None, trained_to=None
    )
    return Forecast.objects.create(
        run=run,
        level=AreaLevel.COUNTRY,
        country_id=country,
        area=area,
        area_name="Nigeria",
        model_version=version,
        origin=dt.date(2024, 6, 1),
        target_period=dt.date(2024, 6 + horizon, 1),
        horizon=horizon,
        p_any=p_any,
        p_ge25=p_ge25,
        point=30,
        median=28,
        lower80=5,
        upper80=80,
    )


def escalation_rule(world, **kw) -> AlertRule:
    values = dict(
        region_id="ECOWAS",
        organisation=world.ecowas,
        name="Surprise ≥ 5",
        kind=RuleKind.ESCALATION,
        min_surprise=5.0,
    )
    values.update(kw)
    return AlertRule.objects.create(**values)


def forecast_rule(world, **kw) -> AlertRule:
    values = dict(
        region_id="ECOWAS",
        organisation=world.ecowas,
        name="P(≥25) ≥ 30% at 1 month",
        kind=RuleKind.FORECAST,
        measure=ForecastMeasure.P_GE25,
        threshold=0.3,
        horizon=1,
    )
    values.update(kw)
    return AlertRule.objects.create(**values)


def test_escalation_over_threshold_raises_one_draft_with_its_inputs(world):
    run = make_run(world.ecowas)
    row = escalation(run)
    escalation(run, area="NGA/Lagos", area_name="Lagos, Nigeria", surprise=2.0)
    rule = escalation_rule(world)

    created = evaluate_rules(run)

    assert len(created) == 1
    alert = created[0]
    assert (alert.status, alert.source, alert.rule, alert.area_key, alert.period) == (
        AlertStatus.DRAFT,
        AlertSource.RULE,
        rule,
        "NGA/Borno",
        MAY,
    )
    assert alert.escalation_ids == [row.pk]
    assert alert.analysis_run == run
    assert alert.region_id == "ECOWAS"
    assert list(alert.countries.values_list("pk", flat=True)) == ["NGA"]
    assert {"en", "fr", "pt"} == set(alert.infos.values_list("language", flat=True))
    assert "45" in alert.infos.get(language="en").headline
    assert alert.areas.get().geocodes == [
        {"valueName": "ISO3", "value": "NGA"},
        {"valueName": "ADMIN1", "value": "Borno"},
    ]
    assert alert.transitions.get().actor is None


def test_country_alert_lists_the_events_of_its_area_month_its_audience_may_see(world):
    run = make_run(world.ecowas)
    escalation(run, area="NGA", area_name="Nigeria")
    inside = EventFactory(country_id="NGA", date_start=dt.date(2024, 5, 10), tlp=TLP.CLEAR)
    EventFactory(country_id="NGA", date_start=dt.date(2024, 4, 30), tlp=TLP.CLEAR)
    EventFactory(country_id="NGA", date_start=dt.date(2024, 5, 11), tlp=TLP.AMBER_STRICT)
    EventFactory(country_id="GHA", date_start=dt.date(2024, 5, 11), tlp=TLP.CLEAR)
    escalation_rule(world)

    alert = evaluate_rules(run)[0]

    assert alert.event_ids == [inside.pk]


def test_re_evaluating_the_run_creates_nothing_new(world):
    run = make_run(world.ecowas)
    escalation(run)
    forecast(run)
    escalation_rule(world)
    forecast_rule(world)

    first = evaluate_rules(run)
    second = evaluate_rules(run)

    assert len(first) == 2
    assert second == []
    assert Alert.objects.count() == 2


def test_a_later_run_about_the_same_period_creates_nothing_new(world):
    escalation(make_run(world.ecowas))
    escalation_rule(world)
    evaluate_rules(AnalysisRun.objects.get())
    later = make_run(world.ecowas)
    escalation(later)

    assert evaluate_rules(later) == []


def test_effect_size_threshold_alone_or_with_surprise(world):
    run = make_run(world.ecowas)
    escalation(run, surprise=6.0, effect=1.5)
    escalation_rule(world, name="big effect", min_surprise=None, min_effect=3.0)
    escalation_rule(world, name="both", min_surprise=5.0, min_effect=1.2)

    created = evaluate_rules(run)

    assert [a.rule.name for a in created] == ["both"]


def test_forecast_rule_reads_its_measure_at_its_horizon(world):
    run = make_run(world.ecowas)
    hit = forecast(run, p_ge25=0.35, horizon=1)
    forecast(run, p_ge25=0.9, horizon=3)
    forecast(run, area="GHA", country="GHA", p_ge25=0.1, horizon=1)
    forecast_rule(world)

    created = evaluate_rules(run)

    assert [a.forecast_ids for a in created] == [[hit.pk]]
    assert created[0].period == hit.target_period
    assert "35%" in created[0].infos.get(language="en").headline


def test_rules_of_another_region_ignore_its_countries(world):
    run = make_run(world.ecowas)
    escalation(run, area="KEN", area_name="Kenya", country="KEN")
    escalation_rule(world)

    assert evaluate_rules(run) == []


def test_alert_inherits_the_runs_mark_and_owner(world):
    run = make_run(world.ecowas, tlp=TLP.AMBER_STRICT)
    escalation(run)
    escalation_rule(world)

    alert = evaluate_rules(run)[0]

    assert (alert.tlp, alert.owner_org) == (TLP.AMBER_STRICT, world.ecowas)
    assert alert.scope == "Restricted"


def test_restricted_run_of_another_organisation_feeds_none_of_our_rules(world):
    run = make_run(world.igad, tlp=TLP.AMBER_STRICT)
    escalation(run)
    escalation_rule(world)

    assert evaluate_rules(run) == []


def test_community_run_is_owned_by_the_rules_department(world):
    run = make_run(world.wanep, tlp=TLP.GREEN)
    escalation(run)
    escalation_rule(world)

    alert = evaluate_rules(run)[0]

    assert (alert.tlp, alert.owner_org) == (TLP.GREEN, world.ecowas)


def test_inactive_rules_and_unfinished_runs_raise_nothing(world):
    run = make_run(world.ecowas)
    escalation(run)
    escalation_rule(world, is_active=False)
    assert evaluate_rules(run) == []
    with pytest.raises(ValidationError):
        evaluate_rules(make_run(world.ecowas, status=RunStatus.RUNNING))
