"""Pages of the response loop: the gap between warning and action, an alert's response
(propose, assign, act, assess) and the option library. Thin: parse a form, call one
service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vigil.alerts.models import Alert
from vigil.fieldreports.forms import apply_service_errors
from vigil.responses import metrics, selectors, services
from vigil.responses.choices import FINAL_ACTION_STATUSES, ResponseKind
from vigil.responses.forms import (
    ActionForm,
    AssessForm,
    AssignForm,
    GapFilterForm,
    ProposeForm,
    StatusForm,
)
from vigil.sharing.choices import TLP, Surface
from vigil.sharing.policy import record_reads

# The distribution's bins as metrics names them, in words of the reader's language.
BIN_LABELS = {
    "same day": gettext_lazy("same day"),
    "1–7 days": gettext_lazy("1–7 days"),
    "8–30 days": gettext_lazy("8–30 days"),
    "31–90 days": gettext_lazy("31–90 days"),
    "over 90 days": gettext_lazy("over 90 days"),
}
assert set(BIN_LABELS) == {label for label, _, _ in metrics.DISTRIBUTION_BINS}


def gap(request: HttpRequest) -> HttpResponse:
    """The gap between warning and action over the issued alerts the reader may see."""
    regions = selectors.regions_with_alerts(request.user)
    form = GapFilterForm(request.GET or None, regions=regions)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    report = selectors.gap_report(request.user, **filters)
    record_reads([row.alert for row in report.counted], request.user, surface=Surface.PAGE)
    context = {
        "form": form,
        "report": report,
        "distribution": [
            (BIN_LABELS[label], count) for label, count in report.overall.distribution
        ],
        "windows": metrics.WINDOWS,
    }
    return render(request, "responses/gap.html", context)


def options(request: HttpRequest) -> HttpResponse:
    """The library of response options, by kind."""
    library = list(selectors.response_options())
    kinds = [
        (label, [o for o in library if o.kind == kind]) for kind, label in ResponseKind.choices
    ]
    return render(request, "responses/options.html", {"kinds": kinds})


def alert_response(request: HttpRequest, alert_id: int) -> HttpResponse:
    """One alert's response: proposals, responders, actions and outcome."""
    alert = selectors.alert_for(request.user, alert_id)
    record_reads([alert], request.user, surface=Surface.PAGE)
    return _render_alert(request, alert)


@login_required
@require_POST
def propose(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    form = ProposeForm(request.POST, options=_option_choices(), prefix="propose")
    if form.is_valid():
        try:
            services.propose_response(
                alert=alert,
                option=selectors.option_by_id(form.cleaned_data["option"]),
                actor=request.user,
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Option proposed."))
            return _back(alert, "proposals")
    return _render_alert(request, alert, bound={"propose": form})


@login_required
@require_POST
def assign(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    form = AssignForm(request.POST, organisations=_organisation_choices(), prefix="assign")
    if form.is_valid():
        try:
            services.assign_responder(
                alert=alert,
                organisation=selectors.organisation_by_id(form.cleaned_data["organisation"]),
                role=form.cleaned_data["role"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Responder assigned."))
            return _back(alert, "responders")
    return _render_alert(request, alert, bound={"assign": form})


@login_required
@require_POST
def record(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    loop = selectors.response_loop(alert)
    form = ActionForm(
        request.POST,
        responders=_responder_choices(request.user, loop),
        options=_option_choices(),
        prefix="act",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_action(
                alert=alert,
                responder=selectors.organisation_by_id(data["responder"]),
                option=selectors.option_by_id(data["option"]) if data["option"] else None,
                actor=request.user,
                description=data["description"],
                status=data["status"],
                started_on=data["started_on"],
                completed_on=data["completed_on"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Action recorded."))
            return _back(alert, "actions")
    return _render_alert(request, alert, bound={"act": form})


@login_required
@require_POST
def move(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_for(request.user, action_id)
    if not services.can_record_action(request.user, action.alert, action.responder_id):
        raise PermissionDenied
    form = StatusForm(request.POST, current=action.status, prefix=f"action-{action.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_action_status(
                action=action, to=data["to"], actor=request.user, on=data["on"], note=data["note"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Action status changed."))
            return _back(action.alert, f"action-{action.pk}")
    if action.status in FINAL_ACTION_STATUSES:
        # Closed meanwhile (a second click, a colleague): its form is gone, so say it above.
        messages.error(
            request,
            _("This action is already %(status)s.")
            % {"status": action.get_status_display().lower()},
        )
        return _back(action.alert, f"action-{action.pk}")
    return _render_alert(request, action.alert, bound={f"action-{action.pk}": form})


@login_required
@require_POST
def assess(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    loop = selectors.response_loop(alert)
    form = AssessForm(request.POST, actions=_action_choices(loop), prefix="assess")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assess_outcome(
                alert=alert,
                actor=request.user,
                effect=data["effect"],
                evidence=data["evidence"],
                assessed_on=data["assessed_on"],
                action=selectors.action_for(request.user, data["action"])
                if data["action"]
                else None,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Outcome assessed."))
            return _back(alert, "outcome")
    return _render_alert(request, alert, bound={"assess": form})


# ---------------------------------------------------------------- helpers


def _back(alert: Alert, anchor: str) -> HttpResponse:
    return redirect(reverse("responses:alert", args=[alert.pk]) + f"#{anchor}")


def _option_choices() -> list[tuple[int, str]]:
    return [(o.pk, f"{o.get_kind_display()}: {o.name}") for o in selectors.response_options()]


def _organisation_choices() -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.organisations()]


def _responder_choices(user: Any, loop: selectors.ResponseLoop) -> list[tuple[int, str]]:
    allowed = set(services.responder_organisations(user, loop.alert))
    return [
        (r.organisation_id, r.organisation.name)
        for r in loop.responders
        if r.organisation_id in allowed
    ]


def _action_choices(loop: selectors.ResponseLoop) -> list[tuple[int, str]]:
    return [(a.pk, f"#{a.pk} {a.responder.name}: {a.description[:60]}") for a in loop.actions]


def _render_alert(
    request: HttpRequest, alert: Alert, *, bound: dict[str, Any] | None = None
) -> HttpResponse:
    bound = bound or {}
    loop = selectors.response_loop(alert)
    user = request.user
    managing = services.can_manage_response(user, alert) and user.is_authenticated
    responders = _responder_choices(user, loop) if user.is_authenticated else []
    may_act = bool(responders) and alert.issued_at is not None
    action_forms = {}
    for action in loop.actions:
        if action.status in FINAL_ACTION_STATUSES or action.responder_id not in dict(responders):
            continue
        key = f"action-{action.pk}"
        action_forms[action.pk] = bound.get(key) or StatusForm(current=action.status, prefix=key)
    proposed = {p.option_id for p in loop.proposals}
    context = {
        "alert": alert,
        "loop": loop,
        "managing": managing,
        "propose_form": bound.get("propose")
        or ProposeForm(
            options=[c for c in _option_choices() if c[0] not in proposed], prefix="propose"
        ),
        "assign_form": bound.get("assign")
        or AssignForm(organisations=_organisation_choices(), prefix="assign"),
        "action_form": (
            bound.get("act")
            or ActionForm(responders=responders, options=_option_choices(), prefix="act")
        )
        if may_act
        else None,
        "action_forms": action_forms,
        "assess_form": bound.get("assess")
        or AssessForm(actions=_action_choices(loop), prefix="assess"),
        "assign_shares": alert.tlp == TLP.AMBER,
    }
    return render(request, "responses/alert.html", context)
