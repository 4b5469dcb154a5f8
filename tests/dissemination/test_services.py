"""Subscriptions and queueing: who gets a message, in which language, with what in it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import EventFactory, SubscriptionFactory, UserFactory
from vigil.dissemination import outbox
from vigil.dissemination.models import OutboxMessage, Subscription
from vigil.dissemination.services import (
    SubscriptionInput,
    enqueue_for,
    requeue_failed,
    subscribe,
    unsubscribe,
    update_subscription,
)
from vigil.sharing.services import share_record

SECRET = "Militia commander Abu X moves 300 fighters to Gwoza on Friday."


def announce(obj, **overrides):
    arguments = {
        "region": "ECOWAS",
        "countries": ["NGA"],
        "severity": "Severe",
        "tlp": getattr(obj, "tlp", "CLEAR"),
        "url": f"/events/{obj.pk}/",
        "subject": "Clashes in Borno",
        "body_by_language": {"en": SECRET, "fr": "Affrontements à Borno."},
    }
    arguments.update(overrides)
    kind = arguments.pop("kind", "alert")
    return enqueue_for(kind, obj, **arguments)


def subscriber(username: str, **fields) -> Subscription:
    user = UserFactory(username=username, email=f"{username}@example.org")
    return SubscriptionFactory(user=user, **fields)


# --- subscriptions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_subscribes_to_a_country_of_a_region(west_africa):
    person = UserFactory(username="aissata", email="aissata@example.org")

    subscription = subscribe(
        actor=person,
        data=SubscriptionInput(
            region_code="ecowas", country_id="gha", kind="alert", min_severity="Severe"
        ),
    )

    assert (subscription.region_id, subscription.country_id) == ("ECOWAS", "GHA")
    assert subscription.user == person


@pytest.mark.django_db
@pytest.mark.parametrize("country", ["ETH", "MLI"])
def test_a_country_outside_the_region_today_is_refused_beside_its_field(west_africa, country):
    person = UserFactory(username="aissata")
    with pytest.raises(ValidationError) as refusal:
        subscribe(actor=person, data=SubscriptionInput(region_code="ECOWAS", country_id=country))
    assert "country" in refusal.value.message_dict


@pytest.mark.django_db
def test_the_same_subscription_twice_is_refused(west_africa):
    person = UserFactory(username="aissata")
    subscribe(actor=person, data=SubscriptionInput(region_code="ECOWAS"))
    with pytest.raises(ValidationError):
        subscribe(actor=person, data=SubscriptionInput(region_code="ECOWAS"))


@pytest.mark.django_db
def test_only_the_owner_changes_or_removes_a_subscription(west_africa):
    mine = subscriber("aissata", region=west_africa)
    intruder = UserFactory(username="intruder")

    with pytest.raises(PermissionDenied):
        update_subscription(subscription=mine, actor=intruder, data=SubscriptionInput())
    with pytest.raises(PermissionDenied):
        unsubscribe(subscription=mine, actor=intruder)

    update_subscription(subscription=mine, actor=mine.user, data=SubscriptionInput(language="fr"))
    assert Subscription.objects.get().language == "fr"
    unsubscribe(subscription=mine, actor=mine.user)
    assert not Subscription.objects.exists()


# --- who receives -----------------------------------------------------------------------


@pytest.mark.django_db
def test_subscribers_of_the_region_the_country_and_everything_receive(west_africa):
    region = subscriber("region", region=west_africa)
    country = subscriber("country", country_id="NGA")
    everything = subscriber("everything")
    subscriber("other_country", country_id="MLI")
    subscriber("other_region", region_id="IGAD")
    subscriber("products_only", kind="daily_synopsis")
    subscriber("extreme_only", min_severity="Extreme")

    queued = announce(EventFactory(country_id="NGA"))

    assert {m.recipient for m in queued.created} == {region.user, country.user, everything.user}


@pytest.mark.django_db
def test_a_country_announcement_reaches_the_regions_it_belongs_to(west_africa):
    region = subscriber("region", region=west_africa)

    queued = announce(EventFactory(country_id="GHA"), region=None, countries=["GHA"])

    assert [m.recipient for m in queued.created] == [region.user]


@pytest.mark.django_db
def test_a_country_that_left_the_region_no_longer_reaches_its_subscribers(west_africa):
    subscriber("region", region=west_africa)
    mali = subscriber("mali", country_id="MLI")

    queued = announce(EventFactory(country_id="MLI"), region=None, countries=["MLI"])

    assert [m.recipient for m in queued.created] == [mali.user]


@pytest.mark.django_db
def test_products_without_severity_ignore_the_minimum(west_africa):
    strict = subscriber("strict", region=west_africa, min_severity="Extreme")

    queued = announce(EventFactory(), kind="daily_synopsis", severity=None)

    assert [m.recipient for m in queued.created] == [strict.user]


@pytest.mark.django_db
def test_people_without_an_email_or_an_active_account_get_nothing(west_africa):
    nobody = UserFactory(username="no_email", email="")
    SubscriptionFactory(user=nobody, region=west_africa)
    gone = subscriber("gone", region=west_africa)
    gone.user.is_active = False
    gone.user.save()

    assert announce(EventFactory()).created == []


# --- the access policy and the body -----------------------------------------------------


@pytest.mark.django_db
def test_amber_is_announced_only_to_those_who_may_see_it(west_africa, personas):
    inside = SubscriptionFactory(user=personas.analyst, region=west_africa)
    SubscriptionFactory(user=personas.other_org_analyst, region=west_africa)
    for person in (personas.analyst, personas.other_org_analyst):
        person.email = f"{person.username}@example.org"
        person.save()
    event = EventFactory(tlp="AMBER", owner_org=personas.ecowas)

    queued = announce(event)

    assert [m.recipient for m in queued.created] == [inside.user]
    assert queued.not_permitted == 1


@pytest.mark.django_db
@pytest.mark.parametrize("mark", ["AMBER", "AMBER+STRICT", "RED"])
def test_restricted_content_never_enters_the_email(west_africa, personas, mark):
    personas.analyst.email = "analyst@example.org"
    personas.analyst.save()
    SubscriptionFactory(user=personas.analyst, region=west_africa)
    event = EventFactory(tlp=mark, owner_org=personas.ecowas)
    if mark == "RED":
        share_record(record=event, actor=personas.admin, user=personas.analyst)

    message = announce(event).created[0]

    for part in (message.subject, message.body_text, message.body_html):
        assert "Militia" not in part
        assert "Borno" not in part
    assert f"TLP:{mark}" in message.body_text
    assert f"/events/{event.pk}/" in message.body_text
    assert f"/events/{event.pk}/" in message.body_html


@pytest.mark.django_db
def test_amber_content_is_absent_from_what_the_mail_server_receives(
    smtp_server, west_africa, personas
):
    personas.analyst.email = "analyst@example.org"
    personas.analyst.save()
    SubscriptionFactory(user=personas.analyst, region=west_africa)
    event = EventFactory(tlp="AMBER", owner_org=personas.ecowas)
    announce(event)

    outbox.run_worker(worker_id="test", once=True)

    [received] = smtp_server.handler.received
    assert received.to == ["analyst@example.org"]
    for part in (received.subject, received.text, received.html, str(received.headers)):
        assert "Militia" not in part
        assert "Borno" not in part
    assert received.subject == "[TLP:AMBER] New Alert on Vigil"
    assert f"http://127.0.0.1:8000/events/{event.pk}/" in received.text


@pytest.mark.django_db
def test_the_mark_of_the_object_wins_over_a_laxer_one_given(west_africa, personas):
    personas.analyst.email = "analyst@example.org"
    personas.analyst.save()
    SubscriptionFactory(user=personas.analyst, region=west_africa)
    event = EventFactory(tlp="AMBER", owner_org=personas.ecowas)

    message = announce(event, tlp="CLEAR").created[0]

    assert message.tlp == "AMBER"
    assert "Militia" not in message.body_text


@pytest.mark.django_db
def test_green_content_is_in_the_body(west_africa):
    subscriber("reader", region=west_africa)

    message = announce(EventFactory(tlp="GREEN")).created[0]

    assert SECRET in message.body_text
    assert message.subject == "[TLP:GREEN] Clashes in Borno"


# --- language ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_reader_gets_their_language_or_english(west_africa):
    french = subscriber("french", region=west_africa, language="fr")
    portuguese = subscriber("portuguese", region=west_africa, language="pt")

    queued = announce(EventFactory())

    by_reader = {m.recipient: m for m in queued.created}
    assert by_reader[french.user].language == "fr"
    assert "Affrontements à Borno." in by_reader[french.user].body_text
    assert by_reader[portuguese.user].language == "en"
    assert SECRET in by_reader[portuguese.user].body_text


@pytest.mark.django_db
def test_a_subject_can_be_given_per_language(west_africa):
    subscriber("french", region=west_africa, language="fr")

    message = announce(EventFactory(), subject={"en": "Clashes", "fr": "Affrontements"}).created[0]

    assert message.subject == "[TLP:CLEAR] Affrontements"


# --- at most one row per person and thing -----------------------------------------------


@pytest.mark.django_db
def test_announcing_the_same_thing_twice_queues_one_message_per_person(west_africa):
    reader = subscriber("reader", region=west_africa)
    SubscriptionFactory(user=reader.user, country_id="NGA")  # two matching subscriptions
    event = EventFactory()

    first = announce(event)
    second = announce(event)

    assert len(first.created) == 1
    assert second.created == []
    assert second.already_queued == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_new_revision_of_the_same_thing_is_a_new_message(west_africa):
    subscriber("reader", region=west_africa)
    event = EventFactory()

    announce(event, revision="issued")
    announce(event, revision="update-1")

    assert OutboxMessage.objects.count() == 2
    assert len(set(OutboxMessage.objects.values_list("message_id", flat=True))) == 2


@pytest.mark.django_db
def test_an_admin_requeues_a_failed_message_with_fresh_attempts(west_africa, personas):
    subscriber("reader", region=west_africa)
    announce(EventFactory())
    OutboxMessage.objects.update(status="failed", attempts=8)

    with pytest.raises(PermissionDenied):
        requeue_failed(messages=OutboxMessage.objects.all(), actor=personas.analyst)
    assert requeue_failed(messages=OutboxMessage.objects.all(), actor=personas.admin) == 1

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("pending", 0)
    assert message.history.get().detail == "Queued again by platform_admin"
