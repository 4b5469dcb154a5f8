"""Writes on sharing: grant and revoke access to one protected record. Atomic, audited by rows."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.sharing.choices import TLP
from vigil.sharing.models import Share
from vigil.sharing.policy import organisation_ids


def can_share(user: Any, record: Model) -> bool:
    """Members of the owning organisation (and platform admins) decide who else may see it."""
    if getattr(user, "is_superuser", False):
        return True
    return record.owner_org_id in organisation_ids(user)  # type: ignore[attr-defined]


@transaction.atomic
def share_record(*, record: Model, actor: Any, organisation: Any = None, user: Any = None) -> Share:
    """Share a TLP:AMBER record with an organisation, or a TLP:RED one with a named person.

    AMBER+STRICT stays inside its owner by definition, and CLEAR/GREEN need no share, so
    those are refused rather than silently recorded.
    """
    if not can_share(actor, record):
        raise PermissionDenied(_("Only the owning organisation shares this record."))
    tlp = record.tlp  # type: ignore[attr-defined]
    if (organisation is None) == (user is None):
        raise ValidationError({"recipient": "Share with one organisation or one person."})
    if organisation is not None and tlp != TLP.AMBER:
        raise ValidationError(
            {"recipient": f"A TLP:{tlp} record is not shared with organisations."}
        )
    if user is not None and tlp not in (TLP.RED, TLP.AMBER):
        raise ValidationError({"recipient": f"A TLP:{tlp} record is not shared with people."})
    content_type = ContentType.objects.get_for_model(record)
    existing = Share.objects.filter(
        content_type=content_type,
        object_id=record.pk,
        organisation=organisation,
        user=user,
        revoked_at__isnull=True,
    ).first()
    if existing:
        return existing
    return Share.objects.create(
        content_type=content_type,
        object_id=record.pk,
        organisation=organisation,
        user=user,
        granted_by=actor,
    )


@transaction.atomic
def revoke_share(*, share: Share, actor: Any) -> Share:
    """End a share. The row stays, with when it ended, as the record of who could see what."""
    if not can_share(actor, share.content_object):
        raise PermissionDenied(_("Only the owning organisation revokes its shares."))
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.revoked_by = actor
        share.save(update_fields=["revoked_at", "revoked_by"])
    return share
