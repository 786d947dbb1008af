from django.apps import AppConfig
from django.utils.translation import gettext_noop

# Django's own strings that its zh-Hans catalogue lacks (new in 6.1), listed so that ours translates them:
# the blank choice of every select on a model field that may be left empty.
DJANGO_STRINGS_OUR_CATALOGUE_TRANSLATES = (gettext_noop("- Select an option -"),)


class CoreConfig(AppConfig):
    name = "zoneledger.core"
    label = "core"

    def ready(self):
        from . import middleware  # noqa: F401 - connects the receiver that marks requests met by a busy database
