"""Roster pages: members, a member's profile and calendar, the request form with its
explained shortlist, the readiness and diversity dashboard, and the CSV export. Thin: parse,
call one selector or service, render. Personal fields reach templates only through
`selectors.member_profile`, which applies `roster.policy`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vigil.roster import exports, policy, selectors, services
from vigil.roster.choices import (
    DiversityMeasure,
    DiversityPopulation,
    Expertise,
    Gender,
    Language,
    Proficiency,
    RoleType,
    Seniority,
    VettingStatus,
)
from vigil.roster.forms import (
    DashboardQuery,
    DebriefForm,
    DeploymentForm,
    MatchForm,
    MemberFilterForm,
    MemberForm,
    UnavailabilityForm,
    VettingForm,
)
from vigil.sharing.choices import Surface

BLOCKER_LABELS = {
    "not_member": gettext_lazy("not on the roster"),
    "standby": gettext_lazy("not on standby"),
    "vetting": gettext_lazy("vetting not cleared"),
    "busy": gettext_lazy("committed (deployed or unavailable)"),
}


def _labels() -> dict[str, Any]:
    """Code → label maps, so templates show words for the codes in profiles."""
    return {
        "language_labels": dict(Language.choices),
        "expertise_labels": dict(Expertise.choices),
        "role_labels": dict(RoleType.choices),
        "seniority_labels": dict(Seniority.choices),
        "gender_labels": dict(Gender.choices),
        "proficiency_labels": dict(Proficiency.choices),
        "vetting_labels": dict(VettingStatus.choices),
        "measure_labels": dict(DiversityMeasure.choices),
        "population_labels": dict(DiversityPopulation.choices),
        "blocker_labels": BLOCKER_LABELS,
    }


def _managed_member(request: HttpRequest, member_id: int) -> Any:
    """A member whose roster the signed-in person manages; others get 403 before any form."""
    member = selectors.member_for(request.user, member_id)
    if not policy.can_manage(request.user, member.roster):
        raise PermissionDenied
    return member


def _service_errors(form: Any, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, texts in error.message_dict.items():
        form.add_error(key if key in form.fields else None, texts)


@login_required
def roster_index(request: HttpRequest) -> HttpResponse:
    rosters = selectors.roster_summaries(request.user)
    if len(rosters) == 1:
        return redirect("roster:members", rosters[0]["slug"])
    return render(request, "roster/index.html", {"rosters": rosters})


@login_required
def roster_members(request: HttpRequest, slug: str) -> HttpResponse:
    roster = selectors.roster_for(request.user, slug)
    form = MemberFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    profiles = selectors.member_profiles(request.user, roster, surface=Surface.PAGE, **filters)
    context = {
        "roster": roster,
        "form": form,
        "profiles": profiles,
        "manager": policy.can_manage(request.user, roster),
        "personal": policy.sees_personal_data(request.user, roster),
        **_labels(),
    }
    return render(request, "roster/members.html", context)


@login_required
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    return _render_member(request, member_id)


def _render_member(request: HttpRequest, member_id: int, **forms: Any) -> HttpResponse:
    member = selectors.member_for(request.user, member_id)
    roster = member.roster
    manager = policy.can_manage(request.user, roster)
    profile = selectors.member_detail(request.user, member_id, surface=Surface.PAGE)
    context = {
        "roster": roster,
        "member": profile,
        "manager": manager,
        "personal": policy.sees_personal_data(request.user, roster),
        "activity": selectors.activity_of(request.user, roster, member=member, limit=20),
        **_labels(),
    }
    if manager:
        context["deploy_form"] = forms.get("deploy_form") or DeploymentForm(
            initial={"role_type": (profile["role_types"] or [""])[0]}
        )
        context["unavailable_form"] = forms.get("unavailable_form") or UnavailabilityForm()
        context["vetting_form"] = forms.get("vetting_form") or VettingForm(auto_id="vetting-%s")
        context["debrief_form"] = DebriefForm(auto_id="debrief-%s")
    status = 422 if any(f.errors for f in forms.values()) else 200
    return render(request, "roster/member_detail.html", context, status=status)


@login_required
def member_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A manager puts a person on the roster."""
    roster = selectors.roster_for(request.user, slug)
    if not policy.can_manage(request.user, roster):
        raise PermissionDenied
    form = MemberForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(roster=roster, data=form.to_input(), actor=request.user)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Member added."))
            return redirect("roster:member", member.pk)
    context = {"roster": roster, "form": form, "member": None}
    return render(request, "roster/member_form.html", context, status=422 if form.errors else 200)


