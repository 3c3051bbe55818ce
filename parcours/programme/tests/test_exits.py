"""The exit rule itself (programme/exits.py); its callers' words are tested with them."""

import datetime

import pytest

from parcours.programme.exits import ExitProblem, exit_problems

START = datetime.date(2026, 1, 5)
LATER = datetime.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("exit_date", "outcome", "detail", "problem"),
    [
        (datetime.date(2026, 1, 4), "dropout", "health", ExitProblem.EXIT_BEFORE_START),
        (LATER, "", "", ExitProblem.EXIT_WITHOUT_OUTCOME),
        (None, "dropout", "health", ExitProblem.OUTCOME_WITHOUT_EXIT),
        (None, "", "health", ExitProblem.DETAIL_WITHOUT_OUTCOME),
        (LATER, "dropout", "", ExitProblem.DETAIL_MISSING),
        (LATER, "dropout", "volunteering", ExitProblem.DETAIL_NOT_OF_OUTCOME),
        (LATER, "extension", "health", ExitProblem.DETAIL_NOT_OF_OUTCOME),
    ],
)
def test_a_wrong_exit_has_its_problem(exit_date, outcome, detail, problem):
    assert exit_problems(start_date=START, exit_date=exit_date, outcome=outcome, detail=detail) == [
        problem
    ]


@pytest.mark.parametrize(
    ("exit_date", "outcome", "detail"),
    [
        (LATER, "dropout", "health"),
        (LATER, "social_project", "volunteering"),
        (LATER, "extension", ""),
        (START, "professional_project", "job_search"),
        (None, "", ""),
    ],
)
def test_a_sound_exit_has_none(exit_date, outcome, detail):
    assert (
        exit_problems(start_date=START, exit_date=exit_date, outcome=outcome, detail=detail) == []
    )


def test_an_import_may_leave_the_detail_empty_but_not_wrong():
    assert (
        exit_problems(
            start_date=START, exit_date=LATER, outcome="dropout", detail="", imported=True
        )
        == []
    )
    assert (
        exit_problems(
            start_date=START, exit_date=LATER, outcome="dropout", detail="moving", imported=True
        )
        == []
    )
    assert exit_problems(
        start_date=START, exit_date=LATER, outcome="dropout", detail="employment", imported=True
    ) == [ExitProblem.DETAIL_NOT_OF_OUTCOME]


def test_without_an_outcome_only_the_dates_are_in_question():
    assert exit_problems(start_date=START, exit_date=LATER) == []
    assert exit_problems(start_date=START, exit_date=datetime.date(2026, 1, 1)) == [
        ExitProblem.EXIT_BEFORE_START
    ]
    assert ExitProblem.EXIT_BEFORE_START.field == "exit_date"
