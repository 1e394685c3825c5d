from django.urls import path

from oversight.people import views

urlpatterns = [
    path("", views.home, name="home"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:team_id>/", views.team, name="team"),
    path("my/caseload/", views.caseload, name="my-caseload"),
    path("workers/<int:worker_id>/", views.worker_caseload, name="worker"),
]
