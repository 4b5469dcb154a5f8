"""Fixtures of the consultation tests: the Regional Security Committee, a meeting in a month
with an open call for papers, and an accredited CSO ready to submit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.dissemination.conftest import smtp_server  # noqa: F401  (re-exported fixture)
from tests.personas import ConsultationPersonas, make_consultation_personas
from vigil.consultations import services
from vigil.consultations.models import CallForSubmissions, Meeting


@pytest.fixture
def rsc(db: None) -> ConsultationPersonas:
    return make_consultation_personas()


@pytest.fixture
def meeting(rsc: ConsultationPersonas) -> Meeting:
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=30)
    return services.schedule_meeting(
        body=rsc.body,
        actor=rsc.secretariat,
        title="RSC 2026 first meeting",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        place="Suva, Fiji",
        agenda=["Adoption of the agenda", "Regional security outlook"],
    )


@pytest.fixture
def call(rsc: ConsultationPersonas, meeting: Meeting) -> CallForSubmissions:
    now = timezone.now()
    return services.open_call(
        meeting=meeting,
        actor=rsc.secretariat,
        topic="Climate security and community early warning",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=14),
        word_limit=120,
    )


def paper(**changes: object) -> services.PaperInput:
    values: dict = {
        "title": "Community early warning in Pacific climate hotspots",
        "text": "Sea-level rise displaces coastal villages and strains land tenure. " * 3,
        "recommendations": [
            "Fund community early-warning focal points in every member state.",
            "Hold an annual CSO dialogue before the committee meets.",
        ],
    }
    values.update(changes)
    return services.PaperInput(**values)
