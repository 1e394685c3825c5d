from django.urls import path

from oversight.supervision import views

urlpatterns = [
    path("supervision/", views.supervisees, name="supervisees"),
    path("supervision/record/<int:worker_id>/", views.record, name="record-session"),
    path("supervision/sessions/<int:session_id>/", views.session, name="supervision-session"),
    path("supervision/sessions/<int:session_id>/change/", views.edit, name="change-session"),
    path("supervision/actions/<int:action_id>/done/", views.action_done, name="action-done"),
]
