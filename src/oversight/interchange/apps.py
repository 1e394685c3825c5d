from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "oversight.interchange"
    verbose_name = "Imports and exports"
