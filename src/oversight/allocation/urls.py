from django.urls import path

from oversight.allocation import views

urlpatterns = [
    path("allocation/teams/<int:team_id>/", views.meeting, name="allocation-meeting"),
    path("allocation/cases/<int:child_id>/", views.case, name="allocation-case"),
]
