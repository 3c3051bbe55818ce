from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from parcours.accounts.access import Capability, public, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.assessments.selectors import due_assessments, overdue_actions
from parcours.attendance.selectors import leader_day, missed_in_a_row, registers_not_taken
from parcours.core.shortlists import shortlist
from parcours.dashboard.accessibility import statement
from parcours.dashboard.overview import programme_overview
from parcours.programme.selectors import follow_ups_due
from parcours.projects.selectors import due_evaluations


@requires(Capability.VIEW_DASHBOARD)
def home(request: OrganisationRequest) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    casework = user_can(user, Capability.MANAGE_PARTICIPANTS)
    context = {
        "overview": programme_overview(user.organisation, today=today),
        "can_manage_participants": casework,
    }
    if casework:
        # What needs doing soon: each social worker sees their own people, the
        # coordinator everyone.
        context |= {
            "due_assessments": shortlist(due_assessments(user, today=today)),
            "overdue_actions": shortlist(overdue_actions(user, today=today)),
            # Found in order by their due date's index; thousands are counted.
            "follow_ups": shortlist(follow_ups_due(user, today=today), count_apart=True),
            "due_evaluations": shortlist(due_evaluations(user, today=today)),
        }
    context["programme_staff"] = user_can(user, Capability.VIEW_PROGRAMME)
    if context["programme_staff"]:
        # Early signs of dropout, and registers nobody took.
        context |= {
            "missed_runs": shortlist(missed_in_a_row(user, today=today)),
            "can_take_attendance": user_can(user, Capability.TAKE_ATTENDANCE),
        }
        if context["can_take_attendance"] and not casework:
            # A workshop leader's dashboard opens on their day and their open registers.
            context["leader_day"] = leader_day(user, today=today)
        else:
            context["untaken_registers"] = shortlist(
                registers_not_taken(user, today=today), length=10
            )
    # Whoever reads the figures without working in the programme finds the reports here.
    context["reports_card"] = not context["programme_staff"] and user_can(
        user, Capability.VIEW_FIGURES
    )
    return render(request, "dashboard/home.html", context)


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, open to everyone, signed in or not."""
    return render(request, "dashboard/accessibility.html", statement())
