"""The problem's transition table (DOMAIN.md §9) and who may take each step, as pure functions.

    raised ─plan→ planned ─reply→ replied ─solve→ solved ─close→ closed (销号)
                                  reopened ─solve↗      └──reopen──┴→ reopened

- A reply, a solution and a reopening each need words: the plan given, what was done, why it is not done.
- Steps run in order: replying to a problem not yet planned, closing one not solved, are refused.
- Planning, replying and solving are for editors of the problem's zone (those of the zone itself, and of its city
  and province, whose scope covers it: the owner's level is among them). Closing and reopening are for the side
  that raised it (an editor of the raising org) or a reviewer of an org above that side.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import State, Step

TRANSITIONS: dict[str, dict[str, str]] = {
    Step.PLAN: {State.RAISED: State.PLANNED},
    Step.REPLY: {State.PLANNED: State.REPLIED},
    Step.SOLVE: {State.REPLIED: State.SOLVED, State.REOPENED: State.SOLVED},
    Step.CLOSE: {State.SOLVED: State.CLOSED},
    Step.REOPEN: {State.SOLVED: State.REOPENED, State.CLOSED: State.REOPENED},
}
ACTIONS: tuple[str, ...] = tuple(TRANSITIONS)  # the steps people take (raising and escalating are not actions)
NEEDS_NOTE = frozenset({Step.REPLY, Step.SOLVE, Step.REOPEN})
CONFIRMING = frozenset({Step.CLOSE, Step.REOPEN})  # the raising side's, or a reviewer's above it
# Org kinds from the bottom up: a reviewer "above" the raising side stands at a later position.
ORG_RANK = {"zone": 0, "city": 1, "province": 2, "nation": 3}


def next_state(state: str, step: str) -> str:
    """The state `step` leads to from `state`; ValidationError (on `step`) when it may not be taken now."""
    if step not in TRANSITIONS:
        raise ValidationError({"step": _("“%(value)s” is not a step of a problem.") % {"value": step}}, code="step")
    target = TRANSITIONS[step].get(state)
    if target is None:
        message = _("A problem that is “%(state)s” cannot be “%(step)s”.") % {
            "state": State(state).label,
            "step": Step(step).label,
        }
        raise ValidationError({"step": ValidationError(message, code="out_of_order")})
    return target


def check_note(step: str, note: str) -> str:
    """The note stripped; ValidationError (on `note`) when the step needs words and has none."""
    note = (note or "").strip()
    if step in NEEDS_NOTE and not note:
        messages = {
            Step.REPLY: _("Give the reply: the plan for solving the problem."),
            Step.SOLVE: _("Say how the problem was solved."),
            Step.REOPEN: _("Give the reason for reopening the problem."),
        }
        raise ValidationError({"note": ValidationError(messages[Step(step)], code="required")})
    return note


def steps_from(state: str) -> list[str]:
    """The actions that may be taken in `state`, in the table's order."""
    return [step for step in ACTIONS if state in TRANSITIONS[step]]


@dataclass(frozen=True)
class Actor:
    """What the rules need to know of who acts: their org's kind and id, and whether they edit and review."""

    org_id: int | None
    org_kind: str
    can_edit: bool
    can_review: bool
    writes_zone: bool  # the problem's zone lies in their scope and they edit there


def may_take(step: str, actor: Actor, *, raised_by_org_id: int | None, raised_by_org_kind: str) -> bool:
    """Whether `actor` may take `step` (the scope check is `writes_zone`; confirming also asks who raised it)."""
    if not actor.writes_zone:
        return False
    if step not in CONFIRMING:
        return actor.can_edit
    if actor.org_id is not None and actor.org_id == raised_by_org_id:
        return actor.can_edit
    return actor.can_review and ORG_RANK.get(actor.org_kind, -1) > ORG_RANK.get(raised_by_org_kind, 99)
