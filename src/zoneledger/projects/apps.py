from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zoneledger.projects"
    label = "projects"
