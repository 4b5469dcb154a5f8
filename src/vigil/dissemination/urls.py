"""Subscription pages, mounted under /subscriptions/."""

from django.urls import path

from vigil.dissemination import views

app_name = "dissemination"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("<int:subscription_id>/edit/", views.subscription_edit, name="edit"),
    path("<int:subscription_id>/delete/", views.subscription_delete, name="delete"),
]
