from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import scope
from .choices import ADMINISTRATOR_ROLES, BUSINESS_RANK, OrgKind, Role


class OrgUnit(models.Model):
    """An organisation that holds a scope: the ministry (the nation), a province's commerce department, a city's
    commerce bureau, or a zone's administration."""

    kind = models.CharField(_("kind"), max_length=10, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    division = models.ForeignKey(
        "zones.Division", verbose_name=_("division"), null=True, blank=True, on_delete=models.PROTECT
    )
    zone = models.OneToOneField(
        "zones.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="org",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=OrgKind.NATION, zone__isnull=True, division__isnull=True)
                    | Q(kind=OrgKind.PROVINCE, zone__isnull=True, division__isnull=False)
                    | Q(kind=OrgKind.CITY, zone__isnull=True, division__isnull=False)
                    | Q(kind=OrgKind.ZONE, zone__isnull=False)
                ),
                name="orgunit_kind_matches_anchor",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_province(self):
        """The province whose audit chain holds what this org's people do (audit's protocol)."""
        return scope.org_province(self) or ""


class User(AbstractUser):
    """A person with one role in one org unit. There are no shared accounts."""

    org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    # Set when someone else chose the password (a new account, a reset): only its owner should know it.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # A password the system generated for the owner (a new account, a reset) opens the account once, within a day.
    initial_password_expires_at = models.DateTimeField(_("initial password valid until"), null=True, blank=True)
    # 三员分立: an account made, or a role raised, by the system administrator waits for a business administrator
    # of its scope to confirm it. Unconfirmed, the account cannot log in; a raised role waits in `pending_role`.
    confirmed = models.BooleanField(_("confirmed by a business administrator"), default=True)
    pending_role = models.CharField(_("role awaiting confirmation"), max_length=10, choices=Role.choices, blank=True)
    # The generated password, on the one instance that made it, to be shown once; never stored in clear.
    initial_password: str | None = None

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def audit_province(self):
        """The province of the user's organisation: where records of what the user does, or of the user, go."""
        return self.org.audit_province if self.org_id else None

    def zone_filter(self, *, prefix):
        """The scope door's filter of what this user reads (`Zone.objects.visible_to` asks the user: zones sit
        below accounts)."""
        return scope.zone_filter(self, prefix=prefix)

    @property
    def audit_scope(self):
        """The chain of audit records the user's scope reads: their org's province, or None for every chain (the
        nation). Records carry their province, not their zone, so a city's or zone's auditor reads the province's."""
        return scope.org_province(self.org) if self.org_id else ""

    @property
    def is_administrator(self):
        """One of the three administrator roles (三员), or a superuser: they keep the system, never business data."""
        return self.role in ADMINISTRATOR_ROLES or self.is_superuser

    @property
    def business_rank(self):
        return BUSINESS_RANK.get(self.role, 0)

    @property
    def reads_business_data(self):
        """Business roles and the auditor read the ledger of their scope; the two administrators do not."""
        return self.is_active and self.org_id is not None and (self.business_rank > 0 or self.role == Role.AUDITOR)

    @property
    def reads_audit_trail(self):
        """Only the auditor reads the audit trail (三员分立); audit asks the user, so it needs no roles of its own."""
        return self.is_active and self.role == Role.AUDITOR

    @property
    def can_edit(self):
        return self.is_active and self.business_rank >= BUSINESS_RANK[Role.EDITOR]

    @property
    def can_review(self):
        return self.is_active and self.business_rank >= BUSINESS_RANK[Role.REVIEWER]

    @property
    def can_administer(self):
        return self.is_active and self.business_rank >= BUSINESS_RANK[Role.ADMIN]


class PasswordHistory(models.Model):
    """A hash of a password the user has had, so that a new password can't be an old one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")

    def __str__(self):
        return f"{self.user} {self.set_at:%Y-%m-%d}"


class LoginSession(models.Model):
    """One signed-in session of a user, so the security administrator can see and end it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    source_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Tokens neither revoked nor expired (their user may still be disabled: `accounts.tokens` checks that)."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A personal API token: it acts as its user, with their scope and role, never more (read-only: less).

    Only a hash of the secret is kept (`digest`, SHA-256: the secret is 32 random bytes, so a slow hash adds
    nothing); `prefix`, the secret's first characters, finds the row and names the token in lists and the audit
    trail. The secret itself is shown once, when the token is made (`accounts.tokens.token_create`).
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("read-only"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def audit_province(self):
        return self.user.audit_province
