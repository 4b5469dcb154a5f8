"""Sign in and sign out. Django's own views; django-axes counts failures and locks out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views


class SignInView(auth_views.LoginView):
    """The sign-in page; a signed-in visitor goes straight on to where they were heading."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "label_suffix": ""}


class SignOutView(auth_views.LogoutView):
    """Signs out on POST only (a link or a prefetch must not end a session), then home."""

    next_page = "web:events"
