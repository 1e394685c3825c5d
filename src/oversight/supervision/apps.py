from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "oversight.supervision"
