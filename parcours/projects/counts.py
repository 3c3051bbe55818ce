"""What the yearly figures count of the individual projects (docs/statistics.md §22), in
one aggregate query over the enrolments the report keeps."""

from django.db.models import Count, Q

from parcours.projects.models import Project


def project_counts(enrolments, *, first, last) -> dict:
    """``signed``: the projects of ``enrolments`` whose first version was signed from
    ``first`` to ``last`` (an amendment signed later is the same project, not counted
    again); ``evaluations_held``: the evaluations of their projects dated in that span.
    Both counts are distinct: the join of versions and evaluations repeats rows."""
    return Project.objects.filter(enrolment__in=enrolments).aggregate(
        signed=Count(
            "pk",
            distinct=True,
            filter=Q(
                versions__number=1,
                versions__signed_on__gte=first,
                versions__signed_on__lte=last,
            ),
        ),
        evaluations_held=Count(
            "evaluations",
            distinct=True,
            filter=Q(evaluations__date__gte=first, evaluations__date__lte=last),
        ),
    )
