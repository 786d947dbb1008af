"""Password rules beyond Django's: character classes (等保 practice; a setting, see docs/SECURITY.md) and history."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
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


class PasswordHistoryValidator:
    """Not one of the user's last ZONELEDGER_PASSWORD_HISTORY passwords (the current one included)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, old) for old in self._recent(user)):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        """Django calls this after saving a new password: remember its hash and forget the oldest ones."""
        from .models import PasswordHistory

        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            settings.ZONELEDGER_PASSWORD_HISTORY :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("Your password can't be one of your last %(count)d passwords.") % {
            "count": settings.ZONELEDGER_PASSWORD_HISTORY
        }

    @staticmethod
    def _recent(user):
        from .models import PasswordHistory

        return PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
            : settings.ZONELEDGER_PASSWORD_HISTORY
        ]


def password_expired(user):
    """Whether the user must choose a new password: set by someone else, or older than the maximum age."""
    if user.must_change_password:
        return True
    max_age = settings.ZONELEDGER_PASSWORD_MAX_AGE_DAYS
    return max_age > 0 and timezone.now() - user.password_changed_at > timedelta(days=max_age)
