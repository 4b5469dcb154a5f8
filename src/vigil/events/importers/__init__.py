"""One importer per source, looked up by the name the CLI uses (`vigil import ucdp-ged PATH`)."""

from vigil.events.importers.acled import AcledImporter
from vigil.events.importers.base import Importer
from vigil.events.importers.gdelt import GdeltImporter
from vigil.events.importers.ucdp import UcdpCandidateImporter, UcdpGedImporter

IMPORTERS: dict[str, type[Importer]] = {
    cls.key: cls for cls in (UcdpGedImporter, UcdpCandidateImporter, AcledImporter, GdeltImporter)
}

__all__ = ["IMPORTERS", "Importer"]
