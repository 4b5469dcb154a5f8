"""Vocabularies of the response loop: kinds of response, responders' roles, action states,
and the scale on which an outcome is assessed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponseKind(models.TextChoices):
    """The families of early response a regional organisation and its partners draw on."""

    PREVENTIVE_DIPLOMACY = "preventive_diplomacy", _("Preventive diplomacy and good offices")
    MEDIATION = "mediation", _("Mediation")
    FACT_FINDING = "fact_finding", _("Fact-finding")
    HUMANITARIAN = "humanitarian", _("Humanitarian")
    PROTECTION = "protection", _("Protection")
    SECURITY = "security", _("Security")


class ResponderRole(models.TextChoices):
    """What an organisation assigned to an alert is expected to do."""

    LEAD = "lead", _("Lead responder")
    SUPPORT = "support", _("Supporting responder")
    FUNDING = "funding", _("Funding")
    MONITORING = "monitoring", _("Monitoring the situation")


class ActionStatus(models.TextChoices):
    """Where a response action stands; every change is an `ActionStatusChange` row."""

    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Abandoned")


# Allowed moves of an action: (from, to). Done and abandoned actions no longer change.
ACTION_TRANSITIONS = frozenset(
    {
        (ActionStatus.PLANNED, ActionStatus.UNDER_WAY),
        (ActionStatus.PLANNED, ActionStatus.DONE),
        (ActionStatus.PLANNED, ActionStatus.ABANDONED),
        (ActionStatus.UNDER_WAY, ActionStatus.DONE),
        (ActionStatus.UNDER_WAY, ActionStatus.ABANDONED),
    }
)
FINAL_ACTION_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.ABANDONED})


class Effect(models.IntegerChoices):
    """The assessed effect of the response on the situation the alert warned of.

    An ordinal scale, negative when the response made things worse; "positive" in track
    records means at least LIMITED (see docs/responses.md).
    """

    HARMFUL = -1, _("Harmful — the situation worsened because of the response")
    NONE = 0, _("No discernible effect")
    LIMITED = 1, _("Limited — some de-escalation or relief, not sustained")
    SUBSTANTIAL = 2, _("Substantial — the risk clearly fell")
    DECISIVE = 3, _("Decisive — the crisis the alert warned of was averted")


POSITIVE_EFFECT = Effect.LIMITED
