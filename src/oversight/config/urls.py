from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("oversight.accounts.urls")),
    path("", include("oversight.people.urls")),
    path("", include("oversight.policy.urls")),
    path("", include("oversight.interchange.urls")),
    path("", include("oversight.supervision.urls")),
    path("", include("oversight.supervision.history_urls")),
    path("", include("oversight.actionplan.urls")),
    path("", include("oversight.allocation.urls")),
    path("", include("oversight.reports.urls")),
    path("", include("oversight.cases.urls")),
    path("", include("oversight.audit.urls")),
    path("", include("oversight.alerts.urls")),
    path("", include("oversight.api.urls")),
    path("django-admin/", admin.site.urls),
]
