"""The event store's admin pages open and the link undo action keeps the link on record."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import EventFactory, UserFactory
from vigil.events.choices import Source
from vigil.events.models import EventLink
from vigil.events.services import link_duplicates


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("page", ["event", "eventlink", "importrun"])
def test_admin_changelists_open(admin_client: Client, page: str) -> None:
    EventFactory()
    assert admin_client.get(f"/admin/events/{page}/").status_code == 200


def test_undo_action_marks_links_undone_without_deleting_them(admin_client: Client) -> None:
    first = EventFactory(source=Source.UCDP_GED)
    EventFactory(source=Source.ACLED, latitude=first.latitude, longitude=first.longitude)
    link_duplicates()
    link = EventLink.objects.get()
    admin_client.post(
        "/admin/events/eventlink/",
        {"action": "undo_selected_links", "_selected_action": [link.pk]},
    )
    link.refresh_from_db()
    assert link.undone_at is not None
    assert link.undo_reason == "undone in the admin"


def test_link_admin_hides_links_to_events_the_reader_may_not_see(personas) -> None:
    from vigil.sharing.choices import TLP

    first = EventFactory(source=Source.UCDP_GED)
    EventFactory(source=Source.ACLED, latitude=first.latitude, longitude=first.longitude,
                 tlp=TLP.AMBER, owner_org=personas.ecowas)  # fmt: skip
    link_duplicates()
    staff = UserFactory(username="igad_staff", is_staff=True, is_superuser=False)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_eventlink"))
    client = Client()
    client.force_login(staff)
    page = client.get("/admin/events/eventlink/")
    assert page.status_code == 200
    assert "0 event links" in page.content.decode()
