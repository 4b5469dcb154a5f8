"""REST routes of the dissemination app (thin: validation and calls into services/selectors)."""

from ninja import Router

router = Router(tags=["dissemination"])
