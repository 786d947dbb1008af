from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "zoneledger.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from zoneledger.projects.signals import project_codes_set

        from .services import match_on_codes_set

        # Items waiting for a code are linked when a project gets it, in the project service's transaction.
        project_codes_set.connect(match_on_codes_set, dispatch_uid="zoneledger.approvals.match_on_codes_set")
