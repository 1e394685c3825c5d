from django.urls import path

from oversight.cases import views

urlpatterns = [path("cases/<int:child_id>/", views.case, name="case")]
