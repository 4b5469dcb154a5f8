"""Observation pages through Django's test client: the form, the monitor's list, one
observation with its history and the reviewer's decisions."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory
from tests.indicators.conftest import MONDAY, observe
from tests.personas import Personas
from vigil.actors.choices import Role
from vigil.fieldreports.choices import Channel, ReviewStatus
from vigil.indicators.models import IndicatorSet, Observation
from vigil.indicators.services import decide_observation
from vigil.sharing.choices import TLP


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(indicator_set: IndicatorSet, **overrides: Any) -> dict[str, Any]:
    """A weekly observation of Nigeria scoring two CEWARN indicators."""
    values = {
        "indicator_set": indicator_set.code,
        "idempotency_key": str(uuid.uuid4()),
        "country": "NGA",
        "admin1": "",
        "period": "weekly",
        "period_start": MONDAY.isoformat(),
        "value__armed-raids": "3",
        "note__armed-raids": "Two villages raided",
        "value__markets-open": "1",
        "notes": "Tense week along the border.",
        "tlp": TLP.AMBER,
    }
    return values | overrides


def detail_url(observation: Observation, name: str = "detail") -> str:
    return reverse(f"indicators:{name}", args=[observation.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["new", "mine"])
def test_pages_send_anonymous_visitors_to_sign_in(client: Client, name: str) -> None:
    url = reverse(f"indicators:{name}")
    response = client.get(url)
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_monitor_first_chooses_a_set_when_there_are_several(personas, shipped_sets) -> None:
    client = signed_in(personas.monitor)

    chooser = client.get(reverse("indicators:new"))
    unknown = client.get(reverse("indicators:new"), {"set": "no-such-set"})

    assert chooser.status_code == 200
    assert '?set=cewarn-conflict-peace"' in chooser.text
    assert '?set=election-violence"' in chooser.text
    assert "There is no such indicator set" in unknown.text


def test_the_form_has_a_value_select_per_indicator_with_its_scale_labels(
    personas, cewarn: IndicatorSet
) -> None:
    response = signed_in(personas.monitor).get(reverse("indicators:new"), {"set": cewarn.code})

    assert response.status_code == 200
    indicators = list(cewarn.indicators.filter(is_active=True))
    for indicator in indicators:
        assert f'name="value__{indicator.code}"' in response.text
    assert '<option value="3">3 — High</option>' in response.text
    assert '<option value="" selected>Not scored</option>' in response.text
    assert re.search(r'name="tlp" value="AMBER"[^>]*checked', response.text)
    assert 'name="idempotency_key"' in response.text


def test_submitting_files_the_observation_with_its_scores(personas, cewarn) -> None:
    client = signed_in(personas.monitor)

    response = client.post(reverse("indicators:new"), form_data(cewarn))

    observation = Observation.objects.get()
    assert response["Location"] == detail_url(observation)
    assert (observation.monitor, observation.owner_org, observation.channel) == (
        personas.monitor,
        personas.ecowas,
        Channel.WEB,
    )
    scores = {v.indicator.code: (v.value, v.notes) for v in observation.values.all()}
    assert scores == {"armed-raids": (3, "Two villages raided"), "markets-open": (1, "")}
    assert observation.notes == "Tense week along the border."
    page = client.get(response["Location"])
    assert "Observation received" in page.text
    assert "3 — High" in page.text


def test_double_post_with_the_same_key_files_one_observation(personas, cewarn) -> None:
    client = signed_in(personas.monitor)
    data = form_data(cewarn)

    first = client.post(reverse("indicators:new"), data)
    again = client.post(reverse("indicators:new"), data)

    assert Observation.objects.count() == 1
    assert first["Location"] == again["Location"]


def test_bad_input_is_shown_beside_each_field(personas, cewarn) -> None:
    client = signed_in(personas.monitor)

    tuesday = client.post(
        reverse("indicators:new"),
        form_data(cewarn, period_start="2026-03-03", **{"value__armed-raids": "9"}),
    )
    nothing_scored = client.post(
        reverse("indicators:new"),
        form_data(cewarn, **{"value__armed-raids": "", "value__markets-open": ""}),
    )

    assert tuesday.context["form"].errors["value__armed-raids"]  # not on the scale
    assert nothing_scored.context["form"].errors["__all__"] == ["Score at least one indicator."]
    assert 'role="alert"' in nothing_scored.text
    assert Observation.objects.count() == 0
    weekly_on_tuesday = client.post(
        reverse("indicators:new"), form_data(cewarn, period_start="2026-03-03")
    )
    assert weekly_on_tuesday.context["form"].errors["period_start"] == [
        "A weekly period starts on a Monday."
    ]


def test_a_second_observation_of_the_same_period_is_refused(personas, cewarn) -> None:
    client = signed_in(personas.monitor)
    client.post(reverse("indicators:new"), form_data(cewarn))

    again = client.post(reverse("indicators:new"), form_data(cewarn))

    assert "already filed" in again.context["form"].errors["period_start"][0]
    assert Observation.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("monitor", 200), ("analyst", 200), ("other_org_analyst", 404), ("unshared_analyst", 404)],
)
def test_observation_page_follows_the_policy(
    personas: Personas, cewarn, persona: str, status: int
) -> None:
    observation = observe(personas.monitor, cewarn)
    response = signed_in(getattr(personas, persona)).get(detail_url(observation))
    assert response.status_code == status


def test_reviewers_decide_from_the_page_and_the_history_grows(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    client = signed_in(personas.analyst)

    page = client.get(detail_url(observation))
    assert set(page.context["decision_forms"]) == {
        "under_review",
        "needs_info",
        "rejected",
        "verified",
    }
    assert 'name="reliability"' not in page.text  # observations carry no source grade
    client.post(detail_url(observation, "decide"), {"to": "under_review"})
    client.post(detail_url(observation, "decide"), {"to": "verified", "reason": "Matches"})

    observation.refresh_from_db()
    assert observation.status == ReviewStatus.VERIFIED
    page = client.get(detail_url(observation))
    assert [s.to_status for s in page.context["history"]] == [
        "submitted",
        "under_review",
        "verified",
    ]
    assert page.context["decision_forms"] == {}


def test_a_second_click_on_a_decision_taken_meanwhile_says_so(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    client = signed_in(personas.analyst)
    client.post(detail_url(observation, "decide"), {"to": "rejected", "reason": "Duplicate"})

    again = client.post(detail_url(observation, "decide"), {"to": "rejected", "reason": "Dup"})

    assert again["Location"] == detail_url(observation)
    assert "already rejected" in client.get(again["Location"]).text
    assert observation.transitions.count() == 2


def test_sending_back_needs_a_reason(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)

    response = signed_in(personas.analyst).post(
        detail_url(observation, "decide"), {"to": "needs_info", "reason": ""}
    )

    assert response.context["decision_forms"]["needs_info"].errors["reason"]
    observation.refresh_from_db()
    assert observation.status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize(
    ("persona", "status"), [("monitor", 403), ("decision_maker", 403), ("other_org_analyst", 404)]
)
def test_only_reviewers_of_the_owner_decide(personas: Personas, cewarn, persona, status) -> None:
    observation = observe(personas.monitor, cewarn)
    response = signed_in(getattr(personas, persona)).post(
        detail_url(observation, "decide"), {"to": "verified"}
    )
    assert response.status_code == status
    observation.refresh_from_db()
    assert observation.status == ReviewStatus.SUBMITTED


def test_the_monitor_amends_an_observation_sent_back(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    decide_observation(
        observation=observation, actor=personas.analyst, to="needs_info", reason="Which raids?"
    )
    client = signed_in(personas.monitor)

    page = client.get(detail_url(observation))
    assert "Which raids?" in page.text
    form = client.get(detail_url(observation, "amend"))
    assert form.context["form"]["value__armed-raids"].value() == 3
    response = client.post(
        detail_url(observation, "amend"),
        {"value__armed-raids": "4", "note__armed-raids": "Kawuri and Gwoza", "notes": "Worse"},
    )

    assert response.status_code == 302
    observation.refresh_from_db()
    scores = {v.indicator.code: (v.value, v.notes) for v in observation.values.all()}
    assert scores["armed-raids"] == (4, "Kawuri and Gwoza")
    assert scores["markets-open"][0] == 1  # not named: kept
    assert (observation.status, observation.notes) == ("submitted", "Worse")


def test_my_observations_lists_only_the_monitors_own(personas, cewarn) -> None:
    mine = observe(personas.monitor, cewarn)
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, organisation=personas.ecowas, role=Role.MONITOR)
    observe(colleague, cewarn)

    response = signed_in(personas.monitor).get(reverse("indicators:mine"))

    assert [o.pk for o in response.context["page"].object_list] == [mine.pk]
    assert cewarn.name in response.text


def test_people_who_are_not_monitors_are_told_why(personas, cewarn) -> None:
    response = signed_in(personas.analyst).get(reverse("indicators:new"))
    assert response.status_code == 403
    assert "Only monitors of an organisation can file observations" in response.text


@pytest.mark.usefixtures("shipped_sets")
def test_observation_review_queue_lists_waiting_observations_of_the_reviewers_org(
    personas, cewarn
) -> None:
    from django.test import Client

    from tests.indicators.conftest import observe

    waiting = observe(personas.monitor, cewarn)
    analyst = Client()
    analyst.force_login(personas.analyst)
    page = analyst.get("/observations/queue/")
    assert page.status_code == 200
    assert f'data-observation-id="{waiting.pk}"' in page.content.decode()
    assert "monitor" in page.content.decode()  # the queue says who filed it

    outsider = Client()
    outsider.force_login(personas.other_org_analyst)
    assert (
        f'data-observation-id="{waiting.pk}"'
        not in outsider.get("/observations/queue/").content.decode()
    )
    monitor = Client()
    monitor.force_login(personas.monitor)
    assert monitor.get("/observations/queue/").status_code == 403
