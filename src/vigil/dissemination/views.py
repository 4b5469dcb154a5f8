"""Subscription pages: a person lists, adds, changes and removes their own subscriptions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.dissemination import selectors, services
from vigil.dissemination.choices import Language
from vigil.dissemination.forms import SubscriptionForm


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    """One's subscriptions and the form to add one."""
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                services.subscribe(actor=request.user, data=form.to_input())
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("Subscribed."))
                return redirect("dissemination:list")
    else:
        language = (get_language() or "en")[:2]
        form = SubscriptionForm(
            initial={"language": language if language in Language.values else Language.EN}
        )
    context = {
        "subscriptions": selectors.subscriptions_of(request.user),
        "form": form,
        "has_email": bool(request.user.email),
    }
    return render(request, "dissemination/subscriptions.html", context)


@login_required
def subscription_edit(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, subscription_id)
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                services.update_subscription(
                    subscription=subscription, actor=request.user, data=form.to_input()
                )
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("Subscription changed."))
                return redirect("dissemination:list")
    else:
        form = SubscriptionForm(initial=SubscriptionForm.initial_from(subscription))
    return render(
        request,
        "dissemination/subscription_edit.html",
        {"form": form, "subscription": subscription},
    )


@login_required
@require_POST
def subscription_delete(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, subscription_id)
    services.unsubscribe(subscription=subscription, actor=request.user)
    messages.success(request, _("Unsubscribed."))
    return redirect("dissemination:list")
