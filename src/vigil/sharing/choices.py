"""Traffic Light Protocol 2.0 marks (FIRST, 2022)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TLP(models.TextChoices):
    CLEAR = "CLEAR", _("TLP:CLEAR — no restriction")
    GREEN = "GREEN", _("TLP:GREEN — the community")
    AMBER = "AMBER", _("TLP:AMBER — the organisation and those it shares with")
    AMBER_STRICT = "AMBER+STRICT", _("TLP:AMBER+STRICT — the organisation only")
    RED = "RED", _("TLP:RED — named recipients only")


# Marks whose reads are written to the audit log.
AUDITED_TLP = frozenset({TLP.AMBER, TLP.AMBER_STRICT, TLP.RED})


class Surface(models.TextChoices):
    """Where a read happened, for the audit log."""

    PAGE = "page", _("Web page")
    API = "api", _("REST API")
    EXPORT = "export", _("Export")
    CLI = "cli", _("Command line")
    REPORT = "report", _("Product")
