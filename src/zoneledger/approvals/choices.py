from django.db import models
from django.utils.translation import gettext_lazy as _


class Matter(models.TextChoices):
    """The approval matters before and after construction (DOMAIN.md §9); add a member to extend the list."""

    FILING = "filing", _("Filing / approval (备案/核准/审批)")
    LAND_PREVIEW = "land_preview", _("Land pre-review and site selection (用地预审与选址)")
    LAND_PLANNING = "land_planning", _("Land-use planning permit (建设用地规划许可)")
    WORKS_PLANNING = "works_planning", _("Works planning permit (建设工程规划许可)")
    ENVIRONMENT = "environment", _("Environmental assessment (环评批复)")
    ENERGY = "energy", _("Energy review (节能审查)")
    CONSTRUCTION = "construction", _("Construction permit (施工许可)")
    COMPLETION = "completion", _("Completion acceptance (竣工验收)")


# The platform's words for each matter, as its workbook writes them.
MATTER_WORDS: dict[str, str] = {
    "备案": Matter.FILING,
    "核准": Matter.FILING,
    "审批": Matter.FILING,
    "备案/核准/审批": Matter.FILING,
    "立项": Matter.FILING,
    "用地预审与选址": Matter.LAND_PREVIEW,
    "用地预审": Matter.LAND_PREVIEW,
    "建设用地规划许可": Matter.LAND_PLANNING,
    "建设工程规划许可": Matter.WORKS_PLANNING,
    "环评批复": Matter.ENVIRONMENT,
    "环评": Matter.ENVIRONMENT,
    "节能审查": Matter.ENERGY,
    "能评": Matter.ENERGY,
    "施工许可": Matter.CONSTRUCTION,
    "竣工验收": Matter.COMPLETION,
}


class ApprovalState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started (未办)")
    IN_PROGRESS = "in_progress", _("In progress (在办)")
    DONE = "done", _("Done (已办)")
    COMMITMENT = "commitment", _("On commitment, papers due (承诺制待补)")


STATE_WORDS: dict[str, str] = {
    "未办": ApprovalState.NOT_STARTED,
    "在办": ApprovalState.IN_PROGRESS,
    "已办": ApprovalState.DONE,
    "办结": ApprovalState.DONE,
    "承诺制待补": ApprovalState.COMMITMENT,
}
