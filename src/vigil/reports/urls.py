"""Product pages, mounted under /products/."""

from django.urls import path

from vigil.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("briefs/new/", views.brief_new, name="brief-new"),
    path("synopsis/<str:region>/today/", views.synopsis_today, name="synopsis-today"),
    path("<int:product_id>/", views.product_detail, name="detail"),
    path("<int:product_id>/brief/", views.brief_edit, name="brief-edit"),
    path("<int:product_id>/product.md", views.product_markdown, name="markdown"),
    path("<int:product_id>/product.pdf", views.product_pdf, name="pdf"),
    path("<int:product_id>/charts/<str:chart>.png", views.product_chart, name="chart"),
    path("<int:product_id>/figures/<str:key>/", views.figure_events, name="figure"),
    path("<int:product_id>/<str:action>/", views.product_transition, name="transition"),
]
