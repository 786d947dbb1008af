"""Reads of the ledger that serve a user: each takes `user=` and starts from `visible_to(user)`.

Pages, commands, the export and (next) the API read projects through these, so they can never disagree about
what a user sees. A project out of the user's scope is `NotFound`, exactly like one that does not exist.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import get_language

from zoneledger.audit.models import AuditRecord
from zoneledger.audit.selectors import object_history
from zoneledger.core.errors import NotFound
from zoneledger.core.paging import IdsFirst

from .choices import Stage
from .filters import ProjectFilter
from .models import Project, StageEvent

if TYPE_CHECKING:
    from zoneledger.accounts.models import User

HISTORY_SIZE = 50


def project_filter(*, user: "User", data: QueryDict | dict | None = None) -> ProjectFilter:
    """The ledger's filter set bound to `data` (a query string) over the projects the user may see.

    Its `.qs` is the filtered, ordered list; its form is the filter form the page shows.
    """
    projects = Project.objects.visible_to(user).select_related("zone", "enterprise", "chain")
    return ProjectFilter(data, queryset=projects, user=user)


def ledger_answer_key(*, user: "User", asked: tuple) -> tuple:
    """What a ledger answer kept under the change stamp (`audit.stamp.cached`) depends on besides the stamp: the
    user's scope (their org, and whether they read business data at all), what they `asked` (the filters and the
    page) and the language of the labels. The ledger page and the API's ledger key their answers by it."""
    return (user.org_id, user.reads_business_data, *asked, get_language())


def project_list(*, user: "User", filters: QueryDict | dict | None = None) -> QuerySet[Project]:
    """The projects the user may see that match `filters` (the ledger's query string), in the ledger's order."""
    return project_filter(user=user, data=filters).qs


# A project as a list of the API shows it (`schemas.project_document`), as columns: each is a field of the project
# or a related row's (`zone__name`), read in the list's one query, or from a project already read (`project_values`).
PROJECT_COLUMNS = (
    *("id", "code", "name", "zone_id", "zone__name", "enterprise_id", "enterprise_name", "enterprise__uscc"),
    *("industry_code", "chain_id", "chain__name", "chain_link_id", "chain_link__name"),
    *("total_investment", "land_mu", "expected_output", "expected_tax", "actual_output"),
    *("construction_content", "leader_in_charge", "task_force", "key_level", "stage", "version"),
    *("created_at", "updated_at"),
)


def _as_values(ids: list[int]) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in Project.objects.filter(pk__in=ids).order_by().values(*PROJECT_COLUMNS)}


def _as_listed(ids: list[int]) -> dict[int, Project]:
    return {project.pk: project for project in Project.objects.filter(pk__in=ids).order_by().select_related(*LISTED)}


# What the ledger page shows of a project's related rows: its zone's name and its chain's.
LISTED = ("zone", "chain")


def project_rows(projects: QuerySet[Project]) -> IdsFirst[dict[str, Any]]:
    """`projects`, read through `project_filter` or `project_list` (so scoped and in the ledger's order), as plain
    PROJECT_COLUMNS values for the API's list (no model instances: a page of 100 as objects cost the API most of
    its time), each page read ids first (`core.paging.IdsFirst`: the database sorts narrow rows; sorting every
    project of a province, or the nation's started projects, with all their columns and joined rows took most of
    the query's time)."""
    return IdsFirst(projects, _as_values)


def project_page_rows(projects: QuerySet[Project]) -> IdsFirst[Project]:
    """`projects` (as for `project_rows`) for the ledger page: projects with their zone and chain, each page read
    ids first (`core.paging.IdsFirst`)."""
    return IdsFirst(projects, _as_listed)


def project_values(project: Project) -> dict[str, Any]:
    """One project already read (`project_get`) as the PROJECT_COLUMNS values `project_rows` gives a list."""
    return {column: _follow(project, column) for column in PROJECT_COLUMNS}


