"""Indicator sets from files; observations filed at most once and reviewed like field reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from tests.indicators.conftest import FIRST_OF_MONTH, MONDAY, observe
from vigil.fieldreports.choices import ReviewStatus
from vigil.geo.choices import AdminLevel
from vigil.geo.services import get_or_create_admin_area
from vigil.indicators.choices import Direction, ElectionPhase
from vigil.indicators.models import Indicator, IndicatorSet, Observation, ObservationTransition
from vigil.indicators.services import (
    decide_observation,
    load_indicator_set,
    resubmit_observation,
    shipped_set_paths,
    submit_observation,
)

pytestmark = pytest.mark.usefixtures("reference_geography")


def snapshot() -> list[dict]:
    return list(Indicator.objects.order_by("pk").values()) + list(
        IndicatorSet.objects.order_by("pk").values()
    )


def write_set(tmp_path: Path, document: object, name: str = "set.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


SMALL_SET = {
    "code": "small",
    "name": "Small set",
    "scale": {"min": 0, "max": 4, "labels": {"0": "None", "4": "Very high"}},
    "indicators": [
        {"code": "raids", "name": "Raids", "direction": "conflict", "definition": "Raids seen."},
        {"code": "markets", "name": "Markets", "direction": "mitigating",
         "definition": "Markets open."},
    ],
}  # fmt: skip


# Loading indicator sets --------------------------------------------------------------


def test_loading_the_shipped_sets_again_changes_nothing() -> None:
    first = [load_indicator_set(path=path) for path in shipped_set_paths()]
    before = snapshot()
    second = [load_indicator_set(path=path) for path in shipped_set_paths()]
    assert all(result.changed_anything for result in first)
    assert not any(result.changed_anything for result in second)
    assert snapshot() == before


def test_shipped_sets_carry_peace_signals_and_election_phases(shipped_sets) -> None:
    cewarn = shipped_sets["cewarn-conflict-peace"].indicators.all()
    mitigating = {i.code for i in cewarn if i.direction == Direction.MITIGATING}
    assert {"markets-open", "inter-group-trade", "local-peace-initiatives",
            "womens-peace-messaging", "joint-grazing-agreements"} <= mitigating  # fmt: skip
    assert 15 <= len(cewarn) <= 20
    election = shipped_sets["election-violence"].indicators.all()
    assert {i.phase for i in election} == set(ElectionPhase.values)
    for indicator in [*cewarn, *election]:
        assert len(indicator.definition) > 40, indicator.code
        assert {str(indicator.scale_min), str(indicator.scale_max)} <= set(indicator.scale_labels)


def test_a_malformed_file_is_refused_naming_each_fault(tmp_path) -> None:
    broken = SMALL_SET | {
        "indicators": [
            {"code": "raids", "name": "Raids", "direction": "war", "definition": "Raids."},
            {"code": "raids", "name": "", "direction": "conflict", "definition": "Again.",
             "scale": {"min": 4, "max": 0}},
            {"code": "Bad Code", "name": "X", "direction": "mitigating", "defintion": "typo"},
        ]
    }  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        load_indicator_set(path=write_set(tmp_path, broken))
    assert set(refused.value.message_dict) == {
        "indicators[0].direction",
        "indicators[1].code",
        "indicators[1].name",
        "indicators[1].scale",
        "indicators[2].code",
        "indicators[2].keys",
        "indicators[2].definition",
    }
    assert IndicatorSet.objects.count() == 0


def test_a_file_that_is_not_json_is_refused_with_its_position(tmp_path) -> None:
    path = tmp_path / "set.json"
    path.write_text('{"code": "small",,}', encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        load_indicator_set(path=path)
    assert "line 1 column 18" in refused.value.message_dict["file"][0]


def test_an_indicator_dropped_from_the_file_is_retired_not_deleted(tmp_path) -> None:
    load_indicator_set(path=write_set(tmp_path, SMALL_SET))
    shorter = SMALL_SET | {"indicators": SMALL_SET["indicators"][:1], "version": "2"}
    result = load_indicator_set(path=write_set(tmp_path, shorter))
    assert (result.set_updated, result.retired, result.unchanged) == (True, 1, 1)
    assert Indicator.objects.get(code="markets").is_active is False
    assert IndicatorSet.objects.get(code="small").version == "2"


def test_the_command_loads_the_shipped_sets_and_reports_bad_files(tmp_path, capsys) -> None:
    call_command("load_indicators")
    assert IndicatorSet.objects.count() == 2
    assert "cewarn-conflict-peace: 20 new, 0 changed" in capsys.readouterr().out
    bad = SMALL_SET | {"indicators": [SMALL_SET["indicators"][0] | {"direction": "?"}]}
    with pytest.raises(CommandError, match=r"indicators\[0\]\.direction"):
        call_command("load_indicators", str(write_set(tmp_path, bad)))


# Submitting observations -------------------------------------------------------------


def test_same_idempotency_key_returns_the_first_observation(personas, cewarn) -> None:
    first, created = submit_observation(
        monitor=personas.monitor, indicator_set=cewarn, country_id="NGA", admin1_id=None,
        period="weekly", period_start=MONDAY, values={"armed-raids": 2}, idempotency_key="k1",
    )  # fmt: skip
    again, created_again = submit_observation(
        monitor=personas.monitor, indicator_set=cewarn, country_id="NGA", admin1_id=None,
        period="weekly", period_start=MONDAY, values={"armed-raids": 2}, idempotency_key="k1",
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        submit_observation(
            monitor=personas.monitor, indicator_set=cewarn, country_id="NGA", admin1_id=None,
            period="weekly", period_start=MONDAY, values={"armed-raids": 4}, idempotency_key="k1",
        )  # fmt: skip
    assert "values" in refused.value.message_dict["Idempotency-Key"][0]
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Observation.objects.count() == 1
    assert first.values.get().value == 2
    assert first.owner_org == personas.ecowas
    assert first.transitions.get().to_status == ReviewStatus.SUBMITTED


def test_values_off_the_scale_or_unknown_are_named_each(personas, cewarn) -> None:
    with pytest.raises(ValidationError) as refused:
        observe(personas.monitor, cewarn,
                values={"armed-raids": 7, "markets-open": -1, "picnics": 2, "displacement": 1},
                value_notes={"hate-speech": "heard on radio"})  # fmt: skip
    assert refused.value.message_dict == {
        "values.armed-raids": ["Must be between 0 and 4."],
        "values.markets-open": ["Must be between 0 and 4."],
        "values.picnics": ["Not an indicator of cewarn-conflict-peace."],
        "value_notes.hate-speech": ["A note needs a value for the same indicator."],
    }
    assert Observation.objects.count() == 0


def test_a_period_starts_on_a_monday_or_the_first_and_not_in_the_future(personas, cewarn) -> None:
    with pytest.raises(ValidationError, match="Monday"):
        observe(personas.monitor, cewarn, period_start=MONDAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="1st"):
        observe(personas.monitor, cewarn, period="monthly", period_start=MONDAY)
    with pytest.raises(ValidationError, match="future"):
        observe(personas.monitor, cewarn, period="monthly", period_start=dt.date(2099, 1, 1))
    assert observe(personas.monitor, cewarn, period="monthly", period_start=FIRST_OF_MONTH)


def test_one_observation_per_monitor_set_area_and_period(personas, cewarn) -> None:
    borno = get_or_create_admin_area(country_id="NGA", level=AdminLevel.ADMIN1, name="Borno")
    observe(personas.monitor, cewarn)
    observe(personas.monitor, cewarn, admin1_id=borno.pk)
    for admin1_id in (None, borno.pk):
        with pytest.raises(ValidationError) as refused:
            observe(personas.monitor, cewarn, admin1_id=admin1_id)
        assert "period_start" in refused.value.message_dict
    assert Observation.objects.count() == 2


def test_an_area_must_belong_to_the_country(personas, cewarn) -> None:
    maradi = get_or_create_admin_area(country_id="NER", level=AdminLevel.ADMIN1, name="Maradi")
    with pytest.raises(ValidationError) as refused:
        observe(personas.monitor, cewarn, admin1_id=maradi.pk)
    assert refused.value.message_dict == {"admin1": ["This area is not in NGA."]}


def test_only_monitors_file_observations(personas, cewarn) -> None:
    with pytest.raises(ValidationError) as refused:
        observe(personas.analyst, cewarn)
    assert "organisation" in refused.value.message_dict


# Reviewing observations --------------------------------------------------------------


def test_needs_info_goes_back_to_the_monitor_who_amends_and_resubmits(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    with pytest.raises(PermissionDenied):
        decide_observation(observation=observation, actor=personas.other_org_analyst,
                           to="under_review")  # fmt: skip
    decide_observation(observation=observation, actor=personas.analyst, to="under_review")
    with pytest.raises(ValidationError):
        decide_observation(observation=observation, actor=personas.analyst, to="needs_info")
    decide_observation(observation=observation, actor=personas.analyst, to="needs_info",
                       reason="Which markets were closed?")  # fmt: skip
    with pytest.raises(PermissionDenied):
        resubmit_observation(observation=observation, actor=personas.analyst, values={})
    resubmit_observation(observation=observation, actor=personas.monitor,
                         values={"markets-open": 2},
                         value_notes={"markets-open": "Kawuri closed, Dikwa open"})  # fmt: skip
    decide_observation(observation=observation, actor=personas.analyst, to="verified")

    observation.refresh_from_db()
    assert observation.status == ReviewStatus.VERIFIED
    assert {v.indicator.code: (v.value, v.notes) for v in observation.values.all()} == {
        "armed-raids": (3, ""),
        "markets-open": (2, "Kawuri closed, Dikwa open"),
    }
    steps = [(t.from_status, t.to_status, t.actor.username, t.reason)
             for t in observation.transitions.all()]  # fmt: skip
    assert steps == [
        ("", "submitted", "monitor", ""),
        ("submitted", "under_review", "analyst", ""),
        ("under_review", "needs_info", "analyst", "Which markets were closed?"),
        ("needs_info", "submitted", "monitor", "amended"),
        ("submitted", "verified", "analyst", ""),
    ]


def test_resubmission_is_checked_like_a_submission(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    with pytest.raises(ValidationError, match="sent back"):
        resubmit_observation(observation=observation, actor=personas.monitor, values={})
    decide_observation(observation=observation, actor=personas.analyst, to="needs_info",
                       reason="Check raids")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        resubmit_observation(observation=observation, actor=personas.monitor,
                             values={"armed-raids": 5})  # fmt: skip
    assert "values.armed-raids" in refused.value.message_dict
    assert observation.transitions.count() == 2


def test_rejected_observation_is_kept_with_its_reason_and_no_longer_changes(
    personas, cewarn
) -> None:
    observation = observe(personas.monitor, cewarn)
    with pytest.raises(ValidationError):
        decide_observation(observation=observation, actor=personas.analyst, to="rejected")
    decide_observation(observation=observation, actor=personas.analyst, to="rejected",
                       reason="Area not covered by this monitor")  # fmt: skip
    with pytest.raises(ValidationError, match="already rejected"):
        decide_observation(observation=observation, actor=personas.analyst, to="verified")
    observation.refresh_from_db()
    assert observation.status == ReviewStatus.REJECTED
    assert observation.values.count() == 2
    last = ObservationTransition.objects.filter(observation=observation).last()
    assert last.reason == "Area not covered by this monitor"


def test_decision_makers_do_not_review(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    with pytest.raises(PermissionDenied):
        decide_observation(observation=observation, actor=personas.decision_maker, to="verified")


def test_the_database_itself_refuses_a_second_observation_for_a_period(personas, cewarn) -> None:
    # SQLite treats NULLs as distinct in unique indexes; the country-level constraint covers it.
    first = observe(personas.monitor, cewarn)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(
            monitor=first.monitor, owner_org=first.owner_org, channel=first.channel,
            indicator_set=cewarn, country_id="NGA", admin1=None, period=first.period,
            period_start=first.period_start,
        )  # fmt: skip
