from datetime import datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
RAISED = datetime(2025, 9, 30, 16, 0, tzinfo=BEIJING)  # the day before 国庆
