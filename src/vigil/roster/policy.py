"""Who may see and change a roster, and which of a member's fields each reader sees.

Seeing a roster (its profiles) follows the sharing policy on the `Roster` row (TLP mark and
shares, `sharing.policy.visible`). Personal data is decided here and only here: contact
details, nationality, vetting notes and debrief evaluations are shown to the roster managers
of the organisation that owns the roster (and to platform admins, whose reads are audited
like anyone's). Every surface — page, API, CSV export — builds a member's fields through
`member_fields`, so none can show more than this function allows.
"""

from __future__ import annotations

from typing import Any

from vigil.actors.choices import Role
from vigil.sharing.policy import organisations_with_role

# The fields withheld from everyone but the owner's roster managers.
PERSONAL_FIELDS = frozenset({"email", "phone", "contact_notes", "nationality", "vetting_note"})
# Debrief evaluations are personal too (a rating of a named person's work).
PERSONAL_DEPLOYMENT_FIELDS = frozenset({"debrief_summary", "debrief_rating"})


def is_roster_manager(user: Any, roster: Any) -> bool:
    """A roster manager of the owning organisation, or a platform admin."""
    if getattr(user, "is_superuser", False):
        return True
    return roster.owner_org_id in organisations_with_role(user, (Role.ROSTER_MANAGER,))


def can_manage(user: Any, roster: Any) -> bool:
    """Who may change a roster: add members, record vetting, deploy, debrief, set targets."""
    return is_roster_manager(user, roster)


def sees_personal_data(user: Any, roster: Any) -> bool:
    """Who sees contact details, nationality, vetting notes and debrief evaluations."""
    return is_roster_manager(user, roster)


def member_fields(profile: dict[str, Any], *, personal: bool) -> dict[str, Any]:
    """A member's fields as a reader may see them: personal keys are removed, not blanked,
    so a template or export that forgets to check cannot show them by accident."""
    if personal:
        return dict(profile)
    return {key: value for key, value in profile.items() if key not in PERSONAL_FIELDS}


def deployment_fields(record: dict[str, Any], *, personal: bool) -> dict[str, Any]:
    if personal:
        return dict(record)
    return {k: v for k, v in record.items() if k not in PERSONAL_DEPLOYMENT_FIELDS}
