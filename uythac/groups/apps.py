from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "uythac.groups"
    label = "groups"
