from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "oversight.reports"
