"""The workbook as a coordinator reads it (issue 20): sheet names, headers and the codes'
meanings in their language; the records the import does not write (consents,
interventions, literacy tests, action plans, the social worker) exported for the records
and skipped by the import, saying so; and every such workbook read back by the import."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.assessments.factories import ActionFactory, AssessmentFactory
from parcours.assessments.services import action_review
from parcours.core.domains import Domain
from parcours.participants.factories import (
    ConsentFactory,
    InterventionFactory,
    LiteracyTestFactory,
    ParticipantFactory,
)
from parcours.participants.models import InterventionDomain, Participant
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workbook.export import export_workbook, template_workbook
from parcours.workbook.format import (
    EXPORT_ONLY_SHEETS,
    SHEET_LABELS,
    SHEETS,
    code_aliases,
    imported_sheets,
    meanings,
    normalised,
)
from parcours.workbook.importer import analyse_workbook, import_workbook
from parcours.workbook.models import ImportJob
from parcours.workbook.problems import Problem
from parcours.workbook.tests.helpers import read_back, sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db

D = datetime.date
LANGUAGES = ("fr", "nl", "en")


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


@pytest.fixture
def records(organisation, coordinator):
    """The sample programme, a social worker in charge of one person, and one record of
    each kind the import does not write."""
    import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)
    worker = UserFactory(
        organisation=organisation,
        social_worker=True,
        username="m.peeters",
        first_name="Marie",
        last_name="Peeters",
    )
    nameless = UserFactory(
        organisation=organisation, social_worker=True, username="aide", first_name="", last_name=""
    )
    amina = Participant.objects.get(organisation=organisation, reference="P-001")
    jean = Participant.objects.get(organisation=organisation, reference="P-002")
    Participant.objects.filter(pk=amina.pk).update(social_worker=worker)
    Participant.objects.filter(pk=jean.pk).update(social_worker=nameless)
    ConsentFactory(
        participant=amina,
        purpose="photos",
        given_on=D(2024, 1, 8),
        withdrawn_on=D(2024, 5, 2),
        collected_by=worker,
    )
    intervention = InterventionFactory(
        participant=amina, date=D(2024, 2, 6), kind="home_visit", duration_minutes=50, author=worker
    )
    for domain in (Domain.HEALTH, Domain.HOUSING):
        InterventionDomain.objects.create(intervention=intervention, domain=domain)
    LiteracyTestFactory(participant=amina, date=D(2024, 1, 10), examiner=nameless, comment="Bien")
    enrolment = amina.enrolments.get()
    entry = enrolment.assessments.get(moment="entry")
    end = enrolment.assessments.get(moment="end")
    action = ActionFactory(
        enrolment=enrolment,
        domain=Domain.HOUSING,
        description="Visiter un logement",
        responsible="Amina",
        due_date=D(2024, 6, 30),
        agreed_at=entry,
    )
    action_review(action=action, status="done", assessment=end, by=coordinator)
    return organisation


# -- 1. the coordinator's language ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_sheet_names_and_headers_are_in_the_language_of_the_export(records, language):
    book = _book(export_workbook(records, language=language))
    with translation.override(language):
        assert book.sheetnames == [str(SHEET_LABELS[name]) for name in SHEETS]
        for name, title in zip(SHEETS, book.sheetnames, strict=True):
            header = [cell.value for cell in book[title][1]]
            assert header == [str(column.label) for column in SHEETS[name]]


def test_the_export_is_in_the_active_language_by_default(records):
    with translation.override("fr"):
        book = _book(export_workbook(records))
    assert book.sheetnames[:3] == ["Participants", "Groupes", "Inscriptions"]
    assert [cell.value for cell in book["Participants"][1]][:2] == ["N° de dossier", "Nom"]


def test_the_page_exports_in_the_language_of_the_coordinator(client, records, coordinator):
    coordinator.language = "nl"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    book = _book(client.get(reverse("workbook:export")).content)
    assert book.sheetnames[0] == "Deelnemers"


# -- 2. codes written as their meaning, read back in any language --------------------------


def test_coded_cells_hold_their_meaning_in_the_language_of_the_export(records):
    with translation.override("fr"):
        book = _book(export_workbook(records))
        people = list(book["Participants"].values)
        enrolments = list(book["Inscriptions"].values)
        attendance = list(book["Présences"].values)
        amina = next(row for row in people if row[0] == "P-001")
        assert amina[3] == "Femme"
        assert amina[8] == meanings(SHEETS["participants"][8])["primary"]
        assert amina[10] == "non"  # never worked: the language's word
        assert enrolments[1][4] == str(
            dict(_choices("enrolments", "outcome"))["professional_project"]
        )
        assert {row[4] for row in attendance[1:]} <= set(meanings(SHEETS["attendance"][4]).values())
    assert "F" not in {row[3] for row in people[1:]}


def _choices(sheet, name):
    column = next(column for column in SHEETS[sheet] if column.name == name)
    return zip(column.codes, column.meanings, strict=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_export_in_any_language_imports_as_the_records_it_came_from(
    records, coordinator, language
):
    content = export_workbook(records, language=language)
    # Read by someone who works in another language.
    with translation.override("nl" if language == "fr" else "fr"):
        again = analyse_workbook(records, content)
    assert again.problems == []
    assert all(n["created"] == n["updated"] == 0 for n in again.counts.values()), again.counts
    copy = OrganisationFactory(slug=f"copie-{language}")
    import_workbook(content, organisation=copy, by=coordinator)
    # Everything but the social worker, which the import leaves alone.
    assert _people(copy) == [
        (*row[:-1], None) if index else row for index, row in enumerate(_people(records))
    ]


def _people(organisation) -> list[tuple]:
    """The participants sheet of the English export, every row as long as the header."""
    rows = read_back(export_workbook(organisation, language="en"))["participants"]
    width = len(rows[0])
    return [tuple(row) + (None,) * (width - len(row)) for row in rows]


def test_a_coded_cell_is_read_from_its_code_or_its_meaning_in_any_language(organisation):
    rows = sample_sheets()["participants"]
    rows[0][3] = "  VROUW "  # Dutch, any case and spaces
    rows[1][3] = "Homme"  # French
    rows[2][3] = "x"  # the code, in small letters
    rows[0][12] = "Faible"  # French level, in French
    rows[1][12] = "Moedertaal"
    content = workbook_bytes({"participants": rows})
    plan = analyse_workbook(organisation, content)
    assert plan.problems == []
    assert [person.gender for person in plan.participants_new] == ["F", "M", "X"]
    assert [person.french_level for person in plan.participants_new][:2] == ["weak", "native"]


def test_a_bad_value_lists_the_accepted_meanings_in_the_language_of_the_reader(organisation):
    rows = sample_sheets()["participants"]
    rows[0][3] = "W"
    plan = analyse_workbook(organisation, workbook_bytes({"participants": rows}))
    (problem,) = plan.problems
    assert problem.code == "not_a_code"
    with translation.override("fr"):
        assert "n\u2019est pas une valeur de cette colonne" in problem.message
        assert problem.message.endswith("Femme; Homme; Autre / non précisé.")
    with translation.override("nl"):
        assert "Vrouw; Man;" in problem.message
    # A problem stored before the meanings (its codes only) is worded the same way.
    stored = Problem("participants", 2, "gender", "not_a_code", {"value": "W", "codes": "F, M, X"})
    assert "Woman; Man; Other / not specified" in stored.message


def test_a_detail_not_of_its_outcome_is_worded_in_the_language_of_the_reader(organisation):
    sheets = sample_sheets()
    sheets["enrolments"][1][5] = "job_search"  # a dropout with a professional detail
    plan = analyse_workbook(organisation, workbook_bytes(sheets))
    (problem,) = plan.problems
    assert problem.code == "detail_not_of_outcome"
    assert problem.message == (
        "'Job search' is not a detail of the outcome Dropped out "
        "(use: Health; Moving house; Other reason)."
    )


def test_meanings_are_unique_in_each_column_and_language():
    for language in LANGUAGES:
        with translation.override(language):
            for name, columns in SHEETS.items():
                for column in columns:
                    if not column.codes:
                        continue
                    words = [normalised(word) for word in meanings(column).values()]
                    assert len(set(words)) == len(words), (language, name, column.name)


def test_every_value_of_a_coded_column_means_one_code_in_every_language():
    # A meaning in one language is never another code's meaning in another, nor a code.
    for columns in SHEETS.values():
        for column in columns:
            if not column.codes:
                continue
            aliases = code_aliases(column)
            for code, meaning in zip(column.codes, column.meanings, strict=True):
                assert aliases[normalised(code)] == code
                for language in LANGUAGES:
                    with translation.override(language):
                        assert aliases[normalised(meaning)] == code, (language, column.name, code)


def test_the_template_offers_the_meanings_in_its_drop_downs():
    book = _book(template_workbook("fr"))
    lists = book["Listes"]
    assert [lists["A1"].value, lists["B1"].value] == ["Genre", "Code"]
    assert [(lists[f"A{n}"].value, lists[f"B{n}"].value) for n in (2, 3, 4)] == [
        ("Femme", "F"),
        ("Homme", "M"),
        ("Autre / non précisé", "X"),
    ]


def test_the_template_has_only_what_the_import_reads():
    with translation.override("en"):
        book = _book(template_workbook("en"))
        assert book.sheetnames == [str(SHEET_LABELS[name]) for name in imported_sheets()] + [
            "Lists"
        ]
        assert "Social worker" not in [cell.value for cell in book["Participants"][1]]


# -- 3. the records the import does not write -----------------------------------------------


def _rows(content, sheet):
    return read_back(content)[sheet][1:]


def test_the_records_the_import_does_not_write_are_exported(records):
    content = export_workbook(records, language="en")
    people = {row[0]: row for row in _rows(content, "participants")}
    assert people["P-001"][-1] == "Marie Peeters"
    assert people["P-002"][-1] == "aide"  # no name: the username
    assert people["P-003"][26:] in ((), (None,))  # nobody in charge: an empty cell
    assert _rows(content, "consents") == [
        (
            "P-001",
            "Photos and videos",
            datetime.datetime(2024, 1, 8),
            datetime.datetime(2024, 5, 2),
            "Marie Peeters",
        )
    ]
    assert _rows(content, "interventions") == [
        (
            "P-001",
            datetime.datetime(2024, 2, 6),
            "Home visit",
            50,
            "Housing; Health",
            "Marie Peeters",
        )
    ]
    assert _rows(content, "literacy_tests") == [
        (
            "P-001",
            datetime.datetime(2024, 1, 10),
            "A1",
            "A1.1",
            "Literacy level 2",
            "Literacy level 1",
            "Literacy classes",
            None,
            "Bien",
            "aide",
        )
    ]
    (action,) = _rows(content, "actions")
    assert action[:4] == ("P-001", "Remobilisation 2024-A", "Housing", "Visiter un logement")
    assert action[6:] == (
        datetime.datetime(2024, 6, 30),
        "Done",
        datetime.datetime(2024, 1, 15),
        datetime.datetime(2024, 10, 25),
    )
    assert _rows(content, "action_reviews") == [
        (
            "P-001",
            "Remobilisation 2024-A",
            "Housing",
            "Visiter un logement",
            "End",
            datetime.datetime(2024, 10, 25),
            "Done",
        )
    ]


def test_the_intervention_notes_stay_out_of_the_workbook(records):
    content = export_workbook(records, language="en")
    cells = {cell for rows in read_back(content).values() for row in rows for cell in row}
    assert "Entretien de suivi." not in cells


def test_the_import_skips_those_records_and_says_so(records, coordinator):
    content = export_workbook(records, language="fr")
    copy = OrganisationFactory(slug="copie")
    plan = analyse_workbook(copy, content)
    assert plan.ok
    assert {notice.code for notice in plan.notices} == {
        "sheet_not_imported",
        "column_not_imported",
    }
    assert {notice.sheet for notice in plan.notices if notice.code == "sheet_not_imported"} == (
        EXPORT_ONLY_SHEETS
    )
    (column,) = [notice for notice in plan.notices if notice.code == "column_not_imported"]
    assert (column.sheet, column.column) == ("participants", "social_worker")
    with translation.override("fr"):
        assert {notice.message for notice in plan.notices} == {
            "Cette feuille est exportée pour vos dossiers et n\u2019est pas importée.",
            "Cette colonne est exportée pour vos dossiers et n\u2019est pas importée.",
        }
    result = import_workbook(content, organisation=copy, by=coordinator)
    assert result.notices == plan.notices
    assert set(result.counts) <= set(imported_sheets()) | {"workshops", "providers"}
    # The social worker is not matched, even by a colleague of the same name.
    UserFactory(organisation=copy, username="marie", first_name="Marie", last_name="Peeters")
    import_workbook(content, organisation=copy, by=coordinator)
    assert not Participant.objects.filter(organisation=copy, social_worker__isnull=False).exists()


def test_an_import_keeps_the_social_worker_in_charge(records, coordinator):
    amina = Participant.objects.get(organisation=records, reference="P-001")
    sheets = read_back(export_workbook(records, language="en"))
    people = [list(row) for row in sheets["participants"]]
    people[1][-1] = "Somebody Else"
    people[1][2] = "Aminata"
    content = workbook_bytes({"participants": people[1:]}, headers={"participants": people[0]})
    result = import_workbook(content, organisation=records, by=coordinator)
    assert result.counts["participants"]["updated"] == 1
    amina.refresh_from_db()
    assert (amina.first_name, amina.social_worker.username) == ("Aminata", "m.peeters")


def test_the_job_keeps_the_notices_and_the_page_shows_them(client, records, coordinator):
    from parcours.workbook import jobs

    job = jobs.job_submit(
        organisation=records,
        by=coordinator,
        file_name="export.xlsx",
        content=export_workbook(records, language="en"),
        language="nl",
    )
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == "ready"
    assert {notice["code"] for notice in job.notices} == {
        "sheet_not_imported",
        "column_not_imported",
    }
    coordinator.language = "nl"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    page = client.get(reverse("workbook:job", args=[job.pk])).content.decode()
    assert "Toestemmingen" in page
    assert "niet geïmporteerd" in page
    jobs.job_confirm(job=job)
    job.refresh_from_db()
    assert job.status == "done"
    assert len(job.notices) == len(EXPORT_ONLY_SHEETS) + 1


# -- 4. the period ---------------------------------------------------------------------------


def test_the_period_export_has_the_records_of_its_period_and_still_imports(records, coordinator):
    content = export_workbook(records, first=D(2024, 3, 1), last=D(2024, 3, 31), language="en")
    assert _rows(content, "consents")[0][0] == "P-001"  # in force in March
    assert _rows(content, "interventions") == []  # February
    assert _rows(content, "literacy_tests") == []  # January
    assert len(_rows(content, "actions")) == 1  # the enrolment runs in March
    plan = analyse_workbook(OrganisationFactory(slug="mars"), content)
    assert plan.problems == []
    assert plan.counts["participants"]["created"] == 3
    later = export_workbook(records, first=D(2024, 6, 1), last=D(2024, 6, 30), language="en")
    assert _rows(later, "consents") == []  # withdrawn in May


# -- 5. bounded queries ----------------------------------------------------------------------


def _queries(organisation) -> int:
    with CaptureQueriesContext(connection) as queries:
        export_workbook(organisation, language="en")
    return len(queries)


def test_the_export_does_the_same_queries_for_more_records(records, coordinator):
    before = _queries(records)
    group = GroupFactory(organisation=records, start_date=D(2024, 1, 8), end_date=D(2024, 12, 20))
    for number in range(5):
        worker = UserFactory(organisation=records, social_worker=True)
        person = ParticipantFactory(
            organisation=records, reference=f"Q-{number}", social_worker=worker
        )
        ConsentFactory(participant=person, collected_by=worker)
        InterventionFactory(participant=person, author=worker)
        LiteracyTestFactory(participant=person, examiner=worker)
        enrolment = EnrolmentFactory(participant=person, group=group, start_date=D(2024, 1, 8))
        assessment = AssessmentFactory(enrolment=enrolment, date=D(2024, 1, 9))
        action = ActionFactory(enrolment=enrolment, agreed_at=assessment)
        action_review(action=action, status="under_way", assessment=assessment, by=coordinator)
    assert _queries(records) == before
