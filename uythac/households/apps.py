from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "uythac.households"
    label = "households"
