"""Writes on organisations. Each is atomic and names the domain verb."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction

from vigil.actors.choices import OrganisationKind
from vigil.actors.models import ApiToken, Organisation

# Publishers of the public datasets Vigil imports; they own the rows they publish.
DATA_PUBLISHERS: dict[str, str] = {
    "ucdp": "Uppsala Conflict Data Program (UCDP)",
    "acled": "Armed Conflict Location & Event Data (ACLED)",
    "gdelt": "The GDELT Project",
}


@transaction.atomic
def ensure_data_publisher(*, slug: str) -> Organisation:
    """The organisation that owns a public dataset's events, created the first time it is used."""
    name = DATA_PUBLISHERS.get(slug, slug)
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": OrganisationKind.DATA_PUBLISHER}
    )
    return organisation


@transaction.atomic
def issue_api_token(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for `user`. The key is returned once and never stored in clear."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], key_hash=hash_api_key(key)
    )
    return token, key


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
