"""Settings of the mail worker that the dissemination tests start as a real process: the
project's settings, plus the loopback SMTP server the test started, given by environment
(VIGIL_EMAIL_HOST, VIGIL_EMAIL_PORT; DATABASE_URL is read by the project's settings)."""

import os

from vigil.settings import *  # noqa: F403

EMAIL_HOST = os.environ.get("VIGIL_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ["VIGIL_EMAIL_PORT"])
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = "Vigil <no-reply@vigil.example.org>"
