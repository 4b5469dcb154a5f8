"""REST routes of the alerts app (thin: validation and calls into services/selectors)."""

from ninja import Router

router = Router(tags=["alerts"])
