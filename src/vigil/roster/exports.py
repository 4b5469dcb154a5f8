"""Roster CSV export with an HXL hashtag row.

Columns are taken from the profiles `selectors.member_profile` builds, which already went
through `roster.policy.member_fields`: a column whose field the reader may not see is absent
from the file (not blanked), so the export can never show more than the page or the API.
HXL tags are given where the HXL standard has a hashtag (#contact, #country, #region,
#date, #status, #meta); columns without one carry an empty tag, which HXL tools ignore.
"""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse

from vigil import csvsafe

# (column, HXL hashtag, profile key)
COLUMNS: list[tuple[str, str, str]] = [
    ("id", "#meta+id", "id"),
    ("full_name", "#contact+name", "full_name"),
    ("gender", "", "gender"),
    ("seniority", "", "seniority"),
    ("role_types", "#meta+role", "role_types"),
    ("languages", "#meta+languages", "languages"),
    ("thematic_expertise", "#meta+expertise+thematic", "thematic_expertise"),
    ("process_expertise", "#meta+expertise+process", "process_expertise"),
    ("regions", "#region+code", "regions"),
    ("countries_of_experience", "#country+code+experience", "countries_of_experience"),
    ("global_south", "#meta+global_south", "global_south"),
    ("on_standby", "#status+standby", "on_standby"),
    ("vetting_status", "#status+vetting", "vetting_status"),
    ("vetting_valid_until", "#date+vetting+end", "vetting_valid_until"),
    ("deployable_72h", "#status+deployable", "deployable_72h"),
    ("joined_on", "#date+joined", "joined_on"),
    # Personal data: present only in a roster manager's export.
    ("nationality", "#country+code+nationality", "nationality"),
    ("email", "#contact+email", "email"),
    ("phone", "#contact+phone", "phone"),
]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                level = item.get("proficiency", item.get("level"))
                parts.append(f"{item['code']}:{level}")
            else:
                parts.append(str(item))
        return ";".join(parts)
    return str(value)


def members_csv(profiles: list[dict[str, Any]], *, filename: str) -> HttpResponse:
    """A CSV of the given (already policy-filtered) profiles, HXL row second."""
    present = set().union(*(p.keys() for p in profiles)) if profiles else None
    columns = [c for c in COLUMNS if present is None or c[2] in present]
    if present is None:
        # No rows: still never announce personal columns to someone who may not see them.
        columns = [c for c in COLUMNS if c[0] not in ("nationality", "email", "phone")]
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)
    writer.writerow([name for name, _, _ in columns])
    writer.writerow([tag for _, tag, _ in columns])
    for profile in profiles:
        writer.writerow([_cell(profile.get(key)) for _, _, key in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
