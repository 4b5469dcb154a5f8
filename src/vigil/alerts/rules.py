"""Rules that read stored analysis (`vigil.risk`) and raise draft alerts for analysts.

A rule belongs to a regional organisation's early-warning department. `evaluate_rules(run)`
reads one analysis run's escalations and forecasts through `vigil.risk.selectors`, and for
each area × period over a rule's threshold raises one *draft* — never an issued alert: an
analyst decides. Re-evaluating the same run (or a later run about the same period) raises
nothing new, because the database holds one alert per rule × area × period.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from vigil.alerts.cap import cap_scope_for
from vigil.alerts.choices import (
    AlertSource,
    AlertStatus,
    Certainty,
    ForecastMeasure,
    RuleKind,
    Severity,
    Urgency,
)
from vigil.alerts.models import Alert, AlertArea, AlertInfo, AlertRule, AlertTransition
from vigil.alerts.services import cap_sender_for, create_alert_record, new_cap_identifier
from vigil.events.selectors import events_for_audience
from vigil.risk import selectors as risk
from vigil.risk.choices import RunStatus
from vigil.risk.models import AnalysisRun, Escalation, Forecast
from vigil.sharing.choices import TLP

# Runs whose figures the whole community may see can feed any organisation's rules.
COMMUNITY_MARKS = frozenset({TLP.CLEAR, TLP.GREEN})
MAX_EVENT_IDS = 1000
RECENT_MONTHS = 3
# What a regional early-warning department starts with (`ensure_default_rules`): any flagged
# escalation in a first-level area or a country (the detector's flag is the threshold; every
# flag has a surprise of 1 or more, and a surge may have no more), and a forecast of 25+
# deaths next month more likely than not. Analysts tune them in the admin; drafts are
# reviewed before issue.
DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {
        "name": "Escalation in a first-level area",
        "kind": RuleKind.ESCALATION,
        "level": "admin1",
        "min_surprise": 1.0,
        "severity": Severity.SEVERE,
        "urgency": Urgency.EXPECTED,
        "certainty": Certainty.LIKELY,
    },
    {
        "name": "Escalation of a country",
        "kind": RuleKind.ESCALATION,
        "level": "country",
        "min_surprise": 1.0,
        "severity": Severity.SEVERE,
        "urgency": Urgency.EXPECTED,
        "certainty": Certainty.LIKELY,
    },
    {
        "name": "25 or more deaths likely next month",
        "kind": RuleKind.FORECAST,
        "level": "admin1",
        "measure": ForecastMeasure.P_GE25,
        "threshold": 0.5,
        "horizon": 1,
        "severity": Severity.SEVERE,
        "urgency": Urgency.FUTURE,
        "certainty": Certainty.POSSIBLE,
    },
)


def ensure_default_rules(*, organisation: Any, region: Any) -> list[AlertRule]:
    """The default rules of `organisation` for `region`, created once (a rule an analyst
    switched off or tuned keeps its settings)."""
    rules = []
    for spec in DEFAULT_RULES:
        values = {k: v for k, v in spec.items() if k != "name"}
        rule, _ = AlertRule.objects.get_or_create(
            region=region, organisation=organisation, name=spec["name"], defaults=values
        )
        rules.append(rule)
    return rules


def rules_for_run(run: AnalysisRun) -> list[AlertRule]:
    """The active rules that may read `run`: all of them for a community run (CLEAR or
    GREEN), only the owning organisation's for a run that read restricted events."""
    rules = AlertRule.objects.filter(is_active=True).select_related("region", "organisation")
    if run.tlp not in COMMUNITY_MARKS:
        rules = rules.filter(organisation_id=run.owner_org_id)
    return list(rules)


def _owner_of(run: AnalysisRun, rule: AlertRule) -> int:
    # The alert inherits the run's owner and mark; a community run's figures are the
    # community's, so the rule's own department owns (and reviews) what they trigger.
    if run.tlp in COMMUNITY_MARKS:
        return rule.organisation_id
    return run.owner_org_id


def _members(rule: AlertRule, day: dt.date) -> list[str]:
    return list(rule.region.members_on(day).values_list("pk", flat=True))


def evaluate_rules(run: AnalysisRun) -> list[Alert]:
    """Raise the drafts `run` triggers; returns the alerts created by this call only."""
    if run.status != RunStatus.DONE:
        raise ValidationError({"run": "Only a finished analysis run can be evaluated."})
    created: list[Alert] = []
    for rule in rules_for_run(run):
        if rule.kind == RuleKind.ESCALATION:
            rows = _escalations_over(rule, run)
        else:
            rows = _forecasts_over(rule, run)
        for row in rows:
            alert = _raise_from_row(rule, run, row)
            if alert is not None:
                created.append(alert)
    return created


