"""Shares and the read audit log: the rows the access policy consults and writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from vigil.sharing.choices import TLP, Surface


class ProtectedModel(models.Model):
    """Abstract base of every record the access policy guards: an owner and a TLP mark."""

    owner_org = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="+", db_index=True
    )
    tlp = models.CharField(max_length=12, choices=TLP.choices, default=TLP.CLEAR, db_index=True)

    class Meta:
        abstract = True


class Share(models.Model):
    """A grant of one protected record to an organisation (TLP:AMBER) or a person (TLP:RED)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    organisation = models.ForeignKey(
        "actors.Organisation", null=True, blank=True, on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(user__isnull=False),
                name="share_has_recipient",
                violation_error_message="A share names an organisation or a person.",
            )
        ]

    def __str__(self) -> str:
        return f"share of {self.content_type}#{self.object_id}"


class AuditEntry(models.Model):
    """One read of a TLP:AMBER, AMBER+STRICT or RED record: who, what, when, and where."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, default="view")
    surface = models.CharField(max_length=10, choices=Surface.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    tlp = models.CharField(max_length=12, choices=TLP.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.content_type_id}#{self.object_id} via {self.surface}"
