"""How long the team's individual work usually takes, in minutes: the demo and the
synthetic programme draw their assessments' and literacy tests' durations from these,
the demo its regular interviews."""

from parcours.assessments.enums import Moment

ASSESSMENT_MINUTES = {
    Moment.ENTRY: [60, 75, 75, 90, 90],
    Moment.MIDDLE: [45, 60, 60, 75],
    Moment.END: [60, 60, 75, 90],
}
LITERACY_TEST_MINUTES = [40, 45, 45, 50, 60]
REGULAR_INTERVIEW_MINUTES = [45, 45, 60, 60, 75]
