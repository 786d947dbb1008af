from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.scope import zone_filter
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import ProjectPart, ProjectPartQuerySet, province_column

from .choices import MilestoneKind
from .schedule import Step


class PlanTemplateQuerySet(models.QuerySet):
    def for_province(self, province_code: str | None) -> "PlanTemplateQuerySet":
        """The templates a province plans with: its own and the national ones (no province)."""
        if not province_code:
            return self.filter(province_code="")
        return self.filter(Q(province_code="") | Q(province_code=province_code))


class PlanTemplate(models.Model):
    """A plan template kept by a province (or, with no province, offered to all): ordered steps with working-day
    durations, from which a project's milestones are scheduled backwards (schedule.py)."""

    province_code = models.CharField(
        _("province"), max_length=6, blank=True, help_text=_("Empty: offered to every province.")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # [{"title", "working_days", "after_previous", "kind", "stage"}, …] in order (schedule.Step.as_json).
    steps = models.JSONField(_("steps"), default=list)

    objects = PlanTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["province_code", "name"]
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")
        constraints = [
            models.UniqueConstraint(fields=["province_code", "name"], name="plantemplate_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_province(self):
        return self.province_code or None

    def schedule_steps(self) -> list[Step]:
        return [Step.from_json(step) for step in self.steps]


class MilestoneQuerySet(ProjectPartQuerySet):
    def live(self) -> "MilestoneQuerySet":
        """Milestones not dropped: the ones that count for lights and warnings."""
        return self.filter(dropped=False)

    def open(self) -> "MilestoneQuerySet":
        return self.live().filter(done_on__isnull=True)


class Milestone(ProjectPart, models.Model):
    """A task node (任务节点) of a project, usually scheduled backwards from a deadline (倒排工期).

    Moving it keeps the old date in `MilestoneMove` with the reason; dropping keeps the row, marked dropped with a
    reason, so the project's history still reads. A stage target names the stage (`stage`) the project must reach
    by its planned date: a 开工 target past with no start turns the project red in 签约未开工.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="milestones"
    )
    province = province_column()
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=MilestoneKind.choices, default=MilestoneKind.CONSTRUCTION)
    stage = models.CharField(_("stage to reach"), max_length=15, choices=Stage.choices, blank=True)
    planned_on = models.DateField(_("planned date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    plan = models.CharField(_("plan"), max_length=100, blank=True, help_text=_("The template it was planned from."))
    dropped = models.BooleanField(_("dropped"), default=False)
    drop_reason = models.CharField(_("reason for dropping"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["project", "planned_on", "position", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(condition=Q(dropped=False) | ~Q(drop_reason=""), name="milestone_drop_has_reason"),
            models.CheckConstraint(
                condition=~Q(kind=MilestoneKind.STAGE_TARGET) | ~Q(stage=""), name="milestone_target_has_stage"
            ),
        ]
        indexes = [models.Index(fields=["dropped", "done_on", "planned_on"])]

    def __str__(self):
        return self.title


class MilestoneMove(models.Model):
    """A milestone's planned date moved, with the reason: the history the issue asks to keep."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="moves"
    )
    province = province_column()
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=500)
    moved_at = models.DateTimeField(_("moved at"), default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moved by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class MoveQuerySet(models.QuerySet):
        def visible_to(self, user):
            return self.filter(zone_filter(user, prefix="milestone__project__zone__", province="province_id"))

    objects = MoveQuerySet.as_manager()

    class Meta:
        ordering = ["moved_at", "id"]
        verbose_name = _("milestone move")
        verbose_name_plural = _("milestone moves")

    def __str__(self):
        return f"{self.milestone} {self.from_date} → {self.to_date}"

    def save(self, *args, **kwargs):
        if self.province_id is None:
            self.province_id = self.milestone.province_id  # the milestone's province, the row's shard
        super().save(*args, **kwargs)
