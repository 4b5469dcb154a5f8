"""Alert pages, mounted under /alerts/."""

from django.urls import path

from vigil.alerts import views
from vigil.alerts.feeds import PrivateRegionAlertsFeed, RegionAlertsFeed

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_new, name="new"),
    path("import/", views.alert_import, name="import"),
    path("feed/<str:region>.atom", RegionAlertsFeed(), name="feed"),
    path("feed/<str:region>/<str:key>.atom", PrivateRegionAlertsFeed(), name="private-feed"),
    path("feeds/", views.my_feeds, name="feeds"),
    path("<int:alert_id>/", views.alert_detail, name="detail"),
    path("<int:alert_id>.cap.xml", views.alert_cap, name="cap"),
    path("<int:alert_id>/edit/", views.alert_edit, name="edit"),
    path("<int:alert_id>/issue/", views.alert_issue, name="issue"),
    path("<int:alert_id>/cancel/", views.alert_cancel, name="cancel"),
]
