"""The Django admin for problems (staff only): a province's own categories and task forces are kept here, audited;
problems themselves are read-only, since every step goes through the services (the clock, history and audit)."""

from django.contrib import admin

from zoneledger.audit.admin import AuditedAdmin, ReadOnlyAdmin

from .models import Problem, ProblemCategory, TaskForce


@admin.register(ProblemCategory)
class ProblemCategoryAdmin(AuditedAdmin):
    list_display = ["name", "province"]
    list_filter = ["province"]


@admin.register(TaskForce)
class TaskForceAdmin(AuditedAdmin):
    list_display = ["name", "province", "lead"]
    list_filter = ["province"]
    # Members and projects are kept on the task force's own page (task_force_save), which checks them.
    raw_id_fields = ["lead"]


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["title", "zone", "project", "state", "tier", "solve_due"]
    list_filter = ["state", "tier", "level", "province"]
    search_fields = ["title"]
    list_select_related = ["zone", "project"]
