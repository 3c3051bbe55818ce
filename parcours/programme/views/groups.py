"""Groups (cohorts): the list, planning one, and the page of a group."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, get_object_for, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.accounts.models import User
from parcours.assessments.progress import group_domain_change
from parcours.audit.versions import StaleVersion
from parcours.core.forms import _is_possible_id
from parcours.core.widgets import search_results, search_term
from parcours.programme import services
from parcours.programme.enums import PROCESS_RHYTHMS, ExitOutcome, ProcessType
from parcours.programme.forms import (
    GroupForm,
    add_service_error,
    group_label,
    outcome_detail_label,
)
from parcours.programme.models import Enrolment, ExitFollowUp, Group
from parcours.programme.selectors import groups_named, groups_to_join, visible_groups

STAFF_IN_ORDER = Prefetch("staff", queryset=User.objects.order_by("last_name", "first_name"))


@requires(Capability.VIEW_PROGRAMME)
def group_list(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; the groups with their counts; their staff.
    today = timezone.localdate()
    groups = list(
        visible_groups(request.user)
        .annotate(
            members=Count("enrolments", filter=Q(enrolments__exit_date__isnull=True)),
            enrolled=Count("enrolments"),
        )
        .prefetch_related(STAFF_IN_ORDER)
        .order_by("start_date", "name")
    )
    for group in groups:
        group.over_capacity = group.members > group.capacity
    context = {
        "current": [g for g in groups if g.start_date <= today <= g.end_date],
        "upcoming": [g for g in groups if g.start_date > today],
        "past": [g for g in reversed(groups) if g.end_date < today],
        "can_manage": user_can(request.user, Capability.MANAGE_PROGRAMME),
    }
    return render(request, "programme/group_list.html", context)


@requires(Capability.MANAGE_PROGRAMME)
def group_create(request: OrganisationRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = GroupForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                organisation=organisation,
                by=request.user,
                staff=form.cleaned_data["staff"],
                **form.values(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The group %(name)s is planned.") % {"name": group})
            return redirect("programme:group_detail", pk=group.pk)
    return render(request, "programme/group_form.html", {"form": form, "group": None})


@requires(Capability.MANAGE_PROGRAMME)
def group_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    group = get_object_for(
        request, visible_groups(request.user), capability=Capability.MANAGE_PROGRAMME, pk=pk
    )
    title = str(group)  # the bound form writes the submitted name onto the group
    form = GroupForm(request.POST or None, instance=group, organisation=request.user.organisation)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(
                group=group, by=request.user, staff=form.cleaned_data["staff"], **form.values()
            )
        except ValidationError as error:
            add_service_error(form, error)
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(request, _("The group has been saved."))
            return redirect("programme:group_detail", pk=group.pk)
    return render(
        request,
        "programme/group_form.html",
        {"form": form, "group": group, "title": title},
        status=status,
    )


@dataclass(frozen=True)
class ChangeRow:
    """One domain of the "change per domain" table, with the widths of its bar."""

    label: str
    improved: int
    stable: int
    worse: int
    rated: int
    widths: tuple[int, ...]  # improved, stable, worse, in steps of 10 (%) adding up to 100


def tenths(counts: Sequence[int]) -> tuple[int, ...]:
    """Each count's share of the total in steps of 10%, adding up to 100 (largest
    remainders get the steps left over)."""
    total = sum(counts)
    if not total:
        return tuple(0 for _count in counts)
    exact = [count * 10 / total for count in counts]
    steps = [int(share) for share in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - steps[i], reverse=True)
    for index in by_remainder[: 10 - sum(steps)]:
        steps[index] += 1
    return tuple(step * 10 for step in steps)


def change_rows(group: Group) -> list[ChangeRow]:
    return [
        ChangeRow(
            label=change.label,
            improved=change.improved,
            stable=change.stable,
            worse=change.worse,
            rated=change.rated,
            widths=tenths((change.improved, change.stable, change.worse)),
        )
        for change in group_domain_change(group)
    ]


def _follow_up_of(enrolment: Enrolment) -> ExitFollowUp | None:
    try:
        return enrolment.follow_up
    except ExitFollowUp.DoesNotExist:
        return None


@requires(Capability.VIEW_PROGRAMME)
def group_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    # Queries: the session, the user; the group, its staff; its enrolments with the
    # participants (and, for casework, the follow-ups); the change per domain (casework).
    user = request.user
    casework = user_can(user, Capability.VIEW_SOCIAL_DATA)
    group = get_object_for(
        request,
        visible_groups(user).prefetch_related(STAFF_IN_ORDER),
        capability=Capability.VIEW_PROGRAMME,
        pk=pk,
    )
    enrolments = group.enrolments.select_related("participant").order_by(
        "participant__last_name", "participant__first_name", "pk"
    )
    if casework:
        enrolments = enrolments.select_related("follow_up")
    enrolments = list(enrolments)
    members = [enrolment for enrolment in enrolments if enrolment.exit_date is None]
    past = sorted(
        (enrolment for enrolment in enrolments if enrolment.exit_date is not None),
        key=lambda enrolment: enrolment.exit_date,
        reverse=True,
    )
    for enrolment in past:
        enrolment.detail_label = outcome_detail_label(enrolment.outcome_detail)
        enrolment.extended = enrolment.outcome == ExitOutcome.EXTENSION
        enrolment.follow_up_row = _follow_up_of(enrolment) if casework else None
    today = timezone.localdate()
    changes = change_rows(group) if casework else []
    context = {
        "group": group,
        "rhythm": PROCESS_RHYTHMS[ProcessType(group.process_type)].rhythm,
        "members": members,
        "past": past,
        "over_capacity": len(members) > group.capacity,
        "status": _status(group, today),
        "casework": casework,
        "can_manage": user_can(user, Capability.MANAGE_PROGRAMME),
        "open_for_enrolment": group.open_for_enrolment(today),
        "can_follow_up": user_can(user, Capability.MANAGE_PARTICIPANTS),
        "changes": changes,
        "any_change": any(row.rated for row in changes),
        "today": today,
    }
    return render(request, "programme/group_detail.html", context)


def _status(group: Group, today: datetime.date) -> str:
    if group.start_date > today:
        return "upcoming"
    if group.end_date < today:
        return "past"
    return "current"


@requires(Capability.VIEW_PROGRAMME)
def group_search(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; at most SEARCH_LIMIT + 1 groups.
    groups = visible_groups(request.user)
    # Narrowing asked by the field (ParticipantEnrolmentForm): the groups that person
    # can join today.
    to_enrol = request.GET.get("to_enrol", "")
    if _is_possible_id(to_enrol):
        groups = groups_to_join(groups, int(to_enrol), today=timezone.localdate())
    groups = groups_named(groups, search_term(request))
    return search_results(request, groups, label=group_label)
