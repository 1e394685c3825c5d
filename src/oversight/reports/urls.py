from django.urls import path

from oversight.reports import views

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/generate/", views.generate, name="reports-generate"),
    path("reports/<int:report_id>/download/", views.download, name="report-download"),
    path("reports/<int:report_id>/view/", views.view, name="report-view"),
]
