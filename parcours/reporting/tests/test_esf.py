"""The ESF+ common indicators (docs/statistics.md §20): hand-built cases for each group of
indicators, the drill-down, who sees the special categories, the report page narrowed to
a grant, the participant-level file and ``funder_report`` in its three formats."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from parcours.funding.enums import FunderKind
from parcours.funding.models import Funder, Grant, GroupCharge
from parcours.funding.pseudonyms import pseudonymiser
from parcours.funding.scope import Scope
from parcours.participants.enums import (
    Answer,
    ConsentPurpose,
    Gender,
    LabourMarketStatus,
    QualificationLevel,
    UnemploymentDuration,
)
from parcours.participants.factories import ConsentFactory, ParticipantFactory
from parcours.programme.enums import (
    ExitOutcome,
    FollowUpSituation,
    ProfessionalProject,
    SocialProject,
    YesNo,
)
from parcours.programme.factories import EnrolmentFactory, ExitFollowUpFactory, GroupFactory
from parcours.reporting.esf import BREAKDOWN, INDICATOR_CODES, esf_figures
from parcours.reporting.esf_files import esf_builder, participants_csv
from parcours.reporting.figures import Period
from parcours.reporting.people import drilldown_keys, people_behind
from parcours.testing import assert_bounded_queries, count_queries, pdf_text

D = datetime.date
YEAR = 2024
PERIOD = Period.of_year(YEAR, D(2025, 6, 30))
REPORT = reverse("reporting:report")
ZERO = {"total": 0, "women": 0, "men": 0, "non_binary": 0}
GROUP_START, GROUP_END = D(YEAR, 3, 4), D(YEAR, 12, 20)
EXIT = D(YEAR, 11, 29)


def _group(organisation, start=GROUP_START, end=GROUP_END):
    return GroupFactory(organisation=organisation, start_date=start, end_date=end)


def _person(organisation, **fields):
    return ParticipantFactory(organisation=organisation, esf_answered=True, **fields)


def _enter(group, participant=None, start=None, **fields):
    participant = participant or _person(group.organisation, **fields)
    return EnrolmentFactory(
        group=group, participant=participant, start_date=start or group.start_date
    )


def _leave(
    group,
    outcome,
    detail="",
    *,
    exit_date=EXIT,
    participant=None,
    qualification_gained="",
    **fields,
):
    enrolment = _enter(group, participant, **fields)
    enrolment.exit_date = exit_date
    enrolment.outcome = outcome
    enrolment.outcome_detail = detail
    enrolment.qualification_gained = qualification_gained
    enrolment.save()
    return enrolment


def _grant(organisation, name="FSE 2024", *groups):
    funder = Funder.objects.create(organisation=organisation, name="FSE+", kind=FunderKind.ESF)
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name=name,
        start_date=D(YEAR, 1, 1),
        end_date=D(YEAR, 12, 31),
        amount=Decimal("50000"),
    )
    for group in groups:
        GroupCharge.objects.create(grant=grant, group=group, share=Decimal("100"))
    return grant


def _figures(organisation, scope=None):
    return esf_figures(organisation, PERIOD, scope or Scope())


def _totals(figures):
    return {code: value["total"] for code, value in figures.items()}


# -- Who enters --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_participant_enters_when_their_first_enrolment_starts_in_the_period(organisation):
    earlier = _group(organisation, D(YEAR - 1, 9, 4), D(YEAR, 6, 28))
    this_year = _group(organisation)
    later = _group(organisation, D(YEAR + 1, 1, 8), D(YEAR + 1, 10, 30))
    came_back = _enter(earlier).participant
    _enter(this_year, came_back)
    new = _enter(this_year).participant
    _enter(later)
    _enter(_group(organisation, D(YEAR, 2, 5), D(YEAR, 6, 28)), new)  # a second group

    assert _totals(_figures(organisation))["EECO01"] == 1

    # Narrowed to the grant of this year's group only, its first enrolment there counts.
    grant = _grant(organisation, "FSE 2024", this_year)
    assert _totals(_figures(organisation, Scope(grant=grant)))["EECO01"] == 2


@pytest.mark.django_db
def test_another_organisation_is_not_counted(organisation, other_organisation):
    _enter(_group(other_organisation))
    assert _figures(organisation)["EECO01"] == ZERO


@pytest.mark.django_db
def test_ages_are_taken_on_the_first_start_date(organisation):
    group = _group(organisation, D(YEAR, 5, 1))
    _enter(group, birth_date=D(YEAR - 18, 5, 1))  # 18 on the day
    _enter(group, birth_date=D(YEAR - 18, 5, 2))  # still 17
    _enter(group, birth_date=D(YEAR - 29, 5, 1))  # 29: young
    _enter(group, birth_date=D(YEAR - 30, 5, 1))  # 30
    _enter(group, birth_date=D(YEAR - 55, 5, 1))  # 55
    _enter(group, birth_date=D(YEAR - 55, 5, 2))  # 54

    totals = _totals(_figures(organisation))
    assert (totals["EECO06"], totals["EECO07"], totals["EECO08"]) == (1, 2, 1)


@pytest.mark.django_db
def test_labour_market_status_and_long_term_unemployment(organisation):
    group = _group(organisation, D(YEAR, 5, 1))
    unemployed = LabourMarketStatus.UNEMPLOYED
    adult, young = D(YEAR - 40, 1, 1), D(YEAR - 23, 1, 1)
    _enter(
        group,
        labour_market_status=unemployed,
        birth_date=adult,
        unemployment_duration=UnemploymentDuration.OVER_12_MONTHS,
    )
    _enter(
        group,
        labour_market_status=unemployed,
        birth_date=young,
        unemployment_duration=UnemploymentDuration.UP_TO_12_MONTHS,
    )
    _enter(
        group,
        labour_market_status=unemployed,
        birth_date=adult,
        unemployment_duration=UnemploymentDuration.UP_TO_12_MONTHS,
    )
    _enter(
        group,
        labour_market_status=unemployed,
        birth_date=young,
        unemployment_duration=UnemploymentDuration.REFUSED,
    )
    _enter(group, labour_market_status=LabourMarketStatus.INACTIVE)
    _enter(group, labour_market_status=LabourMarketStatus.EMPLOYED)
    _enter(group, labour_market_status=LabourMarketStatus.SELF_EMPLOYED)
    _enter(group, labour_market_status=LabourMarketStatus.REFUSED)
    _enter(group, labour_market_status="")

    totals = _totals(_figures(organisation))
    assert [totals[code] for code in ("EECO01", "EECO02", "EECO03", "EECO04", "EECO05")] == [
        9,
        4,
        2,
        1,
        2,
    ]


@pytest.mark.django_db
def test_education_levels_follow_the_isced_table(organisation):
    group = _group(organisation)
    for level in QualificationLevel:
        _enter(group, qualification_level=level)
    _enter(group, qualification_level="")

    totals = _totals(_figures(organisation))
    assert (totals["EECO09"], totals["EECO10"], totals["EECO11"]) == (3, 1, 1)


@pytest.mark.django_db
def test_does_not_wish_to_answer_and_blank_are_never_a_yes(organisation):
    group = _group(organisation)
    for answer in (Answer.YES, Answer.NO, Answer.REFUSED, ""):
        _enter(
            group,
            disability=answer,
            foreign_background=answer,
            minority=answer,
            housing_exclusion=answer,
            rural_area=answer,
        )

    totals = _totals(_figures(organisation))
    assert [totals[f"EECO{n}"] for n in (12, 14, 15, 16, 17)] == [1, 1, 1, 1, 1]


@pytest.mark.django_db
def test_third_country_nationals_by_nationality_at_the_end_of_the_period(organisation):
    group = _group(organisation)
    for nationality in ("MA", "GB", "FR", "BE", ""):
        _enter(group, nationality=nationality)
    # The United Kingdom left the Union in 2020: a third country in 2024.
    assert _totals(_figures(organisation))["EECO13"] == 2


@pytest.mark.django_db
def test_each_indicator_is_broken_down_by_gender(organisation):
    group = _group(organisation)
    for gender in (Gender.FEMALE, Gender.FEMALE, Gender.MALE, Gender.OTHER):
        _enter(group, gender=gender, disability=Answer.YES)

    figures = _figures(organisation)
    assert figures["EECO01"] == {"total": 4, "women": 2, "men": 1, "non_binary": 1}
    assert figures["EECO12"] == {"total": 4, "women": 2, "men": 1, "non_binary": 1}
    assert figures["EECO15"] == ZERO


# -- Results -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_results_upon_leaving(organisation):
    group = _group(organisation)
    professional, social = ExitOutcome.PROFESSIONAL_PROJECT, ExitOutcome.SOCIAL_PROJECT
    _leave(group, professional, ProfessionalProject.JOB_SEARCH)
    _leave(group, professional, ProfessionalProject.PRE_TRAINING)
    _leave(
        group, professional, ProfessionalProject.QUALIFYING_TRAINING, qualification_gained=YesNo.YES
    )
    _leave(group, social, SocialProject.LANGUAGE_TRAINING, gender=Gender.MALE)
    _leave(group, social, SocialProject.VOLUNTEERING, qualification_gained=YesNo.NO)
    _leave(group, professional, ProfessionalProject.EMPLOYMENT)
    _leave(group, ExitOutcome.DROPOUT, "health")
    # An extension goes on in another group: not leaving.
    _leave(group, ExitOutcome.EXTENSION, qualification_gained=YesNo.YES)
    # Left before the period.
    _leave(
        group,
        professional,
        ProfessionalProject.JOB_SEARCH,
        exit_date=D(YEAR - 1, 12, 1),
        start=D(YEAR - 1, 3, 1),
    )

    figures = _figures(organisation)
    assert [figures[c]["total"] for c in ("EECR01", "EECR02", "EECR03", "EECR04")] == [1, 3, 1, 1]
    assert figures["EECR02"] == {"total": 3, "women": 2, "men": 1, "non_binary": 0}


@pytest.mark.django_db
def test_a_person_leaving_twice_counts_once(organisation):
    person = _person(organisation)
    first = _group(organisation, D(YEAR, 1, 8), D(YEAR, 4, 30))
    second = _group(organisation, D(YEAR, 5, 6), D(YEAR, 12, 20))
    job = ProfessionalProject.JOB_SEARCH
    _leave(
        first, ExitOutcome.PROFESSIONAL_PROJECT, job, exit_date=D(YEAR, 4, 30), participant=person
    )
    _leave(second, ExitOutcome.PROFESSIONAL_PROJECT, job, participant=person)

    assert _figures(organisation)["EECR01"]["total"] == 1


@pytest.mark.django_db
def test_results_six_months_after_leaving(organisation):
    group = _group(organisation)
    exit_date = D(YEAR, 6, 28)

    def follow_up(situation, recorded_on=None, better="", **person):
        enrolment = _leave(
            group, ExitOutcome.PROFESSIONAL_PROJECT, "job_search", exit_date=exit_date, **person
        )
        ExitFollowUpFactory(
            enrolment=enrolment,
            situation=situation,
            recorded_on=recorded_on or D(YEAR, 12, 30),
            better_situation=better,
        )

    employed = LabourMarketStatus.EMPLOYED
    follow_up(FollowUpSituation.EMPLOYMENT)
    follow_up(FollowUpSituation.EMPLOYMENT, better=YesNo.YES)  # inactive on entering
    follow_up(FollowUpSituation.EMPLOYMENT, better=YesNo.YES, labour_market_status=employed)
    follow_up(FollowUpSituation.EMPLOYMENT, better=YesNo.NO, labour_market_status=employed)
    follow_up(FollowUpSituation.TRAINING)
    # Recorded after the report's date: not yet known.
    follow_up(FollowUpSituation.EMPLOYMENT, recorded_on=D(YEAR + 1, 7, 1))
    # Not recorded.
    _leave(group, ExitOutcome.PROFESSIONAL_PROJECT, "employment", exit_date=exit_date)

    figures = _figures(organisation)
    assert (figures["EECR05"]["total"], figures["EECR06"]["total"]) == (4, 1)


# -- Drill-down ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_figure_lists_as_many_people_as_it_counts(organisation):
    group = _group(organisation)
    grant = _grant(organisation, "FSE 2024", group)
    for index, gender in enumerate([Gender.FEMALE, Gender.MALE, Gender.OTHER, Gender.FEMALE]):
        enrolment = _leave(
            group,
            ExitOutcome.PROFESSIONAL_PROJECT,
            ProfessionalProject.EMPLOYMENT if index % 2 else ProfessionalProject.JOB_SEARCH,
            gender=gender,
            birth_date=D(YEAR - 20 - 20 * index, 1, 1),
            labour_market_status=LabourMarketStatus.EMPLOYED,
            disability=Answer.YES if index % 2 else Answer.REFUSED,
            nationality="MA" if index else "BE",
            qualification_level=QualificationLevel.PRIMARY,
            qualification_gained=YesNo.YES if index else "",
        )
        ExitFollowUpFactory(
            enrolment=enrolment, recorded_on=D(YEAR, 12, 30), better_situation=YesNo.YES
        )
    scope = Scope(grant=grant)
    figures = _figures(organisation, scope)
    keys = drilldown_keys()
    for code in INDICATOR_CODES:
        for part in BREAKDOWN:
            key = f"esf:{code}:{part}"
            assert key in keys
            rows = people_behind(organisation, key, PERIOD, scope)
            assert rows.count() == figures[code][part], key
    assert figures["EECO01"]["total"] == 4


# -- Pages and files --------------------------------------------------------------------------


def _esf_cells(html):
    """The total of each ESF+ indicator shown on the page."""
    pattern = r'data-cell="esf:(EEC[OR]\d\d):total">\s*(?:<a href="[^"]*">)?\s*(\d+)'
    return dict(re.findall(pattern, html))


@pytest.fixture
def esf_programme(organisation):
    group = _group(organisation)
    grant = _grant(organisation, "FSE 2024", group)
    for index in range(3):
        _enter(
            group,
            disability=Answer.YES,
            minority=Answer.YES,
            gender=Gender.MALE if index else Gender.FEMALE,
        )
    return grant


def _report_url(grant):
    return f"{REPORT}?year={YEAR}&as_of=2025-06-30&grant={grant.pk}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "social_worker"])
def test_casework_sees_every_indicator_with_drill_down(client, personas, esf_programme, role):
    client.force_login(personas[role])
    response = client.get(_report_url(esf_programme))
    html = response.content.decode()
    cells = _esf_cells(html)
    assert cells["EECO01"] == "3"
    assert cells["EECO12"] == "3"
    assert "key=esf%3AEECO12%3Atotal" in html
    assert reverse("reporting:esf_participants_csv") in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["workshop_leader", "viewer"])
def test_leaders_and_viewers_never_see_the_special_categories(
    client, personas, esf_programme, role
):
    client.force_login(personas[role])
    response = client.get(_report_url(esf_programme))
    cells = _esf_cells(response.content.decode())
    assert cells["EECO01"] == "3"
    assert {"EECO12", "EECO14", "EECO15"}.isdisjoint(cells)
    query = f"?year={YEAR}&as_of=2025-06-30&grant={esf_programme.pk}"
    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:esf_xlsx") + query).content))
    codes = [row[0] for row in workbook.active.iter_rows(values_only=True)]
    assert "EECO01" in codes
    assert "EECO12" not in codes
    pdf = pdf_text(client.get(reverse("reporting:esf_pdf") + query).content)
    assert "EECO13" in pdf
    assert "EECO12" not in pdf
    participants = client.get(reverse("reporting:esf_participants_csv") + query)
    assert participants.status_code == 403


@pytest.mark.django_db
def test_another_organisations_grant_is_refused(client, coordinator, other_organisation):
    theirs = _grant(other_organisation, "Leur FSE", _group(other_organisation))
    client.force_login(coordinator)
    page = client.get(_report_url(theirs))
    assert page.status_code == 400
    assert "esf:" not in page.content.decode()
    query = f"?year={YEAR}&grant={theirs.pk}"
    assert client.get(reverse("reporting:esf_xlsx") + query).status_code == 400
    assert client.get(reverse("reporting:esf_participants_csv") + query).status_code == 400


@pytest.mark.django_db
def test_report_page_narrowed_to_a_grant_does_a_fixed_number_of_queries(
    client, coordinator, organisation, esf_programme
):
    group = esf_programme.group_charges.get().group
    client.force_login(coordinator)
    url = _report_url(esf_programme)

    def grow():
        for _index in range(30):
            enrolment = _leave(group, ExitOutcome.PROFESSIONAL_PROJECT, "job_search")
            ExitFollowUpFactory(enrolment=enrolment, recorded_on=D(YEAR, 12, 30))

    client.get(url)
    expected = count_queries(client, url)
    assert_bounded_queries(client, url, grow=grow, expected=expected)


@pytest.mark.django_db
def test_participant_file_is_pseudonymised_and_leaves_out_withdrawn_consents(organisation):
    group = _group(organisation)
    grant = _grant(organisation, "FSE 2024", group)
    kept = _enter(
        group, last_name="Dubois", disability=Answer.YES, birth_date=D(1990, 1, 1)
    ).participant
    withdrawn = _enter(group, last_name="Martin").participant
    ConsentFactory(
        participant=withdrawn,
        purpose=ConsentPurpose.REPORTING,
        given_on=D(YEAR, 1, 2),
        withdrawn_on=D(YEAR, 2, 1),
    )

    content = participants_csv(grant, PERIOD)
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, line = rows[0], rows[1]
    assert header[4:] == [f"EECO{n:02d}" for n in range(1, 18)]
    assert line[:3] == [pseudonymiser(grant)(kept.pk), "women", "34"]
    assert dict(zip(header, line, strict=True))["EECO12"] == "1"
    assert "Dubois" not in text
    assert "Martin" not in text
    assert len(rows) == 3  # the person left out is said, not listed


# -- The command ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_funder_report_gives_the_same_numbers_in_json_xlsx_and_pdf(organisation, tmp_path):
    group = _group(organisation)
    _grant(organisation, "FSE 2024", group)
    _enter(group, disability=Answer.YES, gender=Gender.MALE)
    _enter(group, labour_market_status=LabourMarketStatus.UNEMPLOYED)
    _leave(group, ExitOutcome.PROFESSIONAL_PROJECT, "employment", gender=Gender.OTHER)
    common = [
        "--organisation",
        organisation.slug,
        "--year",
        str(YEAR),
        "--kind",
        "esf",
        "--grant",
        "FSE 2024",
    ]

    out = io.StringIO()
    call_command("funder_report", *common, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == INDICATOR_CODES
    assert data["EECO01"] == {"total": 3, "women": 1, "men": 1, "non_binary": 1}
    assert data["EECR04"] == {"total": 1, "women": 0, "men": 0, "non_binary": 1}

    xlsx, pdf = tmp_path / "fse.xlsx", tmp_path / "fse.pdf"
    call_command("funder_report", *common, "--format", "xlsx", "--output", str(xlsx))
    call_command("funder_report", *common, "--format", "pdf", "--output", str(pdf))
    from_xlsx = {
        row[0]: dict(zip(BREAKDOWN, row[2:6], strict=True))
        for row in load_workbook(xlsx).active.iter_rows(values_only=True)
        if row[0] in data
    }
    assert from_xlsx == data
    lines = {
        line.split()[0]: line.split()[-4:]
        for line in pdf_text(pdf.read_bytes(), layout=True).splitlines()
        if line.strip()[:4] in ("EECO", "EECR")
    }
    assert {code: [int(n) for n in values] for code, values in lines.items()} == {
        code: [value[part] for part in BREAKDOWN] for code, value in data.items()
    }


@pytest.mark.django_db
def test_funder_report_without_grant_covers_the_organisation(organisation):
    _enter(_group(organisation))
    _enter(_group(organisation))
    assert esf_builder(organisation, YEAR).as_json()["EECO01"]["total"] == 2


@pytest.mark.django_db
def test_funder_report_refuses_bad_arguments(organisation, other_organisation):
    _grant(other_organisation, "Leur FSE")
    grant = _grant(organisation, "FSE 2024")
    base = ["--kind", "esf", "--format", "json"]
    with pytest.raises(CommandError, match="Unknown organisation 'nowhere'"):
        call_command("funder_report", "--organisation", "nowhere", "--year", "2024", *base)
    with pytest.raises(CommandError, match="No grant named 'Leur FSE'"):
        call_command(
            "funder_report",
            "--organisation",
            organisation.slug,
            "--year",
            "2024",
            "--grant",
            "Leur FSE",
            *base,
        )
    with pytest.raises(CommandError, match="nothing of it falls in 2023"):
        call_command(
            "funder_report",
            "--organisation",
            organisation.slug,
            "--year",
            "2023",
            "--grant",
            grant.name,
            *base,
        )
    with pytest.raises(CommandError, match="Invalid year 1850"):
        call_command("funder_report", "--organisation", organisation.slug, "--year", "1850", *base)
    with pytest.raises(CommandError, match="invalid choice: 'smgv'"):
        call_command(
            "funder_report", "--organisation", organisation.slug, "--year", "2024", "--kind", "smgv"
        )


@pytest.mark.django_db
def test_special_categories_only_on_the_casework_file(client, personas, organisation):
    person = _person(organisation, minority=Answer.YES, disability=Answer.REFUSED)
    url = reverse("participants:participant_detail", args=[person.pk])
    with translation.override("fr"):
        label = translation.gettext("Minority (including Roma)")
    client.force_login(personas["social_worker"])
    assert label in client.get(url).content.decode()
    # A leader of the person's group sees the file, not its profile.
    group = _group(organisation)
    group.staff.add(personas["workshop_leader"])
    _enter(group, person)
    client.force_login(personas["workshop_leader"])
    page = client.get(url)
    assert page.status_code == 200
    assert label not in page.content.decode()
