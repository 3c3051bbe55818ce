"""The European Social Fund's common indicators (ESF+, Regulation (EU) 2021/1057, Annex I),
per organisation, period and optionally one grant (docs/statistics.md, "ESF+ common
indicators").

Outputs count the participants who *entered* in the period: their first enrolment of the
programme (of the grant's charged groups, when narrowed to a grant) starts in it, and their
age is taken on that date. Results count the participants who *left* in the period (an exit
other than an extension into another group); the longer-term ones those of them whose
follow-up six months after the exit is recorded. Each indicator is broken down by gender.

Everything is computed by database aggregates: one query for the outputs, one for the
results. The querysets and conditions are public: the drill-down (``esf_people``) and the
participant-level file (``esf_files``, with the report's XLSX and PDF) use the very same
ones, so their rows always match the counts.
"""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy

from parcours.funding.scope import Scope
from parcours.participants.enums import (
    ISCED_LEVELS,
    Answer,
    Gender,
    LabourMarketStatus,
    UnemploymentDuration,
)
from parcours.participants.models import Participant
from parcours.programme.enums import (
    ExitOutcome,
    FollowUpSituation,
    ProfessionalProject,
    SocialProject,
    YesNo,
)
from parcours.programme.models import Enrolment
from parcours.reporting.figures import WHOLE_PROGRAMME, Period, eu_members, exits_of

GENDER_CODES = {"women": Gender.FEMALE, "men": Gender.MALE, "non_binary": Gender.OTHER}
BREAKDOWN = ("total", *GENDER_CODES)
BREAKDOWN_LABELS = {
    "total": gettext_lazy("Total"),
    "women": gettext_lazy("Women"),
    "men": gettext_lazy("Men"),
    "non_binary": gettext_lazy("Non-binary"),
}

# The annex's levels of education, read from the programme's one ISCED table
# (participants.enums.ISCED_LEVELS): a level counts in a group when its whole ISCED range
# lies within the group's.
EDUCATION_GROUPS = {"EECO09": (0, 2), "EECO10": (3, 4), "EECO11": (5, 8)}


def education_levels(code: str) -> list[str]:
    low, high = EDUCATION_GROUPS[code]
    return [
        level.value
        for level, (first, last) in ISCED_LEVELS.items()
        if low <= first and last <= high
    ]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    result: bool = False


INDICATORS = [
    Indicator("EECO01", gettext_lazy("Total number of participants")),
    Indicator("EECO02", gettext_lazy("Unemployed, including long-term unemployed")),
    Indicator("EECO03", gettext_lazy("Long-term unemployed")),
    Indicator("EECO04", gettext_lazy("Inactive")),
    Indicator("EECO05", gettext_lazy("Employed, including self-employed")),
    Indicator("EECO06", gettext_lazy("Children below 18 years of age")),
    Indicator("EECO07", gettext_lazy("Young people between 18 and 29 years of age")),
    Indicator("EECO08", gettext_lazy("Participants of 55 years of age and above")),
    Indicator("EECO09", gettext_lazy("With lower secondary education or less (ISCED 0-2)")),
    Indicator(
        "EECO10",
        gettext_lazy("With upper secondary (ISCED 3) or post-secondary education (ISCED 4)"),
    ),
    Indicator("EECO11", gettext_lazy("With tertiary education (ISCED 5 to 8)")),
    Indicator("EECO12", gettext_lazy("Participants with disabilities")),
    Indicator("EECO13", gettext_lazy("Third-country nationals")),
    Indicator("EECO14", gettext_lazy("Participants with a foreign background")),
    Indicator(
        "EECO15", gettext_lazy("Minorities (including marginalised communities such as Roma)")
    ),
    Indicator("EECO16", gettext_lazy("Homeless or affected by housing exclusion")),
    Indicator("EECO17", gettext_lazy("Participants from rural areas")),
    Indicator("EECR01", gettext_lazy("Participants engaged in job searching upon leaving"), True),
    Indicator("EECR02", gettext_lazy("Participants in education or training upon leaving"), True),
    Indicator("EECR03", gettext_lazy("Participants gaining a qualification upon leaving"), True),
    Indicator(
        "EECR04",
        gettext_lazy("Participants in employment, including self-employment, upon leaving"),
        True,
    ),
    Indicator(
        "EECR05",
        gettext_lazy(
            "Participants in employment, including self-employment, six months after leaving"
        ),
        True,
    ),
    Indicator(
        "EECR06",
        gettext_lazy("Participants with a better labour market situation six months after leaving"),
        True,
    ),
]
INDICATOR_CODES = [indicator.code for indicator in INDICATORS]
OUTPUT_CODES = [i.code for i in INDICATORS if not i.result]
RESULT_CODES = [i.code for i in INDICATORS if i.result]
LABELS = {indicator.code: indicator.label for indicator in INDICATORS}
LABELS_RESULT = {indicator.code: indicator.result for indicator in INDICATORS}

