"""REST routes of the reports app (thin: validation and calls into services/selectors)."""

from ninja import Router

router = Router(tags=["reports"])
