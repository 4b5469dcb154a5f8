"""Vocabularies for organisations and the roles people hold in them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    REGIONAL_ORGANISATION = "regional_organisation", _("Regional organisation")
    MEMBER_STATE = "member_state", _("Member state")
    CSO = "cso", _("Civil-society organisation")
    CSO_NETWORK = "cso_network", _("Civil-society network")
    UN_ENTITY = "un_entity", _("UN entity")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    DONOR = "donor", _("Donor")
    DATA_PUBLISHER = "data_publisher", _("Data publisher")
    PLATFORM = "platform", _("Platform operator")


class Role(models.TextChoices):
    MONITOR = "monitor", _("Monitor")
    ANALYST = "analyst", _("Analyst")
    SUPERVISOR = "supervisor", _("Supervisor")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    # Roles of the cooperation mechanisms (accreditation, roster, consultation).
    FOCAL_POINT = "focal_point", _("Member-state focal point")
    ROSTER_MANAGER = "roster_manager", _("Roster manager")
    SECRETARIAT = "secretariat", _("Committee secretariat")
