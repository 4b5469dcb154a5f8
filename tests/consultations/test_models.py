"""The Chatham House rule at the model and database levels: an attributed statement of a
meeting under the rule is refused by `clean()` and by the database's CHECK constraint."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from vigil.consultations import services
from vigil.consultations.models import Statement


@pytest.fixture
def chatham_meeting(rsc, meeting):
    return services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=True)


@pytest.mark.parametrize(
    "attribution",
    ["speaker", "speaker_organisation", "speaker_name"],
)
def test_clean_refuses_any_attribution_under_the_rule(rsc, chatham_meeting, attribution) -> None:
    values = {
        "speaker": rsc.delegate,
        "speaker_organisation": rsc.fiji,
        "speaker_name": "Fiji's delegate",
    }
    statement = Statement(
        meeting=chatham_meeting,
        text="We support the proposal.",
        **{attribution: values[attribution]},
    )
    with pytest.raises(ValidationError) as refused:
        statement.clean()
    assert set(refused.value.message_dict) == {attribution}
    assert "Chatham House" in refused.value.message_dict[attribution][0]


def test_clean_accepts_an_unattributed_statement_under_the_rule(chatham_meeting) -> None:
    Statement(meeting=chatham_meeting, text="One participant urged caution.").clean()


def test_clean_accepts_attribution_in_an_open_meeting(rsc, meeting) -> None:
    Statement(meeting=meeting, text="We agree.", speaker_organisation=rsc.fiji).clean()


@pytest.mark.parametrize("attribution", ["speaker", "speaker_organisation", "speaker_name"])
def test_database_refuses_an_attributed_row_under_the_rule(
    rsc, chatham_meeting, attribution
) -> None:
    values = {
        "speaker": rsc.delegate,
        "speaker_organisation": rsc.fiji,
        "speaker_name": "Fiji's delegate",
    }
    # Given a save that skips clean() and the service, as a careless script would:
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(
            meeting=chatham_meeting, text="We object.", **{attribution: values[attribution]}
        )
    assert not Statement.objects.filter(meeting=chatham_meeting).exists()


def test_database_refuses_an_update_that_adds_attribution(rsc, chatham_meeting) -> None:
    statement = services.record_statement(
        meeting=chatham_meeting, actor=rsc.secretariat, text="A participant urged caution."
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(speaker_name="Fiji's delegate")
    statement.refresh_from_db()
    assert statement.speaker_name == ""


def test_the_rule_copy_follows_the_meeting_on_save(rsc, chatham_meeting) -> None:
    statement = Statement(meeting=chatham_meeting, text="Noted.")
    statement.save()
    assert statement.chatham_house is True


def test_follow_up_status_is_overdue_past_the_deadline_unless_done() -> None:
    import datetime as dt

    from vigil.consultations.models import Mandate

    mandate = Mandate(deadline=dt.date(2026, 3, 1), progress="in_progress")
    assert mandate.follow_up_status(today=dt.date(2026, 3, 1)) == "in_progress"
    assert mandate.follow_up_status(today=dt.date(2026, 3, 2)) == "overdue"
    mandate.progress = "done"
    assert mandate.follow_up_status(today=dt.date(2026, 3, 2)) == "done"