def _follow(obj: Any, column: str) -> Any:
    """The value `column` ("zone__name") names from `obj` on, None past a relation that is empty."""
    for name in column.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def project_get(*, user: "User", pk: int) -> Project:
    """The project `pk` if the user may see it; NotFound otherwise, the same as a project that does not exist."""
    project = (
        Project.objects.visible_to(user)
        .select_related("zone__city", "enterprise", "chain", "chain_link")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise NotFound
    return project


def project_events(*, user: "User", project: Project) -> QuerySet[StageEvent]:
    """The project's stage events, voided ones too, in the timeline's order."""
    return (
        StageEvent.objects.visible_to(user).filter(project=project).select_related("round", "recorded_by", "voided_by")
    )


def project_event_get(*, user: "User", project: Project, pk: int) -> StageEvent:
    """One stage event of the project; NotFound for any other."""
    event = StageEvent.objects.visible_to(user).filter(project=project, pk=pk).first()
    if event is None:
        raise NotFound
    return event


FOREIGN_KEYS = {field.name: field for field in Project._meta.concrete_fields if field.many_to_one}
NAMED_WITH = {"chain_link": ("chain",)}  # what a related object's str() reads
# A shared enterprise is shown by its USCC: its name is whoever first entered it, maybe another zone (issue 20, C2);
# the project's own name for it is `enterprise_name`, in the history beside it. Without a USCC the name is the key.
SHOWN_AS = {"enterprise": lambda enterprise: enterprise.uscc or enterprise.name}


@dataclass
class HistoryEntry:
    """One audit record of the project as the page shows it."""

    record: AuditRecord
    action: str
    stage: str = ""
    happened_on: str = ""
    subject: str = ""  # the part of the project concerned (a month's report), when not the project itself
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


def project_history(*, user: "User", project: Project, limit: int = HISTORY_SIZE) -> list[HistoryEntry]:
    """The project's change history, newest first, with foreign keys shown by name and choices by label.

    The caller read `project` through `project_get`: whoever sees the project sees its history.
    """
    records = list(object_history(user=user, obj=project)[:limit])
    names = _related_names(records)

    def shown(model: type[models.Model], name: str, value: Any) -> Any:
        if value is None:
            return ""
        if model is Project and name in FOREIGN_KEYS:
            return names.get((name, value), value)
        return _choice_label(model, name, value)

    entries = []
    for record in records:
        before, after = record.before or {}, record.after or {}
        entry = HistoryEntry(record=record, action=record.action_label)
        model = _model_of(record)
        if model is not Project:
            entry.subject = record.object_repr
        if record.action.startswith("stage."):
            event = after or before
            entry.stage = str(Stage(event["stage"]).label) if event.get("stage") in Stage.values else ""
            entry.happened_on = event.get("happened_on", "")
        else:
            entry.changes = [
                (_field_label(model, name), shown(model, name, before.get(name)), shown(model, name, after.get(name)))
                for name in sorted({*before, *after})
            ]
        entries.append(entry)
    return entries


def _related_names(records: list[AuditRecord]) -> dict[tuple[str, Any], str]:
    """{(field, pk): name} for the foreign keys the records mention, one query per related model."""
    wanted: defaultdict[str, set[Any]] = defaultdict(set)
    for record in records:
        for snapshot in (record.before or {}, record.after or {}):
            for name, value in snapshot.items():
                if name in FOREIGN_KEYS and value is not None:
                    wanted[name].add(value)
    names = {}
    for name, pks in wanted.items():
        related = cast(type[models.Model], FOREIGN_KEYS[name].related_model)._default_manager.all()
        if name in NAMED_WITH:
            related = related.select_related(*NAMED_WITH[name])
        label = SHOWN_AS.get(name, str)
        for pk, obj in related.in_bulk(pks).items():
            names[(name, pk)] = label(obj)
    return names


def _model_of(record: AuditRecord) -> type[models.Model]:
    """The model a record's object is an instance of (the project's for records without one)."""
    try:
        return apps.get_model(record.object_type) if record.object_type else Project
    except LookupError:
        return Project


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _choice_label(model: type[models.Model], name: str, value: Any) -> Any:
    """A choice's label (a status's words) for its stored value; other values (a list of photos…) as they are."""
    if not isinstance(value, str | int):
        return value
    try:
        choices = dict(getattr(model._meta.get_field(name), "flatchoices", None) or [])
    except FieldDoesNotExist:
        return value
    return choices.get(value, value)
