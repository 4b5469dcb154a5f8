"""The REST API: one NinjaAPI, its error handlers, and the routers each app provides."""

from vigil.api.core import api

__all__ = ["api"]
