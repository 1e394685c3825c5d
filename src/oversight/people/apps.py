from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "oversight.people"
    verbose_name = "People and places"
