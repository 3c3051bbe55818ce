"""The assessments as they are drawn: the radar of a journey, of the participant's own
answers beside the social assessment, and of their answers on the tablet.

Presentation, kept out of the selectors (which read) and drawn by the core chart
(``core.charts.radar_svg``): the participant's page, the assessment page and the
right-of-access PDF show the same SVG.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from parcours.assessments.easy_read import WORDS
from parcours.assessments.enums import Moment
from parcours.assessments.progress import MOMENTS, DomainJourney, journey_and_durations
from parcours.assessments.selectors import (
    ASSESSMENT_NAMES,
    SelfAssessmentBeside,
    self_assessment_beside,
)
from parcours.core.charts import Series, radar_svg
from parcours.programme.models import Enrolment


def journey_chart(journey: list[DomainJourney]) -> str:
    """The radar of a journey: one series per moment that has at least one rating."""
    series = [
        Series(str(Moment(moment).label), [row.ratings[moment] for row in journey])
        for moment in MOMENTS
        if any(row.ratings[moment] is not None for row in journey)
    ]
    if not series:
        return ""
    return radar_svg(
        axes=[row.label for row in journey],
        series=series,
        title=_("Ratings per domain at each assessment"),
    )


def beside_chart(beside: SelfAssessmentBeside | None) -> str:
    """The social assessment's ratings and the participant's own answers at one moment:
    two series told apart by line and marker; "" without a self-assessment."""
    if beside is None:
        return ""
    return radar_svg(
        axes=[row.label for row in beside.rows],
        series=[
            Series(str(ASSESSMENT_NAMES[beside.moment]), [row.staff for row in beside.rows]),
            Series(_("Self-assessment"), [row.own for row in beside.rows]),
        ],
        title=_("The social assessment and the participant's own answers, per domain"),
    )


def own_answers_chart(answers: Mapping[str, int | None]) -> str:
    """The participant's star chart on the tablet: their answers (domain → rating, None
    when skipped), on the axes of the self-assessment's own words."""
    return radar_svg(
        axes=[str(words.title) for words in WORDS.values()],
        series=[Series(_("My answers"), [answers.get(domain) for domain in WORDS])],
        title=_("My answers"),
    )


def journey_context(enrolment: Enrolment, *, moment: str | None = None) -> dict[str, Any]:
    """What ``assessments/_journey.html`` takes, in two queries: ``{% include
    "assessments/_journey.html" with enrolment=… journey=… radar=… durations=…
    self_assessment=… self_radar=… %}``. The self-assessment beside the social one is
    that of ``moment``, or else of the latest moment that has one."""
    journey, durations = journey_and_durations(enrolment)
    beside = self_assessment_beside(enrolment, journey, moment=moment)
    return {
        "enrolment": enrolment,
        "journey": journey,
        "radar": journey_chart(journey),
        "durations": durations,
        "self_assessment": beside,
        "self_radar": beside_chart(beside),
    }
