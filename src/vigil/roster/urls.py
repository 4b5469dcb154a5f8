"""Roster pages, mounted under /roster/."""

from django.urls import path

from vigil.roster import views

app_name = "roster"

urlpatterns = [
    path("", views.roster_index, name="index"),
    path("members/<int:member_id>/", views.member_detail, name="member"),
    path("members/<int:member_id>/edit/", views.member_edit, name="edit"),
    path("members/<int:member_id>/deploy/", views.member_deploy, name="deploy"),
    path("members/<int:member_id>/unavailable/", views.member_unavailable, name="unavailable"),
    path("members/<int:member_id>/vetting/", views.member_vetting, name="vetting"),
    path("deployments/<int:deployment_id>/debrief/", views.deployment_debrief, name="debrief"),
    path("<slug:slug>/", views.roster_members, name="members"),
    path("<slug:slug>/members/new/", views.member_new, name="new"),
    path("<slug:slug>/match/", views.roster_match, name="match"),
    path("<slug:slug>/dashboard/", views.roster_dashboard, name="dashboard"),
    path("<slug:slug>/export.csv", views.roster_export, name="export"),
]
