# The problems' fixtures, for the weekly dispatch pack's tests.
from tests.problems.conftest import raise_problem, user, wenshui_project  # noqa: F401
