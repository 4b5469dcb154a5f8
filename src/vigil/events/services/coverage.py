"""What each source covers: recorded at import, corrected by analysts, read by analytics.

No data is not zero: an analysis must know that the Nigeria extract ends in 2019 before it
reads 2023's silence. Each import states what its file covers (the rules live in
`vigil.analytics.coverage.derive_coverage`, shared with the backtests) and widens the
stored span; an analyst's correction wins over later derivations, which stay recorded
beside it (`derived_first`, `derived_last`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.choices import Role
from vigil.analytics.coverage import SIGNAL_SOURCES, Scope, derive_coverage, release_from_name
from vigil.events.models import ImportRun, SourceCoverage
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisations_with_role

# Who may correct coverage: the people who read the figures it changes.
CORRECTOR_ROLES = (Role.ANALYST, Role.SUPERVISOR)


def _release(source: str, file_name: str, events: pd.DataFrame) -> str:
    """The file's release; a release inferred from dates reuses what the first, complete
    import of the same file inferred (a re-import converts only its changed rows)."""
    previous = (
        SourceCoverage.objects.filter(source=source, import_run__file_name=file_name)
        .values_list("release", flat=True)
        .first()
    )
    named = release_from_name(source, file_name, None)
    if previous and not named[:1].isdigit():
        return previous
    last = pd.to_datetime(events["date_end"]).max() if len(events) else None
    return release_from_name(source, file_name, last)


def record_coverage(
    *,
    events: pd.DataFrame,
    source: str,
    file_name: str,
    import_run: ImportRun,
    owner_id: int,
    scope: Scope = "auto",
    release: str | None = None,
) -> list[SourceCoverage]:
    """Widen the stored coverage by what `events` (an importer's unified rows: country_id,
    date_start, date_end) cover. Called inside the import's transaction. `release` names
    the release when the file name does not (a page of an API)."""
    if events.empty or scope == "none":
        return []
    frame = events.rename(columns={"country_id": "country"})
    derived = derive_coverage(
        frame, source=source, release=release or _release(source, file_name, events), scope=scope
    )
    return _widen(derived, import_run=import_run, owner_id=owner_id, source=source)


def declare_coverage(
    *,
    source: str,
    release: str,
    countries: list[str],
    first: dt.date,
    last: dt.date,
    owner_id: int,
    import_run: ImportRun | None = None,
) -> list[SourceCoverage]:
    """What a connector asked its source for and got in full: every asked-for country is
    covered over the span, including those where the source found nothing (a quiet country
    the source looked at is zero, not missing). `countries` ["*"]: a global release."""
    derived = pd.DataFrame(
        {
            "country": countries,
            "release": release,
            "kind": "signal" if source in SIGNAL_SOURCES else "events",
            "first": pd.Timestamp(first),
            "last": pd.Timestamp(last),
        }
    )
    return _widen(derived, import_run=import_run, owner_id=owner_id, source=source)


def _widen(
    derived: pd.DataFrame, *, import_run: ImportRun | None, owner_id: int, source: str
) -> list[SourceCoverage]:
    rows = []
    for row in derived.itertuples(index=False):
        first, last = row.first.date(), row.last.date()
        coverage, created = SourceCoverage.objects.select_for_update().get_or_create(
            source=source,
            release=row.release,
            country=row.country,
            defaults={
                "kind": row.kind,
                "first_date": first,
                "last_date": last,
                "derived_first": first,
                "derived_last": last,
                "import_run": import_run,
                "owner_org_id": owner_id,
                "tlp": TLP.CLEAR,
            },
        )
        if not created:
            coverage.derived_first = min(coverage.derived_first, first)
            coverage.derived_last = max(coverage.derived_last, last)
            coverage.import_run = import_run
            if coverage.corrected_at is None:
                coverage.first_date = coverage.derived_first
                coverage.last_date = coverage.derived_last
            coverage.save()
        rows.append(coverage)
    return rows


def can_correct(actor: Any, coverage: SourceCoverage) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    return bool(organisations_with_role(actor, CORRECTOR_ROLES))


@transaction.atomic
def correct_coverage(
    *,
    coverage: SourceCoverage,
    actor: Any,
    first_date: dt.date,
    last_date: dt.date,
    note: str,
) -> SourceCoverage:
    """An analyst's correction of a span (a file that holds fewer years than it covers, a
    release known to stop earlier). The reason is required: every figure moves with it."""
    if not can_correct(actor, coverage):
        raise PermissionDenied(_("Only analysts and supervisors may correct coverage."))
    if last_date < first_date:
        raise ValidationError({"last_date": _("Coverage cannot end before it starts.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the coverage is corrected.")})
    coverage.first_date = first_date
    coverage.last_date = last_date
    coverage.note = note.strip()[:500]
    coverage.corrected_by = actor
    coverage.corrected_at = timezone.now()
    coverage.save()
    return coverage


@transaction.atomic
def reset_coverage(*, coverage: SourceCoverage, actor: Any) -> SourceCoverage:
    """Undo a correction: back to what the imports derived."""
    if not can_correct(actor, coverage):
        raise PermissionDenied(_("Only analysts and supervisors may correct coverage."))
    coverage.first_date = coverage.derived_first
    coverage.last_date = coverage.derived_last
    coverage.corrected_by = None
    coverage.corrected_at = None
    coverage.note = ""
    coverage.save()
    return coverage
