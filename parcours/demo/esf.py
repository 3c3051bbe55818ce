"""What the demo records for the ESF+ common indicators: the labour-market situation and
the other answers on entering, and the qualification gained on leaving.

Each draw has its own random generator, seeded by the person or the enrolment, so that the
demo's other random draws (and the yearly figures the tests pin) stay as they were."""

import random

from parcours.participants.enums import Answer, LabourMarketStatus, UnemploymentDuration
from parcours.programme.enums import ExitOutcome, YesNo

STATUS_WEIGHTS = [
    (LabourMarketStatus.INACTIVE, 52),
    (LabourMarketStatus.UNEMPLOYED, 36),
    (LabourMarketStatus.EMPLOYED, 3),
    (LabourMarketStatus.SELF_EMPLOYED, 1),
    (LabourMarketStatus.REFUSED, 2),
    ("", 6),
]
DURATION_WEIGHTS = [
    (UnemploymentDuration.OVER_12_MONTHS, 8),
    (UnemploymentDuration.UP_TO_12_MONTHS, 1),
    (UnemploymentDuration.UP_TO_6_MONTHS, 1),
]


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _answer(rng, yes: float, refused: float = 0.05) -> str:
    draw = rng.random()
    if draw < yes:
        return Answer.YES
    if draw < yes + refused:
        return Answer.REFUSED
    return Answer.NO


def entry_answers(number: int, *, born_abroad: bool) -> dict:
    """The ESF+ fields of the demo's participant ``number``."""
    rng = random.Random(f"esf-entry-{number}")
    status = _weighted(rng, STATUS_WEIGHTS)
    return {
        "labour_market_status": status,
        "unemployment_duration": (
            _weighted(rng, DURATION_WEIGHTS) if status == LabourMarketStatus.UNEMPLOYED else ""
        ),
        "housing_exclusion": _answer(rng, 0.12),
        "rural_area": _answer(rng, 0.08, refused=0),
        "disability": _answer(rng, 0.15),
        "foreign_background": Answer.YES if born_abroad else _answer(rng, 0.2),
        "minority": _answer(rng, 0.06, refused=0.08),
    }


def qualification_gained(enrolment_pk: int, outcome: str) -> str:
    """Whether the person left with a certificate: some who completed the programme."""
    if outcome == ExitOutcome.DROPOUT:
        return YesNo.NO
    rng = random.Random(f"esf-exit-{enrolment_pk}")
    return YesNo.YES if rng.random() < 0.2 else YesNo.NO
