"""Vocabularies of monitors' reporting: review states, channels, attachment kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    """Where a monitor's submission stands. Shared by field reports and indicator observations."""

    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    NEEDS_INFO = "needs_info", _("Needs more information")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


# Allowed moves of the review workflow: (from, to). A monitor resubmits from NEEDS_INFO.
REVIEW_TRANSITIONS = frozenset(
    {
        (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW),
        (ReviewStatus.SUBMITTED, ReviewStatus.VERIFIED),
        (ReviewStatus.SUBMITTED, ReviewStatus.REJECTED),
        (ReviewStatus.SUBMITTED, ReviewStatus.NEEDS_INFO),
        (ReviewStatus.UNDER_REVIEW, ReviewStatus.VERIFIED),
        (ReviewStatus.UNDER_REVIEW, ReviewStatus.REJECTED),
        (ReviewStatus.UNDER_REVIEW, ReviewStatus.NEEDS_INFO),
        (ReviewStatus.NEEDS_INFO, ReviewStatus.SUBMITTED),
    }
)
# Decisions that end a review; a decided submission no longer changes.
FINAL_STATUSES = frozenset({ReviewStatus.VERIFIED, ReviewStatus.REJECTED})


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("REST API")
    CSV = "csv", _("CSV upload")
    ODK = "odk", _("ODK Central / KoboToolbox")
