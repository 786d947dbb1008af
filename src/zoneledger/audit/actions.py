"""The one registry of audit actions: every record's `action` is a member of `Action`, shown by its label.

The values are what the table stores (and what older records already hold), so they never change;
the labels are what people read, in zh-Hans and English. `audit.record` refuses a value that is
not here, so a new kind of event starts with a line in this file.

To add one: a member `NOUN_VERB = "noun.verb", _("What happened")`, named after the thing it
concerns, then `scripts/messages` for its Chinese label. Keep members grouped by area; the
auditor's action filter lists them in this order.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """What an audit record says happened."""

    # The ledger
    PROJECT_CREATE = "project.create", _("Project added")
    PROJECT_UPDATE = "project.update", _("Facts changed")
    STAGE_RECORD = "stage.record", _("Stage recorded")
    STAGE_VOID = "stage.void", _("Event voided")
    PROGRESS_SUBMIT = "progress.submit", _("Monthly progress submitted")
    PROGRESS_REVIEW = "progress.review", _("Monthly progress reviewed")
    PROGRESS_DRAFT = "progress.draft", _("Monthly report saved as a draft")
    PROGRESS_APPROVE = "progress.approve", _("Monthly report approved")
    PROGRESS_RETURN = "progress.return", _("Monthly report returned")
    PROGRESS_PHOTO_ADD = "progress.photo_add", _("Photos added to a monthly report")
    PROGRESS_PHOTO_REMOVE = "progress.photo_remove", _("Photo removed from a monthly report")
    PLAN_SET = "plan.set", _("Annual investment plan set")
    ENTERPRISE_CREATE = "enterprise.create", _("Enterprise added")
    ROUND_CREATE = "round.create", _("Round added")
    ROUND_UPDATE = "round.update", _("Round changed")
    CHAIN_CREATE = "chain.create", _("Industry chain added")
    ZONE_CREATE = "zone.create", _("Development zone added")
    TARGET_SET = "target.set", _("Year target set")
    # Problems (13710), leaders in charge and task forces
    PROBLEM_RAISE = "problem.raise", _("Problem raised")
    PROBLEM_PLAN = "problem.plan", _("Problem planned")
    PROBLEM_REPLY = "problem.reply", _("Problem replied to")
    PROBLEM_SOLVE = "problem.solve", _("Problem solved")
    PROBLEM_CLOSE = "problem.close", _("Problem closed (销号)")
    PROBLEM_REOPEN = "problem.reopen", _("Problem reopened")
    PROBLEM_ESCALATE = "problem.escalate", _("Problem escalated")
    PROBLEM_ATTACHMENT_ADD = "problem.attachment_add", _("Photos added to a problem")
    PROBLEM_ATTACHMENT_REMOVE = "problem.attachment_remove", _("Photo removed from a problem")
    LEADER_SET = "leader.set", _("Leader in charge set")
    TASK_FORCE_CREATE = "task_force.create", _("Task force added")
    TASK_FORCE_UPDATE = "task_force.update", _("Task force changed")
    # The province's working days
    WORKDAY_SET = "workday.set", _("Working day corrected")
    WORKDAY_REMOVE = "workday.remove", _("Working-day correction removed")
    WORKDAY_YEAR_ENTER = "workday.year_enter", _("Year of working days entered by the province")
    WORKDAY_YEAR_WITHDRAW = "workday.year_withdraw", _("Year of working days no longer marked as entered")
    # Milestones (倒排工期) and approval items
    MILESTONE_PLAN = "milestone.plan", _("Milestones planned backwards from a target")
    MILESTONE_CREATE = "milestone.create", _("Milestone added")
    MILESTONE_UPDATE = "milestone.update", _("Milestone changed")
    MILESTONE_MOVE = "milestone.move", _("Milestone moved")
    MILESTONE_DONE = "milestone.done", _("Milestone done")
    MILESTONE_DROP = "milestone.drop", _("Milestone dropped")
    PLAN_TEMPLATE_SAVE = "plan_template.save", _("Plan template saved")
    APPROVAL_SAVE = "approval.save", _("Approval item saved")
    APPROVAL_MATCH = "approval.match", _("Approval items matched to a project")
    # Workbooks and downloads
    INGEST_IMPORT = "ingest.import", _("Workbook imported")
    APPROVALS_IMPORT = "approvals.import", _("Approval platform workbook imported")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Data downloaded")
    EXPORT_COMMAND = "export.command", _("Ledger exported at the command line")
    DEMO_LOAD = "demo.load", _("Demo ledger loaded")
    # The admin site
    ADMIN_ADD = "admin.add", _("Added in the admin site")
    ADMIN_CHANGE = "admin.change", _("Changed in the admin site")
    ADMIN_DELETE = "admin.delete", _("Deleted in the admin site")
    # Accounts
    ORG_UNIT_CREATE = "org_unit.create", _("Organisation added")
    USER_CREATE = "user.create", _("User created")
    USER_UPDATE = "user.update", _("User's permissions changed")
    USER_CONFIRM = "user.confirm", _("Account or role confirmed by the business administrator")
    PASSWORD_CHANGE = "password.change", _("Password changed")
    PASSWORD_RESET = "password.reset", _("Password reset")
    SECOND_FACTOR_ENROL = "second_factor.enrol", _("Second factor enrolled")
    SECOND_FACTOR_RESET = "second_factor.reset", _("Second factor removed")
    SESSION_END = "session.end", _("Session ended")
    LOCKOUT_RELEASE = "lockout.release", _("Lock-out released")
    API_TOKEN_CREATE = "api_token.create", _("API token created")
    API_TOKEN_REVOKE = "api_token.revoke", _("API token revoked")
    # Signing in and access
    LOGIN = "login", _("Logged in")
    LOGIN_SECOND_FACTOR = "login.second_factor", _("Second factor checked")
    LOGIN_FAILED = "login.failed", _("Log-in failed")
    LOGIN_LOCKOUT = "login.lockout", _("Account locked out")
    LOGOUT = "logout", _("Logged out")
    ACCESS_DENIED = "access.denied", _("Access refused")
    API_TOKEN_FAILED = "api_token.failed", _("API token refused")
    ACCESS_NOT_FOUND = "access.not_found", _("Page not found: out of scope or missing")
    ACCESS_PROBES_LIMITED = "access.probes_limited", _("Too many pages not found: held back")
    # The audit trail itself
    AUDIT_VERIFY = "audit.verify", _("Audit chain verified")

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored value; the value itself for one no longer in the registry."""
        try:
            return cls(value).label
        except ValueError:
            return value
