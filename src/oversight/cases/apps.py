from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "oversight.cases"
    verbose_name = "Children and case activity"
