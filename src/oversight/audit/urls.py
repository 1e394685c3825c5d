from django.urls import path

from oversight.audit import views

urlpatterns = [
    path("audit/", views.audit_search, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("audit/verify/", views.audit_verify, name="audit-verify"),
]
