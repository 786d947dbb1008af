"""Problems on the 13710 clock, their history, a province's own categories, leaders in charge and task forces.

Every table holding zone data carries its province (DESIGN.md, scale path): `Problem.province` is its zone's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.scope import zone_filter
from zoneledger.core.attachments import Attachment
from zoneledger.core.text import validate_fits_a_cell
from zoneledger.projects.models import province_column

from .choices import OPEN_STATES, Category, Level, State, Step, Tier


class ProblemCategory(models.Model):
    """A category a province adds to the common ten (e.g. 环保督察); problems store its name."""

    province = models.ForeignKey("zones.Division", verbose_name=_("province"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        ordering = ["province", "name"]
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="problemcategory_unique_name")]

    def __str__(self):
        return self.name


def category_label(value: str) -> str:
    """A category's words: the common ten's label, or a province's own category's name as stored."""
    return str(Category(value).label) if value in Category.values else value


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Problems of the zones the user's org covers (an escalated problem stays in its zone's scope)."""
        return self.filter(zone_filter(user, prefix="zone__", province="province_id"))

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Problem(models.Model):
    """A problem (问题、堵点) holding back a project, or a whole zone, pushed through to 销号 on the 13710 clock.

    `state` moves only through `services.problem_act` (a conditional update); the deadlines are stored when the
    clock starts (raised, escalated, reopened), so that queues filter and colour problems in the database.
    """

    province = models.ForeignKey(
        "zones.Division", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    zone = models.ForeignKey("zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="problems")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
        help_text=_("Empty for a matter of the whole zone."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, validators=[validate_fits_a_cell])
    category = models.CharField(_("category"), max_length=40)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.ORDINARY)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    owner_org = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("responsible organisation"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RAISED, editable=False)
    tier = models.CharField(_("sits at"), max_length=10, choices=Tier.choices, default=Tier.ZONE, editable=False)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)
    plan_due = models.DateField(_("plan due"), editable=False)
    reply_due = models.DateField(_("first reply due"), editable=False)
    solve_due = models.DateField(_("solve due"), editable=False)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            models.CheckConstraint(condition=Q(plan_due__lte=models.F("reply_due")), name="problem_plan_before_reply"),
        ]
        indexes = [
            models.Index(fields=["province", "state", "solve_due"]),
            models.Index(fields=["zone", "state"]),
            models.Index(fields=["province", "tier", "state"]),
        ]

    def __str__(self):
        return self.title

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def audit_related(self):
        """A project's problem shows on the project's history; a zone-wide one is its own."""
        return self.project

    @property
    def audit_province(self):
        return self.province_id


class ProblemStep(models.Model):
    """One step of a problem's history: who did what, when, from which state to which, with their words."""

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="steps")
    province = province_column()
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    from_state = models.CharField(_("from"), max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=State.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    tier = models.CharField(_("sits at"), max_length=10, choices=Tier.choices)
    solve_due = models.DateField(_("solve due"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("problem step")
        verbose_name_plural = _("problem steps")

    def __str__(self):
        return f"{self.problem} · {self.get_step_display()}"

    def save(self, *args, **kwargs):
        if self.province_id is None:
            self.province_id = self.problem.province_id  # the problem's province, the row's shard
        super().save(*args, **kwargs)


class ProblemAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments of the problems the user may see."""
        return self.filter(zone_filter(user, prefix="problem__zone__", province="province_id"))


class ProblemAttachment(Attachment):
    """A photo of a problem (the site, a document photographed), under the rules of `core.attachments`."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="attachments"
    )
    province = province_column()

    objects = ProblemAttachmentQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = _("problem attachment")
        verbose_name_plural = _("problem attachments")
        indexes = [models.Index(fields=["problem", "added_at"])]

    @property
    def audit_related(self):
        return self.problem.audit_related

    @property
    def audit_province(self):
        return self.problem.province_id

    def save(self, *args, **kwargs):
        if self.province_id is None:
            self.province_id = self.problem.province_id
        super().save(*args, **kwargs)


class TaskForceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Task forces of the user's province (the nation's users see all), like rounds and chains."""
        from zoneledger.accounts.scope import province_filter

        return self.filter(province_filter(user, prefix=""))


class TaskForce(models.Model):
    """A task force (专班): a lead, members and the hard projects it pushes through; it meets weekly (周调度)."""

    province = models.ForeignKey(
        "zones.Division", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="+",
        through="TaskForceMember",
    )
    projects = models.ManyToManyField(
        "projects.Project",
        verbose_name=_("projects"),
        blank=True,
        related_name="task_forces",
        through="TaskForceProject",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = TaskForceQuerySet.as_manager()

    class Meta:
        ordering = ["province", "name"]
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="taskforce_unique_name")]

    def __str__(self):
        return self.name

    @property
    def audit_province(self):
        return self.province_id


class TaskForceMember(models.Model):
    """A member of a task force; the row carries the task force's province (docs/SCALING.md)."""

    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    province = province_column()

    class Meta:
        db_table = "problems_taskforce_members"
        constraints = [
            models.UniqueConstraint(fields=["taskforce", "user", "province"], name="taskforce_member_once"),
        ]

    def __str__(self):
        return f"{self.taskforce_id} · {self.user_id}"


class TaskForceProject(models.Model):
    """A project a task force pushes; the row carries the task force's province, which is the project's."""

    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE)
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE)
    province = province_column()

    class Meta:
        db_table = "problems_taskforce_projects"
        constraints = [
            models.UniqueConstraint(fields=["taskforce", "project", "province"], name="taskforce_project_once"),
        ]

    def __str__(self):
        return f"{self.taskforce_id} · {self.project_id}"


class ProjectLeaderQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(zone_filter(user, prefix="project__zone__", province="province_id"))


class ProjectLeader(models.Model):
    """The leader in charge (包联领导) of a project: a user, one per project.

    The project's own `leader_in_charge` text stays what was imported; this is the user who answers for it.
    """

    project = models.OneToOneField(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="leader"
    )
    province = models.ForeignKey(
        "zones.Division", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader in charge"), on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateTimeField(_("since"), default=timezone.now)

    objects = ProjectLeaderQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader in charge")
        verbose_name_plural = _("leaders in charge")

    def __str__(self):
        return f"{self.project} · {self.user}"

    @property
    def audit_related(self):
        return self.project

    @property
    def audit_province(self):
        return self.province_id
