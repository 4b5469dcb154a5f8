"""REST routes of the consultations app (thin: validation and calls into services/selectors)."""

from ninja import Router

router = Router(tags=["consultations"])
