"""Who sees what of a roster: personas × surfaces × fields.

The ECOWAS roster is TLP:AMBER and shared with IGAD. Contact details (email, phone) and
nationality are personal data: only ECOWAS's roster manager (and platform admins) see them;
every other reader the roster is visible to sees profiles without them, on every surface —
page, API, shortlist and CSV export; readers it is not visible to get 404 (or the sign-in
page, for anonymous visitors of the pages).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from tests.roster.conftest import add
from vigil.sharing.models import AuditEntry

EMAIL = "awa.secret@example.org"
PHONE = "+221 555 0100"
NAME = "Awa Matrixmember"

# persona -> what they see: "personal" (profile + personal data), "profile", or "nothing"
EXPECTED = {
    "manager": "personal",  # ECOWAS roster manager
    "admin": "personal",  # platform admin (reads audited)
    "analyst": "profile",  # ECOWAS analyst, not a roster manager
    "decision_maker": "profile",  # ECOWAS commissioner
    "igad_manager": "profile",  # roster manager, but of IGAD (the roster is shared to IGAD)
    "other_org_analyst": "profile",  # IGAD analyst
    "unshared_analyst": "nothing",  # SADC: nothing shared
    "public": "nothing",  # anonymous
}
SURFACES = [
    "page_list",
    "page_member",
    "page_match",
    "api_list",
    "api_member",
    "api_match",
    "csv_page",
    "csv_api",
]
MATCH = {
    "start_date": "2030-01-06",
    "deploy_by": "2030-01-09",
    "duration_days": 14,
    "required_languages": [{"code": "fr", "min_proficiency": 3}],
}


@pytest.fixture
def member(world):
    return add(world, NAME, nationality="BEN", languages={"fr": 4}, email=EMAIL)


def persona(world, name):
    if name in ("manager", "igad_manager"):
        return getattr(world, name)
    return getattr(world.personas, name)


def fetch(client: Client, surface: str, world, member):
    slug = world.roster.slug
    if surface == "page_list":
        return client.get(f"/roster/{slug}/")
    if surface == "page_member":
        return client.get(f"/roster/members/{member.pk}/")
    if surface == "page_match":
        return client.get(
            f"/roster/{slug}/match/",
            {"start_date": "2030-01-06", "duration_days": 14, "required_language": "fr",
             "required_level": 3},
        )  # fmt: skip
    if surface == "api_list":
        return client.get(f"/api/v1/roster/rosters/{slug}/members")
    if surface == "api_member":
        return client.get(f"/api/v1/roster/members/{member.pk}")
    if surface == "api_match":
        return client.post(
            f"/api/v1/roster/rosters/{slug}/match", json.dumps(MATCH), "application/json"
        )
    if surface == "csv_page":
        return client.get(f"/roster/{slug}/export.csv")
    if surface == "csv_api":
        return client.get(f"/api/v1/roster/rosters/{slug}/members.csv")
    raise AssertionError(surface)


def seen_fields(surface: str, response) -> dict[str, bool]:
    """Which of name, email, phone and nationality the response shows for the member."""
    body = response.content.decode()
    if surface.startswith("csv"):
        rows = list(csv.DictReader(io.StringIO(body)))
        row = next(r for r in rows[1:] if r["full_name"] == NAME)  # rows[0] is the HXL row
        return {
            "name": True,
            "email": row.get("email") == EMAIL,
            # "+221 ..." would be a formula in a spreadsheet: the export writes it as text.
            "phone": row.get("phone") == "'" + PHONE,
            "nationality": row.get("nationality") == "BEN",
        }
    if surface.startswith("api"):
        data = response.json()
        if surface == "api_list":
            profile = next(p for p in data if p["full_name"] == NAME)
        elif surface == "api_member":
            profile = data
        else:
            profile = next(
                c["member"] for c in data["candidates"] if c["member"]["full_name"] == NAME
            )
        return {
            "name": profile["full_name"] == NAME,
            "email": profile.get("email") == EMAIL,
            "phone": profile.get("phone") == PHONE,
            "nationality": profile.get("nationality") == "BEN",
        }
    return {
        "name": NAME in body,
        "email": EMAIL in body,
        "phone": PHONE in body,
        "nationality": 'class="nationality">BEN<' in body,
    }


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_access_matrix(world, member, who: str, surface: str) -> None:
    client = Client()
    user = persona(world, who)
    if who != "public":
        client.force_login(user)
    response = fetch(client, surface, world, member)
    expected = EXPECTED[who]
    if expected == "nothing":
        if who == "public" and surface.startswith(("page", "csv_page")):
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        elif who == "public" and surface == "api_match":
            assert response.status_code == 401  # a POST needs a signed-in caller (and CSRF)
        else:
            assert response.status_code == 404
        assert NAME not in response.content.decode()
        return
    assert response.status_code == 200, response.content[:500]
    personal = expected == "personal"
    assert seen_fields(surface, response) == {
        "name": True,
        "email": personal,
        "phone": personal,
        "nationality": personal,
    }


@pytest.mark.parametrize("surface", ["api_list", "api_member", "api_match"])
def test_personal_keys_are_absent_not_blank_for_other_readers(world, member, surface) -> None:
    client = Client()
    client.force_login(world.personas.analyst)
    data = fetch(client, surface, world, member).json()
    profile = (
        data[0] if surface == "api_list" else data if surface == "api_member"
        else data["candidates"][0]["member"]
    )  # fmt: skip
    assert not {"email", "phone", "contact_notes", "nationality", "vetting_note"} & set(profile)


def test_an_export_without_personal_data_has_no_personal_columns(world, member) -> None:
    client = Client()
    client.force_login(world.personas.analyst)
    header, tags = list(
        csv.reader(io.StringIO(fetch(client, "csv_page", world, member).content.decode()))
    )[:2]
    assert "nationality" not in header
    assert "email" not in header
    assert "phone" not in header
    assert "#contact+email" not in tags
    client.force_login(world.manager)
    header, tags = list(
        csv.reader(io.StringIO(fetch(client, "csv_page", world, member).content.decode()))
    )[:2]
    assert {"nationality", "email", "phone"} <= set(header)
    assert tags[header.index("email")] == "#contact+email"
    assert tags[header.index("nationality")] == "#country+code+nationality"


def test_reads_of_personal_data_are_audited_and_others_are_not(world, member) -> None:
    client = Client()
    client.force_login(world.personas.analyst)
    fetch(client, "api_member", world, member)
    assert not AuditEntry.objects.filter(action="personal_data").exists()
    client.force_login(world.manager)
    fetch(client, "csv_api", world, member)
    entry = AuditEntry.objects.get(action="personal_data")
    assert (entry.user_id, entry.object_id, entry.surface) == (
        world.manager.pk,
        member.pk,
        "export",
    )
    # The AMBER roster's reads are audited for every reader, as for any AMBER record
    assert AuditEntry.objects.filter(action="view", user=world.personas.analyst).exists()


def test_debrief_evaluations_are_for_managers_only(world, member) -> None:
    import datetime as dt

    from vigil.roster import services

    deployment = services.deploy_member(
        member=member, mission="Talks", requesting_organisation=world.personas.ecowas,
        role_type="mediation_adviser", start=dt.date(2025, 1, 6), end=dt.date(2025, 1, 20),
        actor=world.manager,
    )  # fmt: skip
    services.record_debrief(
        deployment=deployment, summary="Struggled with the drafting committee.", rating=2,
        lessons="Pair with a drafting expert.", actor=world.manager,
    )  # fmt: skip
    client = Client()
    client.force_login(world.personas.analyst)
    seen = client.get(f"/api/v1/roster/members/{member.pk}").json()["deployments"][0]
    assert seen["lessons"] == "Pair with a drafting expert."
    assert "debrief_rating" not in seen
    assert "debrief_summary" not in seen
    page = client.get(f"/roster/members/{member.pk}/").content.decode()
    assert "Struggled" not in page
    client.force_login(world.manager)
    seen = client.get(f"/api/v1/roster/members/{member.pk}").json()["deployments"][0]
    assert seen["debrief_rating"] == 2
