"""Sign-in pages, and the pages of the registry and of accreditation. Thin: parse a form,
call one selector or service, render. Django's own sign-in views; django-axes counts
failures and locks out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigil.actors import accreditation, exports, selectors, services
from vigil.actors.choices import ApplicationStatus
from vigil.actors.forms import (
    AgreementFilterForm,
    AgreementForm,
    ApplicationForm,
    BestPlacedForm,
    FundingFormSet,
    ProfileForm,
    RegistryFilterForm,
    ReviewForm,
    apply_service_errors,
    funding_from,
)
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads

PAGE_SIZE = 50


class SignInView(auth_views.LoginView):
    """The sign-in page; a signed-in visitor goes straight on to where they were heading."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "label_suffix": ""}


class SignOutView(auth_views.LogoutView):
    """Signs out on POST only (a link or a prefetch must not end a session), then home."""

    next_page = "web:events"


# --- The registry ------------------------------------------------------------------------


def _filters(form: RegistryFilterForm) -> selectors.RegistryFilters:
    if not form.is_valid():
        return selectors.RegistryFilters()
    return selectors.RegistryFilters(**{k: v or "" for k, v in form.cleaned_data.items()})


@require_GET
def registry_list(request: HttpRequest) -> HttpResponse:
    """The registry of organisations, filtered by name, kind, mandate, country and language."""
    form = RegistryFilterForm(request.GET)
    organisations = selectors.registry(_filters(form))
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "actors/registry_list.html", {"form": form, "page": page})


