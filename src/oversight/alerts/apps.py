from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "oversight.alerts"
    verbose_name = "Email alerts and notifications"
