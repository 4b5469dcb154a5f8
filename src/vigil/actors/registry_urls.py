"""Registry and accreditation pages, mounted under /actors/."""

from django.urls import path

from vigil.actors import views

app_name = "actors"

urlpatterns = [
    path("", views.registry_list, name="registry"),
    path("registry.csv", views.registry_export, name="registry-csv"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement-new"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement-document"),
    path("best-placed/", views.best_placed, name="best-placed"),
    path("accreditation/", views.accreditation_home, name="accreditation"),
    path("accreditation/reviews/", views.review_queue, name="review-queue"),
    path("accreditation/applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "accreditation/applications/<int:pk>/review/",
        views.application_review,
        name="application-review",
    ),
    path("accreditation/<str:code>/apply/", views.accreditation_apply, name="apply"),
    path("organisations/<slug:slug>/", views.registry_detail, name="organisation"),
    path("organisations/<slug:slug>/edit/", views.registry_edit, name="organisation-edit"),
]
