from django.urls import path

from oversight.allocation import held_views, views

urlpatterns = [
    path("allocation/teams/<int:team_id>/", views.meeting, name="allocation-meeting"),
    path("allocation/teams/<int:team_id>/board/", views.board, name="allocation-board"),
    path("allocation/cases/<int:child_id>/", views.case, name="allocation-case"),
    path(
        "allocation/cases/<int:child_id>/complexity/",
        views.complexity,
        name="allocation-complexity",
    ),
    path(
        "allocation/cases/<int:child_id>/reallocate/",
        held_views.reallocate,
        name="allocation-reallocate",
    ),
    path(
        "allocation/cases/<int:child_id>/co-worker/",
        held_views.co_worker,
        name="allocation-co-worker",
    ),
    path("allocation/cases/<int:child_id>/end/", held_views.end, name="allocation-end"),
    path("allocation/workers/<int:worker_id>/", views.worker, name="allocation-worker"),
]
