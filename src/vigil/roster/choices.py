"""Vocabularies of the mediator and expert roster."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    NOT_STATED = "not_stated", _("Prefers not to say")


class Seniority(models.TextChoices):
    """Career level as mediation units grade it (the UN Standby Team recruits senior advisers)."""

    SENIOR = "senior", _("Senior")
    MID = "mid", _("Mid-level")
    JUNIOR = "junior", _("Junior")


# Higher is more senior; a request for "at least mid" accepts mid and senior.
SENIORITY_RANK = {Seniority.JUNIOR: 1, Seniority.MID: 2, Seniority.SENIOR: 3}


class RoleType(models.TextChoices):
    """What a person can be deployed as."""

    LEAD_MEDIATOR = "lead_mediator", _("Lead mediator / envoy")
    MEDIATION_ADVISER = "mediation_adviser", _("Mediation adviser")
    THEMATIC_EXPERT = "thematic_expert", _("Thematic expert")
    PROCESS_EXPERT = "process_expert", _("Process expert (design, facilitation, drafting)")
    RAPPORTEUR = "rapporteur", _("Rapporteur / note-taker")


class ExpertiseKind(models.TextChoices):
    THEMATIC = "thematic", _("Thematic")
    PROCESS = "process", _("Process")


class Expertise(models.TextChoices):
    """Thematic fields and process skills, in the terms of mediation support units."""

    # Thematic
    ELECTORAL_DISPUTES = "electoral_disputes", _("Electoral disputes")
    CEASEFIRES = "ceasefires", _("Ceasefires and security arrangements")
    POWER_SHARING = "power_sharing", _("Power-sharing")
    NATURAL_RESOURCES = "natural_resources", _("Natural resources and land")
    GENDER_INCLUSION = "gender_inclusion", _("Gender and inclusion")
    CONSTITUTION_MAKING = "constitution_making", _("Constitution-making")
    DDR = "ddr", _("Disarmament, demobilisation and reintegration (DDR)")
    SSR = "ssr", _("Security sector reform")
    TRANSITIONAL_JUSTICE = "transitional_justice", _("Transitional justice")
    RELIGION = "religion", _("Religion and mediation")
    CLIMATE_SECURITY = "climate_security", _("Climate, environment and security")
    WEALTH_SHARING = "wealth_sharing", _("Wealth-sharing")
    # Process
    FACILITATION = "facilitation", _("Facilitation")
    DRAFTING = "drafting", _("Agreement drafting")
    SHUTTLE_DIPLOMACY = "shuttle_diplomacy", _("Shuttle diplomacy")
    PROCESS_DESIGN = "process_design", _("Process design")
    DIALOGUE = "dialogue", _("National and local dialogue")
    NEGOTIATION_SUPPORT = "negotiation_support", _("Negotiation support and coaching")
    CONFLICT_ANALYSIS = "conflict_analysis", _("Conflict analysis")


PROCESS_EXPERTISE = frozenset(
    {
        Expertise.FACILITATION,
        Expertise.DRAFTING,
        Expertise.SHUTTLE_DIPLOMACY,
        Expertise.PROCESS_DESIGN,
        Expertise.DIALOGUE,
        Expertise.NEGOTIATION_SUPPORT,
        Expertise.CONFLICT_ANALYSIS,
    }
)


def expertise_kind(code: str) -> ExpertiseKind:
    return ExpertiseKind.PROCESS if code in PROCESS_EXPERTISE else ExpertiseKind.THEMATIC


class ExpertiseLevel(models.IntegerChoices):
    FAMILIAR = 1, _("Familiar")
    EXPERIENCED = 2, _("Experienced")
    EXPERT = 3, _("Expert / lead practitioner")


class Proficiency(models.IntegerChoices):
    """Language proficiency, in the UN's four steps (roughly CEFR A2, B2, C1–C2, native)."""

    BASIC = 1, _("Basic")
    WORKING = 2, _("Working knowledge")
    FLUENT = 3, _("Fluent")
    NATIVE = 4, _("Native")


