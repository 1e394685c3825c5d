from django.apps import AppConfig


class ActionPlanConfig(AppConfig):
    name = "oversight.actionplan"
    verbose_name = "Action plan"