@login_required
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    """A manager changes a profile; a change of seniority becomes a dated row."""
    member = _managed_member(request, member_id)
    profile = selectors.member_profile(request.user, member)
    form = MemberForm(request.POST or None, initial=MemberForm.initial_from(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(member=member, data=form.to_input(), actor=request.user)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("roster:member", member.pk)
    context = {"roster": member.roster, "form": form, "member": profile}
    return render(request, "roster/member_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def member_deploy(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _managed_member(request, member_id)
    form = DeploymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.deploy_member(
                member=member,
                mission=data["mission"],
                requesting_organisation=selectors.organisation_by_pk(
                    data["requesting_organisation"]
                ),
                role_type=data["role_type"],
                start=data["start"],
                end=data["end"],
                country=data["country"],
                actor=request.user,
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Deployment recorded."))
            return redirect("roster:member", member.pk)
    return _render_member(request, member_id, deploy_form=form)


@login_required
@require_POST
def member_unavailable(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _managed_member(request, member_id)
    form = UnavailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.mark_unavailable(member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Unavailability recorded."))
            return redirect("roster:member", member.pk)
    return _render_member(request, member_id, unavailable_form=form)


@login_required
@require_POST
def member_vetting(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _managed_member(request, member_id)
    form = VettingForm(request.POST, auto_id="vetting-%s")
    if form.is_valid():
        try:
            services.record_vetting(member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Vetting decision recorded."))
            return redirect("roster:member", member.pk)
    return _render_member(request, member_id, vetting_form=form)


@login_required
@require_POST
def deployment_debrief(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = selectors.deployment_for(request.user, deployment_id)
    if not policy.can_manage(request.user, deployment.member.roster):
        raise PermissionDenied
    form = DebriefForm(request.POST)
    if form.is_valid():
        try:
            services.record_debrief(deployment=deployment, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Debrief recorded."))
    else:
        messages.error(request, _("A debrief needs a summary."))
    return redirect("roster:member", deployment.member_id)


@login_required
def roster_match(request: HttpRequest, slug: str) -> HttpResponse:
    """The request form; once submitted, the ranked and explained shortlist below it."""
    roster = selectors.roster_for(request.user, slug)
    form = MatchForm(request.GET or None, initial=MatchForm.initial_for())
    shortlist = None
    if form.is_bound and form.is_valid():
        shortlist = selectors.shortlist_payload(
            request.user, roster, form.to_request(), limit=25, surface=Surface.PAGE
        )
    context = {
        "roster": roster,
        "form": form,
        "shortlist": shortlist,
        "manager": policy.can_manage(request.user, roster),
        "personal": policy.sees_personal_data(request.user, roster),
        **_labels(),
    }
    return render(request, "roster/match.html", context, status=422 if form.errors else 200)


@login_required
def roster_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    roster = selectors.roster_for(request.user, slug)
    form = DashboardQuery(request.GET)
    day = form.cleaned_data["on"] if form.is_valid() else None
    data = selectors.dashboard_for(request.user, roster, on=day, months=12)
    selectors.audit_reads(request.user, roster, [], surface=Surface.PAGE)
    context = {"roster": roster, "form": form, **data, **_labels()}
    return render(request, "roster/dashboard.html", context)


@login_required
def roster_export(request: HttpRequest, slug: str) -> HttpResponse:
    roster = selectors.roster_for(request.user, slug)
    profiles = selectors.member_profiles(request.user, roster, surface=Surface.EXPORT)
    return exports.members_csv(profiles, filename=f"roster-{roster.slug}.csv")
