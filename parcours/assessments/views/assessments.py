"""The social assessment of an enrolment at one moment: one page, filled in at the table.

Two people may have the page open at once. The form carries the version it was opened
with; if someone saved in between, nothing is written and the page comes back with the
other person's version beside the person's own input, which is kept.
"""

from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, requires
from parcours.accounts.http import OrganisationRequest
from parcours.assessments import services
from parcours.assessments.charts import journey_context
from parcours.assessments.enums import Moment, Rating
from parcours.assessments.forms import (
    NOT_CONCERNED,
    NOT_CONCERNED_LABEL,
    RATING_MEANINGS,
    AssessmentForm,
)
from parcours.assessments.models import Action, Assessment
from parcours.assessments.selectors import (
    ASSESSMENT_NAMES,
    due_date_of,
    enrolment_for,
    last_saved_by,
)
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.programme.models import Enrolment


def _assessments_of(enrolment: Enrolment) -> dict[str, Assessment]:
    """The enrolment's assessments by moment, with their ratings, in two queries."""
    assessments: dict[str, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(enrolment=enrolment)
        .select_related("author")
        .prefetch_related("ratings")
    ):
        assessment.enrolment = enrolment  # already read, with its group
        assessments[assessment.moment] = assessment
    return assessments


@requires(Capability.MANAGE_PARTICIPANTS)
def assessment_edit(request: OrganisationRequest, enrolment_pk: int, moment: str) -> HttpResponse:
    if moment not in Moment.values:
        raise Http404
    enrolment = enrolment_for(request, enrolment_pk)
    assessments = _assessments_of(enrolment)
    assessment = assessments.get(moment)
    actions = list(Action.objects.open().filter(enrolment=enrolment).order_by("due_date", "id"))

    if request.method != "POST":
        record_opened(obj=enrolment, by=request.user, purpose=AuditPurpose.CONSULTATION)
        initial = (
            AssessmentForm.initial_from(assessment)
            if assessment
            else {"date": timezone.localdate()}
        )
        form = AssessmentForm(initial=initial, actions=actions, assessment=assessment)
        return _page(request, enrolment, moment, form, assessments, actions)

    form = AssessmentForm(request.POST, actions=actions, assessment=assessment)
    if not form.is_valid():
        return _page(request, enrolment, moment, form, assessments, actions)
    version = form.cleaned_data["version"]
    try:
        with transaction.atomic():
            saved = services.assessment_save(
                enrolment=enrolment,
                moment=moment,
                date=form.cleaned_data["date"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                overall_note=form.cleaned_data["overall_note"].strip(),
                ratings=form.ratings(),
                by=request.user,
                version=version,
            )
            for action, status in form.reviews():
                services.action_review(
                    action=action, status=status, assessment=saved, by=request.user
                )
    except services.StaleAssessment as stale:
        return _conflict(request, enrolment, moment, form, stale.current, actions)
    except (IntegrityError, ValidationError):
        # Two people creating the same assessment at once: the second one finds it there.
        current = Assessment.objects.filter(enrolment=enrolment, moment=moment).first()
        if version is not None or current is None:
            raise
        return _conflict(request, enrolment, moment, form, current, actions)
    messages.success(
        request, _("%(assessment)s saved.") % {"assessment": ASSESSMENT_NAMES[Moment(moment)]}
    )
    if request.POST.get("then") == "add_action":
        url = reverse("assessments:action_create", kwargs={"enrolment_pk": enrolment.pk})
        return redirect(f"{url}?{urlencode({'moment': moment})}")
    return redirect("assessments:assessment_edit", enrolment_pk=enrolment.pk, moment=moment)


def _conflict(
    request: OrganisationRequest,
    enrolment: Enrolment,
    moment: str,
    form: AssessmentForm,
    current: Assessment,
    actions: list[Action],
) -> HttpResponse:
    """Someone else saved first: show their version beside the person's input, which is
    kept with the new version number so that a deliberate second save goes through."""
    data = request.POST.copy()  # the form's data
    data["version"] = str(current.version)
    for action in actions:  # read in this request: their status is the current one
        shown = data.get(f"shown_{action.pk}")
        if data.get(f"review_{action.pk}") in (None, "", shown):
            data[f"review_{action.pk}"] = action.status  # untouched: show it as it is now
        data[f"shown_{action.pk}"] = action.status
    form = AssessmentForm(data, actions=actions, assessment=current)
    form.is_valid()
    assessments = _assessments_of(enrolment)
    current = assessments[moment]
    return _page(request, enrolment, moment, form, assessments, actions, theirs=current, status=409)


def _rating_text(rating: int | None) -> str:
    if rating is None:
        return str(NOT_CONCERNED_LABEL)
    return f"{rating} · {RATING_MEANINGS[rating]}"


def _page(
    request: OrganisationRequest,
    enrolment: Enrolment,
    moment: str,
    form: AssessmentForm,
    assessments: dict[str, Assessment],
    actions: list[Action],
    *,
    theirs: Assessment | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    context = journey_context(enrolment, moment=moment)
    journey = {row.domain: row for row in context["journey"]}
    beside = context["self_assessment"]
    own = {row.domain: row.own for row in beside.rows} if beside else {}
    theirs_ratings = {row.domain: row for row in theirs.ratings.all()} if theirs else {}
    rows = []
    for row in form.rows():
        other = theirs_ratings.get(row["domain"])
        mine = row["rating"].value()
        differs = other is not None and (
            (NOT_CONCERNED if other.rating is None else str(other.rating)) != str(mine)
            or other.comment != (row["comment"].value() or "").strip()
        )
        rows.append(
            {
                **row,
                "earlier": [
                    (Moment(m).label, journey[row["domain"]].ratings[m])
                    for m in Moment.values
                    if m != moment
                    and m in assessments
                    and journey[row["domain"]].ratings[m] is not None
                ],
                "own": own.get(row["domain"]),
                "theirs": other,
                "theirs_text": _rating_text(other.rating) if other else "",
                "differs": differs,
            }
        )
    scale = [
        {"value": str(value), "number": value, "meaning": RATING_MEANINGS[value]}
        for value in Rating.values
    ]
    tabs = [
        {
            "moment": m,
            "label": Moment(m).label,
            "name": ASSESSMENT_NAMES[Moment(m)],
            "current": m == moment,
            "assessment": assessments.get(m),
            "due_date": due_date_of(enrolment, m),
        }
        for m in Moment.values
    ]
    assessment = assessments.get(moment)
    shown = theirs or assessment
    problems = []
    if assessment:
        with_action = {action.domain for action in actions}
        problems = [
            row
            for row in assessment.ratings.all()
            if row.rating is not None
            and row.rating <= Rating.FRAGILE
            and row.domain not in with_action
        ]
        problems.sort(key=attrgetter("rating"))  # rated: none is None
    return render(
        request,
        "assessments/assessment_form.html",
        {
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "moment": moment,
            "moment_label": Moment(moment).label,
            "assessment_name": ASSESSMENT_NAMES[Moment(moment)],
            "assessment": assessment,
            "form": form,
            "rows": rows,
            "scale": scale,
            "not_concerned": NOT_CONCERNED,
            "action_rows": [
                {**row, "overdue": row["action"].due_date < today} for row in form.action_rows()
            ],
            "problems": problems,
            "tabs": tabs,
            "theirs": theirs,
            "saved_by": last_saved_by(shown) if shown else None,
            "journey": context["journey"],
            "radar": context["radar"],
            "durations": context["durations"],
            "self_assessment": context["self_assessment"],
            "self_radar": context["self_radar"],
        },
        status=status,
    )
