from django.urls import path

from oversight.interchange import views

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:run_id>/", views.import_run, name="import-run"),
    path("imports/<int:run_id>/status.json", views.import_status, name="import-status"),
    path("imports/templates/<slug:name>.csv", views.csv_template, name="csv-template"),
    path("exports/annex-a/", views.export_annex_a, name="export-annex-a"),
]
