"""Field-report pages, mounted under /reports/."""

from django.urls import path

from vigil.fieldreports import views

app_name = "fieldreports"

urlpatterns = [
    path("new/", views.report_new, name="new"),
    path("mine/", views.my_reports, name="mine"),
    path("queue/", views.review_queue, name="queue"),
    path("areas/", views.admin1_options, name="admin1-options"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/decision/", views.report_decide, name="decide"),
    path("<int:report_id>/amend/", views.report_amend, name="amend"),
    path(
        "<int:report_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
