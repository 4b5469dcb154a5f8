"""REST routes of the responses app (thin: validation and calls into services/selectors)."""

from ninja import Router

router = Router(tags=["responses"])
