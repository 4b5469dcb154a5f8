"""The registry as CSV with HXL hashtags (https://hxlstandard.org), for humanitarian tools.

The second row carries the HXL tags; columns with no standard tag carry an attribute-only
extension of a standard one rather than an invented hashtag, or none.
"""

from __future__ import annotations

import io

from vigil import csvsafe
from vigil.actors.selectors import RegistryFilters, registry_rows

# (column key, header, HXL tag)
COLUMNS = [
    ("name", "Organisation", "#org+name"),
    ("code", "Code", "#org+code"),
    ("acronym", "Acronym", "#org+acronym"),
    ("kind", "Kind", "#org+type"),
    ("country", "Country (ISO3)", "#country+code"),
    ("themes", "Mandates", "#sector"),
    ("areas", "Areas covered", "#adm1+code+list"),
    ("languages", "Languages", "#meta+languages"),
    ("website", "Website", "#meta+url"),
]


def registry_csv(filters: RegistryFilters | None = None) -> str:
    """The registry (public profiles only: no contact details) as HXL-tagged CSV text."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow([header for _key, header, _tag in COLUMNS])
    writer.writerow([tag for _key, _header, tag in COLUMNS])
    for row in registry_rows(filters):
        writer.writerow([row[key] for key, _header, _tag in COLUMNS])
    return out.getvalue()
