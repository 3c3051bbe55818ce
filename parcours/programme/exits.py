"""When an enrolment's exit holds together: the one rule behind the exit form, the exit
service and the workbook import (each says it in its own words, at its own boundary).

An exit has a date, not before the enrolment's start, and an outcome; an outcome with
details (a dropout's reason, a project's kind) takes one of its own, an outcome without
takes none.

The allowance for imports: a workbook's rows written before the details were kept may
leave an outcome's detail empty (``imported=True``); a detail they give is checked as
any other.
"""

import datetime
import enum

from parcours.programme.enums import OUTCOME_DETAILS, ExitOutcome


class ExitProblem(enum.Enum):
    """What is wrong with an exit; ``field`` is the field to report it on."""

    EXIT_BEFORE_START = ("exit_before_start", "exit_date")
    EXIT_WITHOUT_OUTCOME = ("exit_without_outcome", "outcome")
    OUTCOME_WITHOUT_EXIT = ("outcome_without_exit", "exit_date")
    DETAIL_WITHOUT_OUTCOME = ("detail_without_outcome", "outcome_detail")
    DETAIL_MISSING = ("detail_missing", "outcome_detail")
    DETAIL_NOT_OF_OUTCOME = ("detail_not_of_outcome", "outcome_detail")

    def __init__(self, code: str, field: str):
        self.code = code
        self.field = field


def exit_problems(
    *,
    start_date: datetime.date,
    exit_date: datetime.date | None,
    outcome: str | None = None,
    detail: str = "",
    imported: bool = False,
) -> list[ExitProblem]:
    """The problems of an exit, the dates' first. ``outcome=None``: only the dates are in
    question (an extension, or a form's date field checked on its own)."""
    if exit_date and exit_date < start_date:
        return [ExitProblem.EXIT_BEFORE_START]
    if outcome is None:
        return []
    if exit_date and not outcome:
        return [ExitProblem.EXIT_WITHOUT_OUTCOME]
    if outcome and not exit_date:
        return [ExitProblem.OUTCOME_WITHOUT_EXIT]
    if not outcome:
        return [ExitProblem.DETAIL_WITHOUT_OUTCOME] if detail else []
    details = OUTCOME_DETAILS[ExitOutcome(outcome)]
    if not detail:
        return [] if details is None or imported else [ExitProblem.DETAIL_MISSING]
    if details is None or detail not in details.values:
        return [ExitProblem.DETAIL_NOT_OF_OUTCOME]
    return []
