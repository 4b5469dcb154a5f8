"""Consultation pages, mounted under /consultations/."""

from django.urls import path

from vigil.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.body_list, name="bodies"),
    path("calendar/", views.calendar, name="calendar"),
    path("bodies/<slug:slug>/", views.body_detail, name="body"),
    path("bodies/<slug:slug>/meetings.ics", views.body_feed, name="body-feed"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="meeting-ics"),
    path("meetings/<int:meeting_id>/invite/", views.meeting_invite, name="meeting-invite"),
    path("meetings/<int:meeting_id>/statements/", views.statement_add, name="statement-add"),
    path("meetings/<int:meeting_id>/manage/<slug:action>/", views.meeting_manage, name="manage"),
    path("meetings/<int:meeting_id>/calls/new/", views.call_new, name="call-new"),
    path(
        "meetings/<int:meeting_id>/follow-up/<int:mandate_id>/",
        views.follow_up_report,
        name="follow-up",
    ),
    path("calls/<int:call_id>/", views.call_detail, name="call"),
    path("calls/<int:call_id>/submit/", views.submission_new, name="submit"),
    path("submissions/mine/", views.my_submissions, name="mine"),
    path("submissions/review/", views.review_queue, name="review"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission"),
    path("submissions/<int:submission_id>/file/", views.submission_file, name="submission-file"),
    path(
        "submissions/<int:submission_id>/decision/",
        views.submission_decide,
        name="submission-decide",
    ),
    path(
        "recommendations/<int:recommendation_id>/decision/",
        views.recommendation_decide,
        name="recommendation-decide",
    ),
    path("mandates/", views.mandate_list, name="mandates"),
    path("mandates/<int:mandate_id>/", views.mandate_detail, name="mandate"),
    path(
        "exports/recommendations.csv", views.recommendations_export, name="export-recommendations"
    ),
    path("exports/mandates.csv", views.mandates_export, name="export-mandates"),
]
