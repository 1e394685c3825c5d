from django.urls import path

from oversight.actionplan import action_views, export_views, import_views, views

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("plan/mine/", views.mine, name="my-actions"),
    path("plan/inspections/<int:inspection_id>/", views.inspection, name="plan-inspection"),
    path(
        "plan/inspections/<int:inspection_id>/plan.xlsx",
        export_views.plan_xlsx,
        name="plan-xlsx",
    ),
    path("plan/inspections/<int:inspection_id>/plan.pdf", export_views.plan_pdf, name="plan-pdf"),
    path("plan/actions/<int:action_id>/", action_views.action_page, name="plan-action"),
    path(
        "plan/actions/<int:action_id>/updates/",
        action_views.add_update,
        name="plan-action-update",
    ),
    path("plan/actions/<int:action_id>/notes/", action_views.add_note, name="plan-action-note"),
    path(
        "plan/actions/<int:action_id>/measures/",
        action_views.link_measure,
        name="plan-action-measure",
    ),
    path(
        "plan/actions/<int:action_id>/measures/<int:link_id>/remove/",
        action_views.unlink_measure,
        name="plan-action-measure-remove",
    ),
    path(
        "plan/actions/<int:action_id>/checked/",
        action_views.mark_checked,
        name="plan-action-checked",
    ),
    path(
        "plan/evidence/<int:note_id>/document/",
        action_views.evidence_document,
        name="plan-evidence-document",
    ),
    path("plan/import/", import_views.upload, name="plan-import"),
    path("plan/import/save/", import_views.save, name="plan-import-save"),
]
