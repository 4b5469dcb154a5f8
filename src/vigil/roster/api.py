"""REST routes of the roster app (thin: validation and calls into services/selectors)."""

from ninja import Router

router = Router(tags=["roster"])
