from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "oversight.allocation"
    verbose_name = "Allocation"
