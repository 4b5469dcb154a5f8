"""Writes on the event store: imports, duplicate links. Each is atomic and named for its verb."""

from vigil.events.services.coverage import (
    can_correct,
    correct_coverage,
    record_coverage,
    reset_coverage,
)
from vigil.events.services.imports import ImportRejected, ImportReport, LineError, import_events
from vigil.events.services.linking import link_duplicates, undo_link

__all__ = [
    "ImportRejected",
    "ImportReport",
    "LineError",
    "can_correct",
    "correct_coverage",
    "import_events",
    "link_duplicates",
    "record_coverage",
    "reset_coverage",
    "undo_link",
]
