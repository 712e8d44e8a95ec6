from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "uythac.network"
    label = "network"