def _level_filter(rule: AlertRule) -> Q:
    return Q(level=rule.level) if rule.level else Q()


def _recent_since(run: AnalysisRun) -> dt.date:
    """First day of the oldest month an escalation may be in to raise a draft: the run's
    last full month and the RECENT_MONTHS - 1 before it. A run stores three years of
    flags for the country pages; a flag of two years ago is history, not a warning."""
    as_of = run.as_of
    last = as_of if as_of == _month_end(as_of) else as_of.replace(day=1) - dt.timedelta(days=1)
    month = last.year * 12 + last.month - 1 - (RECENT_MONTHS - 1)
    return dt.date(month // 12, month % 12 + 1, 1)


def _escalations_over(rule: AlertRule, run: AnalysisRun) -> list[Escalation]:
    rows = risk.escalations(
        run, countries=_members(rule, run.as_of), since=_recent_since(run)
    ).filter(_level_filter(rule))
    if rule.min_surprise is not None:
        rows = rows.filter(surprise__gte=rule.min_surprise)
    if rule.min_effect is not None:
        rows = rows.filter(effect__gte=rule.min_effect)
    return list(rows)


def _forecasts_over(rule: AlertRule, run: AnalysisRun) -> list[Forecast]:
    rows = risk.forecasts(run, countries=_members(rule, run.as_of), horizon=rule.horizon)
    measure = "p_ge25" if rule.measure == ForecastMeasure.P_GE25 else "p_any"
    return list(rows.filter(_level_filter(rule)).filter(**{f"{measure}__gte": rule.threshold}))


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _event_ids(run: AnalysisRun, row: Escalation) -> list[int]:
    """The events behind an escalation: the run's audience's events in that area-month."""
    audience = None if run.tlp in COMMUNITY_MARKS else run.owner_org_id
    events = events_for_audience(audience, until=run.as_of).filter(
        country_id=row.country_id,
        date_start__gte=row.period,
        date_start__lte=_month_end(row.period),
    )
    if "/" in row.area:
        events = events.filter(admin1__name=row.area.split("/", 1)[1])
    return list(events.order_by("pk").values_list("pk", flat=True)[:MAX_EVENT_IDS])


def _raise_from_row(rule: AlertRule, run: AnalysisRun, row: Escalation | Forecast) -> Alert | None:
    is_escalation = isinstance(row, Escalation)
    period = row.period if is_escalation else row.target_period
    if Alert.objects.filter(rule=rule, area_key=row.area, period=period).exists():
        return None
    texts = _escalation_texts(row) if is_escalation else _forecast_texts(rule, row)
    with transaction.atomic():
        owner_id = _owner_of(run, rule)
        alert, created = create_alert_record(
            owner_org_id=owner_id,
            tlp=run.tlp,
            identifier=new_cap_identifier(),
            sender=cap_sender_for(
                rule.organisation if owner_id == rule.organisation_id else run.owner_org
            ),
            sender_name=rule.organisation.name,
            scope=cap_scope_for(run.tlp),
            restriction="" if run.tlp == TLP.CLEAR else f"TLP:{run.tlp}",
            event=texts["en"][0],
            severity=rule.severity,
            urgency=rule.urgency,
            certainty=rule.certainty,
            status=AlertStatus.DRAFT,
            region=rule.region,
            source=AlertSource.RULE,
            rule=rule,
            analysis_run=run,
            area_key=row.area,
            period=period,
            event_ids=_event_ids(run, row) if is_escalation else [],
            escalation_ids=[row.pk] if is_escalation else [],
            forecast_ids=[] if is_escalation else [row.pk],
        )
        if not created:
            return None
        alert.countries.set([row.country_id])
        AlertInfo.objects.bulk_create(
            AlertInfo(alert=alert, language=lang, event=event, headline=headline, description=text)
            for lang, (event, headline, text) in texts.items()
        )
        AlertArea.objects.create(alert=alert, **_area_of(row))
        AlertTransition.objects.create(
            alert=alert,
            from_status="",
            to_status=AlertStatus.DRAFT,
            actor=None,
            note=f"Raised by rule “{rule.name}” from analysis run #{run.pk} ({run.as_of}).",
        )
    return alert


def _area_of(row: Escalation | Forecast) -> dict[str, Any]:
    geocodes = [{"valueName": "ISO3", "value": row.country_id}]
    if "/" in row.area:
        geocodes.append({"valueName": "ADMIN1", "value": row.area.split("/", 1)[1]})
    return {"description": row.area_name, "geocodes": geocodes}


def _escalation_texts(row: Escalation) -> dict[str, tuple[str, str, str]]:
    month = row.period.strftime("%Y-%m")
    what = {
        "fatalities": ("deaths", "morts", "mortes"),
        "events": ("events", "événements", "eventos"),
    }
    en, fr, pt = what.get(row.target, (row.target, row.target, row.target))
    figures = dict(
        area=row.area_name,
        month=month,
        obs=f"{row.observed:g}",
        exp=f"{row.expected:.1f}",
        s=f"{row.surprise:.1f}",
        eff=f"{row.effect:.1f}",
    )
    return {
        "en": (
            "Escalation of violence",
            "Escalation in {area}: {obs} {what} in {month}".format(what=en, **figures),
            "{obs} {what} were recorded in {area} in {month}, against {exp} expected from the "
            "area's own history ({eff} times the baseline; surprise {s}, i.e. a chance of "
            "about 1 in 10^{s}). Review the events behind it before issuing.".format(
                what=en, **figures
            ),
        ),
        "fr": (
            "Escalade de la violence",
            "Escalade à {area} : {obs} {what} en {month}".format(what=fr, **figures),
            "{obs} {what} ont été enregistrés à {area} en {month}, contre {exp} attendus "
            "d'après l'historique de la zone ({eff} fois la référence ; surprise {s}). "
            "Vérifier les événements sous-jacents avant d'émettre l'alerte.".format(
                what=fr, **figures
            ),
        ),
        "pt": (
            "Escalada da violência",
            "Escalada em {area}: {obs} {what} em {month}".format(what=pt, **figures),
            "Foram registados {obs} {what} em {area} em {month}, contra {exp} esperados com "
            "base no histórico da área ({eff} vezes a referência; surpresa {s}).".format(
                what=pt, **figures
            ),
        ),
    }


def _forecast_texts(rule: AlertRule, row: Forecast) -> dict[str, tuple[str, str, str]]:
    month = row.target_period.strftime("%Y-%m")
    p = row.p_ge25 if rule.measure == ForecastMeasure.P_GE25 else row.p_any
    pct = f"{100 * p:.0f}%"
    ge25 = rule.measure == ForecastMeasure.P_GE25
    figures = dict(
        area=row.area_name,
        month=month,
        pct=pct,
        lo=f"{row.lower80:.0f}",
        hi=f"{row.upper80:.0f}",
        point=f"{row.point:.0f}",
        h=row.horizon,
    )
    return {
        "en": (
            "Forecast risk of deadly violence",
            "{area}: {pct} chance of {what} in {month}".format(
                what="25 or more deaths" if ge25 else "deadly violence", **figures
            ),
            "The forecast made {h} month(s) ahead gives {area} a {pct} probability of {what} "
            "in {month} (point forecast {point} deaths, 80% interval {lo}–{hi}).".format(
                what="25 or more deaths" if ge25 else "at least one death", **figures
            ),
        ),
        "fr": (
            "Risque prévu de violence meurtrière",
            "{area} : {pct} de probabilité de {what} en {month}".format(
                what="25 morts ou plus" if ge25 else "violence meurtrière", **figures
            ),
            "La prévision à {h} mois donne à {area} une probabilité de {pct} de {what} en "
            "{month} (prévision ponctuelle {point} morts, intervalle à 80 % {lo}–{hi}).".format(
                what="25 morts ou plus" if ge25 else "au moins un mort", **figures
            ),
        ),
        "pt": (
            "Risco previsto de violência letal",
            "{area}: {pct} de probabilidade de {what} em {month}".format(
                what="25 ou mais mortes" if ge25 else "violência letal", **figures
            ),
            "A previsão a {h} meses dá a {area} uma probabilidade de {pct} de {what} em "
            "{month} (previsão pontual {point} mortes, intervalo de 80% {lo}–{hi}).".format(
                what="25 ou mais mortes" if ge25 else "pelo menos uma morte", **figures
            ),
        ),
    }


def runs_to_evaluate(run_id: int | None = None) -> list[AnalysisRun]:
    """The run named, or the newest finished run of each scope (owner × mark)."""
    runs = AnalysisRun.objects.filter(status=RunStatus.DONE)
    if run_id is not None:
        return list(runs.filter(pk=run_id))
    newest: dict[tuple[int, str], AnalysisRun] = {}
    for run in runs.order_by("-as_of", "-started_at"):
        newest.setdefault((run.owner_org_id, run.tlp), run)
    return list(newest.values())
