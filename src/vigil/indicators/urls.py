"""Observation pages, mounted under /observations/."""

from django.urls import path

from vigil.indicators import views

app_name = "indicators"

urlpatterns = [
    path("new/", views.observation_new, name="new"),
    path("mine/", views.my_observations, name="mine"),
    path("queue/", views.review_queue, name="queue"),
    path("<int:observation_id>/", views.observation_detail, name="detail"),
    path("<int:observation_id>/decision/", views.observation_decide, name="decide"),
    path("<int:observation_id>/amend/", views.observation_amend, name="amend"),
]