class Language(models.TextChoices):
    """ISO 639 codes of the languages mediation in Vigil's regions most often needs."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    SWAHILI = "sw", _("Swahili")
    HAUSA = "ha", _("Hausa")
    FULA = "ff", _("Fula (Fulfulde, Pulaar)")
    BAMBARA = "bm", _("Bambara")
    WOLOF = "wo", _("Wolof")
    YORUBA = "yo", _("Yoruba")
    IGBO = "ig", _("Igbo")
    KANURI = "kr", _("Kanuri")
    TAMASHEQ = "tmh", _("Tamasheq")
    AMHARIC = "am", _("Amharic")
    TIGRINYA = "ti", _("Tigrinya")
    OROMO = "om", _("Oromo")
    SOMALI = "so", _("Somali")
    LINGALA = "ln", _("Lingala")
    SANGO = "sg", _("Sango")
    KINYARWANDA = "rw", _("Kinyarwanda")
    KIRUNDI = "rn", _("Kirundi")
    MALAGASY = "mg", _("Malagasy")
    ZULU = "zu", _("Zulu")
    SHONA = "sn", _("Shona")
    PERSIAN = "fa", _("Persian")
    PASHTO = "ps", _("Pashto")
    URDU = "ur", _("Urdu")
    HINDI = "hi", _("Hindi")
    BENGALI = "bn", _("Bengali")
    BURMESE = "my", _("Burmese")
    THAI = "th", _("Thai")
    INDONESIAN = "id", _("Indonesian")
    MALAY = "ms", _("Malay")
    FILIPINO = "fil", _("Filipino")
    TETUM = "tet", _("Tetum")
    TOK_PISIN = "tpi", _("Tok Pisin")
    TURKISH = "tr", _("Turkish")
    KURDISH = "ku", _("Kurdish")
    HEBREW = "he", _("Hebrew")
    UKRAINIAN = "uk", _("Ukrainian")
    GERMAN = "de", _("German")
    ITALIAN = "it", _("Italian")
    HAITIAN_CREOLE = "ht", _("Haitian Creole")
    QUECHUA = "qu", _("Quechua")


class VettingStatus(models.TextChoices):
    """Where a person's vetting (references, background, conduct) stands."""

    PENDING = "pending", _("Pending")
    CLEARED = "cleared", _("Cleared")
    REJECTED = "rejected", _("Not cleared")
    SUSPENDED = "suspended", _("Suspended")


class UnavailabilityReason(models.TextChoices):
    OTHER_ASSIGNMENT = "other_assignment", _("Other assignment")
    LEAVE = "leave", _("Leave")
    HEALTH = "health", _("Health")
    PERSONAL = "personal", _("Personal")
    OTHER = "other", _("Other")


class DeploymentStatus(models.TextChoices):
    """Derived from dates and cancellation; never stored, so it cannot go stale."""

    PLANNED = "planned", _("Planned")
    ON_MISSION = "on_mission", _("On mission")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class DiversityMeasure(models.TextChoices):
    WOMEN = "women", _("Women")
    GLOBAL_SOUTH = "global_south", _("Global South nationals")


class DiversityPopulation(models.TextChoices):
    """Who a share is computed over."""

    OVERALL = "overall", _("All members")
    DEPLOYMENTS = "deployments", _("Deployments")
    SENIOR = "senior", _("Senior members")


class DiversityPreference(models.TextChoices):
    """A request may prefer candidates who improve the roster's diversity (a soft criterion)."""

    NONE = "", _("No preference")
    WOMEN = "women", _("Prefer women")
    GLOBAL_SOUTH = "global_south", _("Prefer Global South nationals")
    BOTH = "both", _("Prefer women and Global South nationals")


class RosterAction(models.TextChoices):
    """Kinds of write recorded in the roster's activity log."""

    ROSTER_CREATED = "roster_created", _("Roster created")
    MEMBER_ADDED = "member_added", _("Member added")
    MEMBER_UPDATED = "member_updated", _("Member updated")
    MEMBER_LEFT = "member_left", _("Member left the roster")
    SENIORITY_CHANGED = "seniority_changed", _("Seniority changed")
    VETTING_RECORDED = "vetting_recorded", _("Vetting recorded")
    STANDBY_CHANGED = "standby_changed", _("Standby changed")
    UNAVAILABILITY_ADDED = "unavailability_added", _("Unavailability added")
    UNAVAILABILITY_REMOVED = "unavailability_removed", _("Unavailability removed")
    DEPLOYED = "deployed", _("Deployment recorded")
    DEPLOYMENT_CANCELLED = "deployment_cancelled", _("Deployment cancelled")
    DEBRIEFED = "debriefed", _("Debrief recorded")
    TARGET_SET = "target_set", _("Diversity target set")
