"""What the yearly figures count of the individual projects (docs/statistics.md §11):
one aggregate query each, over the enrolments the report keeps."""

from parcours.projects.models import Evaluation, Project


def project_counts(enrolments, *, first, last) -> dict:
    """``signed``: the projects of ``enrolments`` whose first version was signed from
    ``first`` to ``last`` (an amendment signed later is the same project, not counted
    again); ``evaluations_held``: the evaluations of their projects dated in that span."""
    return {
        "signed": Project.objects.filter(
            enrolment__in=enrolments,
            versions__number=1,
            versions__signed_on__gte=first,
            versions__signed_on__lte=last,
        ).count(),
        "evaluations_held": Evaluation.objects.filter(
            project__enrolment__in=enrolments, date__gte=first, date__lte=last
        ).count(),
    }
