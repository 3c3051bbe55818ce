"""The search behind the report form's group field: the groups the form accepts."""

from django.http import HttpResponse

from parcours.accounts.access import Capability, requires
from parcours.accounts.http import OrganisationRequest
from parcours.core.widgets import search_results, search_term
from parcours.programme.forms import group_label
from parcours.programme.selectors import groups_named
from parcours.reporting.forms import report_groups


@requires(Capability.VIEW_FIGURES)
def group_search(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; at most SEARCH_LIMIT + 1 groups. Figures are
    # anonymous: every role reporting on the organisation may narrow to any of its groups.
    groups = report_groups(request.user.organisation_id)
    return search_results(request, groups_named(groups, search_term(request)), label=group_label)
