"""Password rules beyond Django's: character classes (等保 practice; a setting, see docs/SECURITY.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (str.islower, str.isupper, str.isdigit, lambda char: not char.isalnum())


class CharacterClassesValidator:
    """At least ZONELEDGER_PASSWORD_MIN_CLASSES of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes=None):
        self.min_classes = min_classes

    @property
    def required(self):
        return self.min_classes if self.min_classes is not None else settings.ZONELEDGER_PASSWORD_MIN_CLASSES

    def validate(self, password, user=None):
        used = sum(any(test(char) for char in password) for test in CLASSES)
        if used < self.required:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(count)d of: lower-case letters, upper-case letters, digits, symbols."
        ) % {"count": self.required}
