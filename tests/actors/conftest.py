"""Fixtures of the actors tests: the loopback SMTP server that the dissemination tests use."""

from tests.dissemination.conftest import smtp_server  # noqa: F401  (re-exported fixture)
