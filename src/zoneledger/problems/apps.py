from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    """Problems (堵点) on the 13710 clock, leaders in charge and task forces (DOMAIN.md §9)."""

    name = "zoneledger.problems"
    label = "problems"