@require_GET
def registry_export(request: HttpRequest) -> HttpResponse:
    """The filtered registry as HXL-tagged CSV."""
    response = HttpResponse(
        exports.registry_csv(_filters(RegistryFilterForm(request.GET))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="vigil-registry.csv"'
    return response


@require_GET
def registry_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One organisation: mandates, areas, capacities, languages, and what the reader may see
    of its contacts, agreements and accreditations."""
    organisation = selectors.organisation_for(slug)
    contacts = list(selectors.contacts_visible_to(request.user, organisation))
    agreements = list(selectors.agreements_visible_to(request.user, organisation=organisation))
    record_reads([*contacts, *agreements], request.user, surface=Surface.PAGE)
    context = {
        "organisation": organisation,
        "contacts": contacts,
        "agreements": agreements,
        "privileges": selectors.privileges_of(organisation),
        "can_edit": services.can_edit_profile(request.user, organisation),
        "today": timezone.localdate(),
    }
    return render(request, "actors/registry_detail.html", context)


@login_required
def registry_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's admins keep its mandates, languages and description up to date."""
    organisation = selectors.organisation_for(slug)
    if not services.can_edit_profile(request.user, organisation):
        raise PermissionDenied
    initial = {
        "themes": [m.theme for m in organisation.thematic_mandates.all()],
        "languages": ", ".join(language.code for language in organisation.languages.all()),
        "description": organisation.description,
        "website": organisation.website,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_registry_profile(
                organisation=organisation,
                actor=request.user,
                themes=form.cleaned_data["themes"],
                languages=form.language_codes(),
                description=form.cleaned_data["description"],
                website=form.cleaned_data["website"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Registry entry updated."))
            return redirect("actors:organisation", organisation.slug)
    return render(request, "actors/profile_form.html", {"form": form, "organisation": organisation})


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Agreements the reader may see, soonest expiry first."""
    form = AgreementFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    window = data.get("expiring_within")
    agreements = selectors.agreements_visible_to(
        request.user, kind=data.get("kind") or "", expiring_within=int(window) if window else None
    )
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    record_reads(page.object_list, request.user, surface=Surface.PAGE)
    return render(
        request,
        "actors/agreement_list.html",
        {"form": form, "page": page, "today": timezone.localdate()},
    )


@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    """Record an agreement between the reader's organisation and others."""
    owners = list(selectors.organisations_of(request.user))
    if not owners:
        raise PermissionDenied
    owner_ids = {o.pk for o in owners}
    others = [(o.pk, o.name) for o in selectors.registry() if o.pk not in owner_ids]
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        owners=[(o.pk, o.name) for o in owners],
        parties=others,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {int(pk) for pk in data["parties"]}
        try:
            services.record_agreement(
                actor=request.user,
                owner_org=next(o for o in owners if o.pk == int(data["owner_org"])),
                kind=data["kind"],
                title=data["title"],
                parties=list(selectors.registry().filter(pk__in=chosen)),
                signed_on=data["signed_on"],
                expires_on=data.get("expires_on"),
                scope=data["scope"],
                themes=data["themes"],
                document=data.get("document"),
                tlp=data["tlp"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Agreement recorded."))
            return redirect("actors:agreements")
    return render(request, "actors/agreement_form.html", {"form": form})


@require_GET
def agreement_document(request: HttpRequest, pk: int) -> FileResponse:
    """An agreement's signed document, for those who may see the agreement."""
    agreement = selectors.agreement_for(request.user, pk)
    if not agreement.document:
        raise Http404("This agreement has no document.")
    record_reads([agreement], request.user, surface=Surface.PAGE, action="download")
    response = FileResponse(agreement.document.open("rb"), as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def best_placed(request: HttpRequest) -> HttpResponse:
    """Who is best placed for a kind of response in an area or for an alert, explained."""
    form = BestPlacedForm(request.GET or None)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        countries = [data["country"]] if data.get("country") else []
        headline = ""
        if data.get("alert"):
            alert_countries, headline = selectors.alert_area(request.user, data["alert"])
            countries = sorted({*countries, *alert_countries})
        result = selectors.best_placed(
            reader=request.user,
            theme=data["theme"],
            countries=countries,
            admin_area_id=data.get("admin_area"),
            languages=form.language_codes(),
        )
        result = {"ranking": result, "alert_headline": headline}
    return render(request, "actors/best_placed.html", {"form": form, "result": result})


# --- Accreditation -----------------------------------------------------------------------


@require_GET
def accreditation_home(request: HttpRequest) -> HttpResponse:
    """Schemes, accredited CSOs, and the reader's own applications and review queue."""
    context = {
        "schemes": selectors.schemes(),
        "registrations": selectors.registrations(),
        "my_applications": selectors.applications_of(request.user),
        "queue_size": len(selectors.review_queue(request.user)),
    }
    return render(request, "actors/accreditation_home.html", context)


@login_required
def accreditation_apply(request: HttpRequest, code: str) -> HttpResponse:
    """The application form of one regional organisation's scheme."""
    scheme = selectors.scheme_for(code)
    applicants = [(o.pk, o.name) for o in selectors.applicant_organisations(request.user)]
    if not applicants:
        return render(request, "actors/not_a_cso.html", {"scheme": scheme}, status=403)
    form = ApplicationForm(request.POST or None, request.FILES or None, applicants=applicants)
    funding = FundingFormSet(request.POST or None, prefix="funding")
    if request.method == "POST" and form.is_valid() and funding.is_valid():
        data = form.cleaned_data
        documents = [(data["document_title"], data["document"])] if data.get("document") else []
        try:
            application = accreditation.apply_for_accreditation(
                actor=request.user,
                applicant=selectors.applicant_organisations(request.user).get(
                    pk=int(data["applicant"])
                ),
                scheme=scheme,
                profile=data["profile"],
                governance=data["governance"],
                references=data["references"],
                founded_year=data.get("founded_year"),
                registration_country_id=data.get("registration_country") or None,
                registration_number=data["registration_number"],
                funding=funding_from(funding),
                statutes=data.get("statutes"),
                documents=documents,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Application received."))
            return redirect("actors:application", application.pk)
    return render(
        request,
        "actors/application_form.html",
        {"scheme": scheme, "form": form, "funding": funding},
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An application's status page: eligibility criterion by criterion, member states'
    reviews, every step, and (for a focal point who may still review) the review form."""
    application = selectors.application_for(request.user, pk)
    countries = accreditation.reviewable_countries(request.user, application)
    can_review = bool(countries) and application.status == ApplicationStatus.SUBMITTED
    form = ReviewForm(countries=countries) if can_review else None
    return render(
        request, "actors/application_detail.html", _application_context(request, application, form)
    )


def _application_context(
    request: HttpRequest, application: Any, form: ReviewForm | None
) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "application": application,
        "tally": accreditation.tally_of(application, today=today),
        "verdicts": accreditation.standing_verdicts(application),
        "reviews": application.reviews.all(),
        "steps": application.steps.all(),
        "decision": application.decision_step(),
        "form": form,
        "today": today,
    }


@login_required
@require_POST
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A focal point's verdict on an application."""
    application = selectors.application_for(request.user, pk)
    countries = accreditation.reviewable_countries(request.user, application)
    if not countries:
        raise PermissionDenied
    form = ReviewForm(request.POST, countries=countries)
    if form.is_valid():
        try:
            accreditation.review_application(
                application=application,
                actor=request.user,
                verdict=form.cleaned_data["verdict"],
                reasons=form.cleaned_data["reasons"],
                country_id=form.cleaned_data["country"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your review is recorded."))
            return redirect("actors:application", application.pk)
    context = _application_context(request, application, form)
    return render(request, "actors/application_detail.html", context, status=422)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The applications a focal point's member states are asked to review."""
    items = selectors.review_queue(request.user)
    return render(request, "actors/review_queue.html", {"items": items})
