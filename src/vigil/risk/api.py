"""REST routes of the risk app (thin: validation and calls into services/selectors)."""

from ninja import Router

router = Router(tags=["risk"])
