"""Observation pages: the monitor's form and observations, one observation with its history and
the reviewer's decisions. Thin: parse a form, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.fieldreports.choices import Channel, ReviewStatus
from vigil.fieldreports.forms import (
    apply_service_errors,
    flash_errors,
    monitor_organisations,
    offered_decisions,
)
from vigil.fieldreports.services import REVIEWER_ROLES
from vigil.indicators import selectors, services
from vigil.indicators.forms import ObservationDecisionForm, ObservationForm
from vigil.indicators.models import IndicatorSet, Observation, ObservationTransition
from vigil.sharing.choices import Surface
from vigil.sharing.policy import organisations_with_role, record_reads

PAGE_SIZE = 25


@login_required
def observation_new(request: HttpRequest) -> HttpResponse:
    """The monitor's observation form for one indicator set (chosen first when several)."""
    organisations = monitor_organisations(request.user)
    if not organisations:
        return render(request, "indicators/not_a_monitor.html", status=403)
    sets = list(selectors.indicator_sets())
    code = request.POST.get("indicator_set") or request.GET.get("set")
    chosen = _chosen_set(sets, code)
    if chosen is None:
        return render(request, "indicators/choose_set.html", {"sets": sets, "asked": code})
    choices = [(o.pk, o.name) for o in organisations]
    if request.method == "POST":
        form = ObservationForm(request.POST, indicator_set=chosen, organisations=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                observation, created = services.submit_observation(
                    monitor=request.user,
                    indicator_set=chosen,
                    country_id=data["country"],
                    admin1_id=data["admin1"],
                    period=data["period"],
                    period_start=data["period_start"],
                    values=form.values(),
                    value_notes=form.value_notes(),
                    notes=data["notes"],
                    tlp=data["tlp"],
                    channel=Channel.WEB,
                    idempotency_key=str(data["idempotency_key"]),
                    organisation_id=data.get("organisation"),
                )
            except ValidationError as error:
                form.apply_service_errors(error)
            except PermissionDenied as refusal:
                form.add_error(
                    "organisation" if "organisation" in form.fields else None, str(refusal)
                )
            else:
                messages.success(
                    request,
                    _("Observation received. Thank you.")
                    if created
                    else _("This observation had already been received; it was not sent twice."),
                )
                return redirect("indicators:detail", observation.pk)
    else:
        home = organisations[0].country_id if len(organisations) == 1 else None
        form = ObservationForm(
            initial=ObservationForm.initial_for(country=home),
            indicator_set=chosen,
            organisations=choices,
        )
    context = {"form": form, "indicator_set": chosen, "other_sets": len(sets) > 1}
    return render(request, "indicators/observation_form.html", context)


@login_required
def observation_amend(request: HttpRequest, observation_id: int) -> HttpResponse:
    """The monitor amends an observation sent back for more information and resubmits it."""
    observation = selectors.observation_for(request.user, observation_id)
    if observation.monitor_id != request.user.pk:
        raise PermissionDenied
    if observation.status != ReviewStatus.NEEDS_INFO:
        messages.info(request, _("This observation is not waiting for changes."))
        return redirect("indicators:detail", observation.pk)
    indicator_set = selectors.indicator_sets(pk=observation.indicator_set_id).get()
    if request.method == "POST":
        form = ObservationForm(request.POST, indicator_set=indicator_set, amending=True)
        if form.is_valid():
            try:
                services.resubmit_observation(
                    observation=observation,
                    actor=request.user,
                    values=form.values(),
                    value_notes=form.value_notes(),
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("Observation amended and resubmitted."))
                return redirect("indicators:detail", observation.pk)
    else:
        form = ObservationForm(
            initial=ObservationForm.initial_from(observation),
            indicator_set=indicator_set,
            amending=True,
        )
    context = {
        "form": form,
        "indicator_set": indicator_set,
        "observation": observation,
        "question": _open_question(observation, selectors.history_of(observation)),
    }
    return render(request, "indicators/observation_form.html", context)


@login_required
def observation_detail(request: HttpRequest, observation_id: int) -> HttpResponse:
    observation = selectors.observation_for(request.user, observation_id)
    record_reads([observation], request.user, surface=Surface.PAGE)
    return _render_detail(request, observation)


@login_required
@require_POST
def observation_decide(request: HttpRequest, observation_id: int) -> HttpResponse:
    """A reviewer's decision: start review, ask for more information, reject or verify."""
    observation = selectors.observation_for(request.user, observation_id)
    form = ObservationDecisionForm(request.POST, auto_id=f"{request.POST.get('to', 'decision')}-%s")
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            services.decide_observation(
                observation=observation,
                actor=request.user,
                to=to,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Decision recorded: %(status)s.") % {"status": ReviewStatus(to).label}
            )
            return redirect("indicators:detail", observation.pk)
    observation = selectors.observation_for(request.user, observation_id)
    if request.POST.get("to") not in offered_decisions(observation.status):
        # Decided meanwhile (a second click, another reviewer): say so above the page.
        flash_errors(request, form)
        return redirect("indicators:detail", observation.pk)
    return _render_detail(request, observation, bound_decision=form)


@login_required
def my_observations(request: HttpRequest) -> HttpResponse:
    """The observations the signed-in monitor filed, latest period first."""
    observations = selectors.observations_visible_to(request.user, monitor=request.user)
    paginator = Paginator(observations.order_by("-period_start", "-submitted_at", "-pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    record_reads(page.object_list, request.user, surface=Surface.PAGE)
    return render(request, "indicators/my_observations.html", {"page": page})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Observations waiting for the reviewer's organisations, oldest first."""
    if not organisations_with_role(request.user, REVIEWER_ROLES):
        raise PermissionDenied
    status = request.GET.get("status") or None
    if status not in (None, *ReviewStatus.values):
        status = None
    observations = selectors.review_queue(request.user, status=status)
    page = Paginator(observations, PAGE_SIZE).get_page(request.GET.get("page"))
    record_reads(page.object_list, request.user, surface=Surface.PAGE)
    context = {"page": page, "status": status or "", "statuses": ReviewStatus.choices}
    return render(request, "indicators/review_queue.html", context)


def _chosen_set(sets: list[IndicatorSet], code: str | None) -> IndicatorSet | None:
    if not code and len(sets) == 1:
        return sets[0]
    return next((s for s in sets if s.code == code), None)


def _organisation_field(form: Any) -> str | None:
    return "organisation" if "organisation" in form.fields else None


def _render_detail(
    request: HttpRequest,
    observation: Observation,
    *,
    bound_decision: ObservationDecisionForm | None = None,
) -> HttpResponse:
    decisions = offered_decisions(observation.status)
    reviewing = services.can_review(request.user, observation) and bool(decisions)
    history = selectors.history_of(observation)
    context: dict[str, Any] = {
        "observation": observation,
        "history": history,
        "decision_forms": (
            ObservationDecisionForm.for_each_decision(bound_decision, decisions=decisions)
            if reviewing
            else {}
        ),
        "can_amend": (
            observation.monitor_id == request.user.pk
            and observation.status == ReviewStatus.NEEDS_INFO
        ),
        "question": _open_question(observation, history),
    }
    return render(request, "indicators/observation_detail.html", context)


def _open_question(observation: Observation, history: list[ObservationTransition]) -> str:
    """The reviewer's question, while the observation waits for its monitor."""
    if observation.status != ReviewStatus.NEEDS_INFO:
        return ""
    asked = [t for t in history if t.to_status == ReviewStatus.NEEDS_INFO]
    return asked[-1].reason if asked else ""
