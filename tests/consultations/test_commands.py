"""`vigil demo_consultations`: the demo committee, idempotently."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from vigil.consultations.models import Body, CallForSubmissions, Meeting


def test_the_demo_committee_is_created_once(reference_geography) -> None:
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_consultations", stdout=first)
    call_command("demo_consultations", stdout=second)

    body = Body.objects.get()
    assert body.regional_organisation_id == "PIF"
    assert body.members.count() == 6
    assert Meeting.objects.count() == 1
    assert CallForSubmissions.objects.get().is_open()
    assert "call open" in first.getvalue()
    assert "already exists" in second.getvalue()


def test_the_demo_needs_the_reference_geography(db) -> None:
    with pytest.raises(CommandError, match="reference geography"):
        call_command("demo_consultations")
