"""The read-only supervision pages (history_views): files, the team's months, the audit."""

from django.urls import path

from oversight.supervision import history_views

urlpatterns = [
    path("my/supervision/", history_views.my_supervision, name="my-supervision"),
    path(
        "workers/<int:worker_id>/supervision/",
        history_views.worker_supervision,
        name="worker-supervision",
    ),
    path(
        "teams/<int:team_id>/supervision/",
        history_views.team_supervision,
        name="team-supervision",
    ),
    path(
        "teams/<int:team_id>/supervision/audit.csv",
        history_views.team_supervision_audit,
        name="team-supervision-audit",
    ),
]
