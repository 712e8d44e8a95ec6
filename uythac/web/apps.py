from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "uythac.web"
    label = "web"
