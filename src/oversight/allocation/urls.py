from django.urls import path

from oversight.allocation import views

urlpatterns = [
    path("allocation/teams/<int:team_id>/", views.meeting, name="allocation-meeting"),
    path("allocation/teams/<int:team_id>/board/", views.board, name="allocation-board"),
    path("allocation/cases/<int:child_id>/", views.case, name="allocation-case"),
    path(
        "allocation/cases/<int:child_id>/complexity/",
        views.complexity,
        name="allocation-complexity",
    ),
    path("allocation/workers/<int:worker_id>/", views.worker, name="allocation-worker"),
]
