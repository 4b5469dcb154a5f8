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


class Theme(models.TextChoices):
    """Thematic mandates an organisation may hold; also the kinds of response asked for."""

    MEDIATION = "mediation", _("Mediation")
    EARLY_WARNING = "early_warning", _("Early warning")
    HUMANITARIAN = "humanitarian", _("Humanitarian")
    HUMAN_RIGHTS = "human_rights", _("Human rights")
    SECURITY = "security", _("Security")
    DEVELOPMENT = "development", _("Development")


class Presence(models.TextChoices):
    """How an organisation stands in an area: a mandate only, or people on the ground."""

    MANDATE = "mandate", _("Mandate only")
    FIELD = "field", _("Field presence (staff or members)")
    OFFICE = "office", _("Office")


class CapacityLevel(models.IntegerChoices):
    LIMITED = 1, _("Limited")
    MODERATE = 2, _("Moderate")
    STRONG = 3, _("Strong")


class ContactRole(models.TextChoices):
    """What a registered contact person is for."""

    FOCAL_POINT = "focal_point", _("Focal point")
    CHAMPION = "champion", _("Champion inside a regional organisation")
    HEAD = "head", _("Head of organisation")
    LIAISON = "liaison", _("Liaison officer")


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    TERMS_OF_REFERENCE = "tor", _("Terms of reference")
    COOPERATION = "cooperation", _("Cooperation agreement")


class DecisionRule(models.TextChoices):
    """How member states' reviews become a decision (see docs/actors.md)."""

    CONSENSUS = "consensus", _("Consensus: every member state approves")
    NO_SUSTAINED_OBJECTION = "no_objection", _("No sustained objection: one objection blocks")
    MAJORITY = "majority", _("Majority: blocked only if half the member states or more object")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted — under review by member states")
    APPROVED = "approved", _("Approved — registered")
    REJECTED = "rejected", _("Not approved")
    INELIGIBLE = "ineligible", _("Not eligible")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Verdict(models.TextChoices):
    APPROVE = "approve", _("Approve")
    OBJECT = "object", _("Object")


class Privilege(models.TextChoices):
    """What an accredited CSO may do with a regional organisation."""

    ATTEND_MEETINGS = "attend_meetings", _("Attend meetings")
    SUBMIT_WRITTEN_INPUT = "submit_written_input", _("Submit written input")
    READ_DRAFT_DOCUMENTS = "read_draft_documents", _("Read draft documents")
    RECEIVE_PRODUCTS = "receive_products", _("Receive products")


# Kinds of organisation that may apply for accreditation.
ACCREDITABLE_KINDS = frozenset({OrganisationKind.CSO, OrganisationKind.CSO_NETWORK})
