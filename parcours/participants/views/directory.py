"""Finding people: the participant list, with its search, filters, order and pages."""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from parcours.accounts.access import Capability, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.core.forms import _is_possible_id
from parcours.core.widgets import search_results, search_term
from parcours.participants.enums import ParticipantStatus
from parcours.participants.filters import DEFAULT_SORT, SORTS, ParticipantFilterForm, search
from parcours.participants.forms import participant_label
from parcours.participants.models import status_of
from parcours.participants.selectors import visible_participants
from parcours.programme.models import Enrolment

PER_PAGE = 25

STATUS_BADGES: dict[str, str] = {
    ParticipantStatus.ACTIVE: "badge--ok",
    ParticipantStatus.CANDIDATE: "badge--update",
    ParticipantStatus.EXITED: "",
}


@requires(Capability.VIEW_PARTICIPANTS)
def participant_list(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; the participant count, the page of participants
    # with their social worker, their enrolments with groups (their status, one
    # prefetch); the social workers offered by their filter (groups are searched for:
    # programme:group_search). A filter on a group or a social worker adds the lookup of
    # that one record.
    user = request.user
    casework = user_can(user, Capability.VIEW_SOCIAL_DATA)
    form = ParticipantFilterForm(request.GET, user=user)
    participants = visible_participants(user)
    if casework:
        participants = participants.select_related("social_worker")
    participants = form.apply(participants).prefetch_related(
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.select_related("group").order_by("group__name"),
            to_attr="listed_enrolments",
        )
    )
    page = Paginator(participants, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    today = timezone.localdate()
    for participant in page.object_list:
        participant.age = participant.age_on(today)
        participant.open_enrolments = [
            enrolment for enrolment in participant.listed_enrolments if enrolment.exit_date is None
        ]
        status = status_of(participant.listed_enrolments)
        participant.status_label = ParticipantStatus(status).label
        participant.status_badge = STATUS_BADGES[status]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "show_social_worker": casework,
        "can_add": user_can(user, Capability.MANAGE_PARTICIPANTS),
        "filtered": any(value for key, value in request.GET.items() if key not in {"page", "sort"}),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = (
        "participants/_participant_results.html"
        if partial
        else "participants/participant_list.html"
    )
    response = render(request, template, context)
    # The same address answers the partial or the whole page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@requires(Capability.VIEW_PARTICIPANTS)
def participant_search(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user (a leader: whether they belong to a partner); at
    # most SEARCH_LIMIT + 1 people.
    people = visible_participants(request.user).filter(anonymised_on__isnull=True)
    # Narrowing asked by the field (EnrolmentForm): the people not in that group yet.
    not_in_group = request.GET.get("not_in_group", "")
    if _is_possible_id(not_in_group):
        people = people.exclude(
            Exists(Enrolment.objects.filter(participant=OuterRef("pk"), group_id=not_in_group))
        )
    people = search(people, search_term(request)).order_by(*SORTS[DEFAULT_SORT])
    return search_results(request, people, label=participant_label)