# Disability, foreign background and minority: special categories of data (GDPR art. 9),
# only for casework roles, even counted.
SPECIAL_CATEGORY_CODES = {"EECO12", "EECO14", "EECO15"}
EMPLOYED = [LabourMarketStatus.EMPLOYED, LabourMarketStatus.SELF_EMPLOYED]


# -- Who entered, who left ----------------------------------------------------------------


def _with_age(participants):
    """Annotate ``age``: whole years on ``reference_date``, in the database."""
    return participants.annotate(
        entry_md=ExtractMonth("reference_date") * 100 + ExtractDay("reference_date"),
        birth_md=ExtractMonth("birth_date") * 100 + ExtractDay("birth_date"),
    ).annotate(
        age=ExtractYear("reference_date")
        - ExtractYear("birth_date")
        - Case(
            When(entry_md__lt=F("birth_md"), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def entered_participants(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME):
    """The participants whose first enrolment of the programme (of the scope) starts in
    the period, with that date (``reference_date``) and their age then (``age``)."""
    if period.is_empty:
        return Participant.objects.none()
    enrolments = scope.keep_enrolments(
        Enrolment.objects.filter(group__organisation=organisation, start_date__lte=period.last),
        first=period.first,
        last=period.last,
    )
    return _with_age(
        Participant.objects.filter(organisation=organisation, enrolments__in=enrolments)
        .annotate(reference_date=Min("enrolments__start_date"))
        .filter(reference_date__gte=period.first)
    )


def output_conditions(period: Period) -> dict:
    """Each output indicator's condition on ``entered_participants`` (EECO01: everybody).
    An answer "does not wish to answer" or a blank field never counts as a yes."""
    unemployed = Q(labour_market_status=LabourMarketStatus.UNEMPLOYED)
    return {
        "EECO01": Q(pk__isnull=False),
        "EECO02": unemployed,
        # More than 12 months without a job, or more than 6 months below 25 years of age.
        "EECO03": unemployed
        & (
            Q(unemployment_duration=UnemploymentDuration.OVER_12_MONTHS)
            | Q(unemployment_duration=UnemploymentDuration.UP_TO_12_MONTHS, age__lt=25)
        ),
        "EECO04": Q(labour_market_status=LabourMarketStatus.INACTIVE),
        "EECO05": Q(labour_market_status__in=EMPLOYED),
        "EECO06": Q(age__lt=18),
        "EECO07": Q(age__gte=18, age__lte=29),
        "EECO08": Q(age__gte=55),
        "EECO09": Q(qualification_level__in=education_levels("EECO09")),
        "EECO10": Q(qualification_level__in=education_levels("EECO10")),
        "EECO11": Q(qualification_level__in=education_levels("EECO11")),
        "EECO12": Q(disability=Answer.YES),
        # Not a citizen of the Union at the end of the period; an unknown nationality is
        # not counted.
        "EECO13": ~Q(nationality="") & ~Q(nationality__in=eu_members(period.membership_year)),
        "EECO14": Q(foreign_background=Answer.YES),
        "EECO15": Q(minority=Answer.YES),
        "EECO16": Q(housing_exclusion=Answer.YES),
        "EECO17": Q(rural_area=Answer.YES),
    }


def leaving_exits(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME):
    """The exits of the period by which a participant leaves the programme (of the
    scope): every exit but an extension, which goes on in another group."""
    return exits_of(organisation, period, scope).exclude(outcome=ExitOutcome.EXTENSION)


def result_conditions(period: Period) -> dict:
    """Each result indicator's condition on ``leaving_exits`` (an enrolment)."""
    followed_up = Q(follow_up__recorded_on__isnull=False, follow_up__recorded_on__lte=period.as_of)
    professional = Q(outcome=ExitOutcome.PROFESSIONAL_PROJECT)
    return {
        "EECR01": professional & Q(outcome_detail=ProfessionalProject.JOB_SEARCH),
        "EECR02": (
            professional
            & Q(
                outcome_detail__in=[
                    ProfessionalProject.PRE_TRAINING,
                    ProfessionalProject.QUALIFYING_TRAINING,
                ]
            )
        )
        | Q(
            outcome=ExitOutcome.SOCIAL_PROJECT,
            outcome_detail__in=[SocialProject.LANGUAGE_TRAINING, SocialProject.DIGITAL_TRAINING],
        ),
        "EECR03": Q(qualification_gained=YesNo.YES),
        "EECR04": professional & Q(outcome_detail=ProfessionalProject.EMPLOYMENT),
        "EECR05": followed_up & Q(follow_up__situation=FollowUpSituation.EMPLOYMENT),
        # The annex's "better situation" is for people employed on entering: a stabler,
        # fuller or more skilled job, or a promotion (recorded at the follow-up).
        "EECR06": followed_up
        & Q(participant__labour_market_status__in=EMPLOYED)
        & Q(follow_up__better_situation=YesNo.YES),
    }


# -- The figures ---------------------------------------------------------------------------------


def _output_figures(entered, period) -> dict:
    aggregates = {}
    for code, condition in output_conditions(period).items():
        aggregates[f"{code}__total"] = Count("pk", filter=condition)
        for part, gender in GENDER_CODES.items():
            aggregates[f"{code}__{part}"] = Count("pk", filter=condition & Q(gender=gender))
    sums = entered.aggregate(**aggregates)
    return {code: {part: sums[f"{code}__{part}"] for part in BREAKDOWN} for code in OUTPUT_CODES}


def _result_figures(exits, period) -> dict:
    # A person who left twice in the period (dropped out, came back, left again) counts
    # once: distinct participants.
    aggregates = {}
    for code, condition in result_conditions(period).items():
        aggregates[f"{code}__total"] = Count("participant", distinct=True, filter=condition)
        for part, gender in GENDER_CODES.items():
            aggregates[f"{code}__{part}"] = Count(
                "participant", distinct=True, filter=condition & Q(participant__gender=gender)
            )
    sums = exits.aggregate(**aggregates)
    return {code: {part: sums[f"{code}__{part}"] for part in BREAKDOWN} for code in RESULT_CODES}


def esf_people(organisation, key: str, period: Period, scope: Scope):
    """The participants behind the figure ``esf:<code>:<total|women|men|non_binary>``, or
    None when the key names no figure. The same conditions as the counts."""
    _kind, _sep, rest = key.partition(":")
    code, _sep, part = rest.partition(":")
    if code not in LABELS or part not in BREAKDOWN:
        return None
    gender = Q() if part == "total" else Q(gender=GENDER_CODES[part])
    if code in OUTPUT_CODES:
        condition = output_conditions(period)[code]
        return entered_participants(organisation, period, scope).filter(condition & gender)
    exits = leaving_exits(organisation, period, scope).filter(result_conditions(period)[code])
    own = exits.filter(participant=OuterRef("pk"))
    # Listed with the start of the enrolment they left by, and their age then.
    first_start = own.order_by("start_date").values("start_date")[:1]
    return _with_age(
        Participant.objects.filter(organisation=organisation)
        .filter(gender)
        .filter(Exists(own))
        .annotate(reference_date=Subquery(first_start))
    )


def drilldown_titles() -> dict:
    """The title of each ESF drill-down key."""
    return {
        f"esf:{code}:{part}": f"{code} · {label} · {BREAKDOWN_LABELS[part]}"
        for code, label in LABELS.items()
        for part in BREAKDOWN
    }


def esf_figures(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME) -> dict:
    """Each indicator's ``{"total", "women", "men", "non_binary"}``, in two queries."""
    figures = _output_figures(entered_participants(organisation, period, scope), period)
    figures.update(_result_figures(leaving_exits(organisation, period, scope), period))
    return figures
