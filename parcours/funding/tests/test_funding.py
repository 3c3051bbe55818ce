import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from parcours.accounts.factories import UserFactory
from parcours.attendance.models import Attendance
from parcours.audit.models import AuditAction, AuditEvent, AuditPurpose
from parcours.downloads.models import Download
from parcours.funding.models import Funder, Grant, GroupCharge, PseudonymKey, SessionCharge
from parcours.funding.pseudonyms import pseudonym
from parcours.funding.selectors import charged_hours_by_grant, charged_hours_by_month
from parcours.funding.services import charge_group, charge_session, save_grant
from parcours.participants.enums import ConsentPurpose
from parcours.participants.factories import ConsentFactory, InterventionFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.grant_pack import grant_pack
from parcours.testing import pdf_text, report_csv_values, sheet_by_code
from parcours.workshops.factories import SessionFactory

AS_OF = datetime.date(2026, 12, 31)
SESSION_DAY = datetime.date(2026, 3, 3)  # 13:30-16:30: three hours


def _grant(
    organisation,
    name,
    *,
    start=datetime.date(2026, 1, 1),
    end=datetime.date(2026, 12, 31),
    needs_names=False,
):
    funder = Funder.objects.create(
        organisation=organisation, name=f"Funder {name}", kind="esf", needs_names=needs_names
    )
    return Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name=name,
        start_date=start,
        end_date=end,
        amount=Decimal("1000"),
    )


def _hours(grant):
    return charged_hours_by_grant(grant.organisation, [grant], as_of=AS_OF)[grant.pk]


@pytest.fixture
def shared(organisation):
    """One three-hour session shared by two groups, each charged 100 % to its own grant."""
    first = GroupFactory(organisation=organisation)
    second = GroupFactory(organisation=organisation)
    session = SessionFactory(organisation=organisation, groups=[first, second], date=SESSION_DAY)
    grant_a, grant_b = _grant(organisation, "A"), _grant(organisation, "B")
    GroupCharge.objects.create(grant=grant_a, group=first, share=Decimal("100"))
    GroupCharge.objects.create(grant=grant_b, group=second, share=Decimal("100"))
    return {"groups": (first, second), "session": session, "grants": (grant_a, grant_b)}


def test_a_shared_session_is_split_between_the_groups_grants(shared):
    grant_a, grant_b = shared["grants"]
    assert _hours(grant_a) == 1.5
    assert _hours(grant_b) == 1.5
    month = charged_hours_by_month(grant_a, as_of=AS_OF)
    assert month == [
        {"month": datetime.date(2026, 3, 1), "sessions": 1, "hours": 3.0, "charged_hours": 1.5}
    ]


def test_a_session_charge_overrides_the_group_charges(shared, coordinator):
    grant_a, grant_b = shared["grants"]
    charge_session(session=shared["session"], grant=grant_a, share=Decimal("100"), by=coordinator)
    assert _hours(grant_a) == 3.0
    assert _hours(grant_b) == 0.0


def test_a_session_outside_the_grant_period_counts_nothing(shared, organisation):
    first, _second = shared["groups"]
    SessionFactory(organisation=organisation, groups=[first], date=datetime.date(2027, 2, 2))
    late = _grant(organisation, "Late", start=datetime.date(2026, 6, 1))
    GroupCharge.objects.create(grant=late, group=first, share=Decimal("100"))
    assert _hours(late) == 0.0
    assert _hours(shared["grants"][0]) == 1.5  # the 2027 session is outside its period too


def test_the_grants_never_count_more_than_the_session(shared, organisation, coordinator):
    first, _second = shared["groups"]
    third = _grant(organisation, "C", start=datetime.date(2026, 3, 1))
    # 100 % of the first group is taken in March by A: C is refused.
    with pytest.raises(ValidationError, match=r"il reste au plus 0\.00"):
        charge_group(group=first, grant=third, share=Decimal("1"), by=coordinator)
    charge_session(session=shared["session"], grant=third, share=Decimal("40"), by=coordinator)
    charge_session(
        session=shared["session"], grant=shared["grants"][1], share=Decimal("60"), by=coordinator
    )
    grants = [*shared["grants"], third]
    total = sum(charged_hours_by_grant(organisation, grants, as_of=AS_OF).values())
    assert total <= 3.0
    assert total == pytest.approx(3.0)


def test_shares_on_grants_that_overlap_stay_within_100(organisation, coordinator):
    group = GroupFactory(organisation=organisation)
    year = _grant(organisation, "Year")
    first_half = _grant(organisation, "H1", end=datetime.date(2026, 6, 30))
    second_half = _grant(organisation, "H2", start=datetime.date(2026, 7, 1))
    charge_group(group=group, grant=first_half, share=Decimal("60"), by=coordinator)
    charge_group(group=group, grant=second_half, share=Decimal("60"), by=coordinator)
    # The two halves never run on the same day: 40 % is left for the yearly grant.
    charge_group(group=group, grant=year, share=Decimal("40"), by=coordinator)
    with pytest.raises(ValidationError, match=r"il reste au plus 40\.00") as error:
        charge_group(group=group, grant=year, share=Decimal("41"), by=coordinator)
    assert "share" in error.value.message_dict
    other = GroupFactory()
    with pytest.raises(ValidationError, match="appartiennent à des organisations différentes"):
        charge_group(group=other, grant=year, share=Decimal("10"), by=coordinator)


def test_a_session_outside_the_grant_cannot_be_charged(organisation, coordinator):
    grant = _grant(organisation, "Spring", start=datetime.date(2026, 4, 1))
    session = SessionFactory(organisation=organisation, date=SESSION_DAY)
    with pytest.raises(
        ValidationError, match="La subvention ne couvre pas la date de cette séance"
    ):
        charge_session(session=session, grant=grant, share=Decimal("50"), by=coordinator)


def test_a_grant_period_cannot_leave_its_sessions_out(organisation, coordinator):
    grant = _grant(organisation, "G")
    session = SessionFactory(organisation=organisation, date=SESSION_DAY)
    charge_session(session=session, grant=grant, share=Decimal("50"), by=coordinator)
    grant.start_date = datetime.date(2026, 4, 1)
    with pytest.raises(ValidationError, match="tombent en dehors de la nouvelle période"):
        save_grant(grant=grant, by=coordinator)


# -- The report pack ---------------------------------------------------------------------------


@pytest.fixture
def pack_world(organisation, social_worker):
    group = GroupFactory(organisation=organisation)
    enrolment = EnrolmentFactory(
        group=group,
        participant__last_name="Vandenbroucke",
        participant__first_name="Josiane",
        participant__address="Rue Secrète 12",
        participant__niss="80051700123",
    )
    InterventionFactory(
        participant=enrolment.participant, author=social_worker, notes="Dettes énergie, SECRET"
    )
    session = SessionFactory(organisation=organisation, groups=[group], date=SESSION_DAY)
    Attendance.objects.create(session=session, participant=enrolment.participant, status="present")
    return {"group": group, "participant": enrolment.participant, "session": session}


def _pack(grant):
    archive = zipfile.ZipFile(io.BytesIO(grant_pack(grant, as_of=AS_OF)))
    return {name: archive.read(name) for name in archive.namelist()}


def _text(files):
    """Everything readable in the pack: the CSV files and the PDFs' text."""
    texts = [files[name].decode("utf-8-sig") for name in files if name.endswith(".csv")]
    texts += [pdf_text(files[name]) for name in files if name.endswith(".pdf")]
    return "\n".join(texts)


@pytest.mark.parametrize("needs_names", [False, True])
def test_the_pack_names_people_only_when_the_funder_needs_it(pack_world, organisation, needs_names):
    grant = _grant(organisation, "FSE", needs_names=needs_names)
    GroupCharge.objects.create(grant=grant, group=pack_world["group"], share=Decimal("50"))
    files = _pack(grant)
    assert {
        "rapport.pdf",
        "rapport.xlsx",
        "heures.csv",
        "participants.csv",
        "feuilles-de-presence.pdf",
    } <= set(files)
    text = _text(files)
    person = pack_world["participant"]
    code = pseudonym(grant, person.pk)
    assert ("Vandenbroucke" in text) is needs_names
    assert (person.reference in text) is needs_names
    assert (code in text) is not needs_names
    for secret in ("SECRET", "Rue Secrète", "80051700123"):
        assert secret not in text
    rows = list(
        csv.reader(io.StringIO(files["participants.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert len(rows) == 2
    assert rows[1][-2:] == ["3,00", "1,50"]  # hours attended, charged part
    hours = list(csv.reader(io.StringIO(files["heures.csv"].decode("utf-8-sig")), delimiter=";"))
    assert hours[1][0] == "2026-03-03"
    assert hours[1][4:] == ["3,00", "50,00", "1,50"]


def test_the_pseudonym_is_stable_per_grant(organisation, pack_world):
    first, second = _grant(organisation, "One"), _grant(organisation, "Two")
    person = pack_world["participant"]
    assert pseudonym(first, person.pk) == pseudonym(first, person.pk)
    assert pseudonym(first, person.pk) != pseudonym(second, person.pk)
    assert re.fullmatch(r"P-[A-Z2-7]{16}", pseudonym(first, person.pk))  # 80 bits


def test_the_pseudonym_survives_a_new_secret_key(organisation, pack_world, settings):
    grant = _grant(organisation, "One")
    person = pack_world["participant"]
    before = pseudonym(grant, person.pk)
    settings.SECRET_KEY = "another-key-after-a-rotation-" + "x" * 40
    assert pseudonym(grant, person.pk) == before
    assert PseudonymKey.objects.filter(organisation=organisation).count() == 1


def test_two_organisations_get_different_pseudonyms(organisation, other_organisation):
    here = _grant(organisation, "One")
    there = _grant(other_organisation, "One")
    # The same participant id and, once the grant ids are set equal, the same message:
    # only the organisations' keys differ.
    there.pk = here.pk
    assert pseudonym(here, 42) != pseudonym(there, 42)
    assert PseudonymKey.objects.get(organisation=organisation).secret != (
        PseudonymKey.objects.get(organisation=other_organisation).secret
    )


def test_people_who_withdrew_their_reporting_consent_are_left_out_of_the_pack_lists(
    organisation, pack_world
):
    grant = _grant(organisation, "FSE", needs_names=True)
    GroupCharge.objects.create(grant=grant, group=pack_world["group"], share=Decimal("100"))
    kept = EnrolmentFactory(group=pack_world["group"], participant__last_name="Kept").participant
    Attendance.objects.create(session=pack_world["session"], participant=kept, status="present")
    gone = pack_world["participant"]
    ConsentFactory(
        participant=gone,
        purpose=ConsentPurpose.REPORTING,
        given_on=datetime.date(2026, 1, 5),
        withdrawn_on=datetime.date(2026, 2, 1),
    )
    files = _pack(grant)
    rows = list(
        csv.reader(io.StringIO(files["participants.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert [row[1] for row in rows[1:-1]] == ["Kept"]
    assert rows[-1] == ["1 personne est écartée car elle a retiré son consentement au rapportage."]
    sheets = pdf_text(files["feuilles-de-presence.pdf"], layout=True)
    assert "KEPT" in sheets
    assert "vandenbroucke" not in sheets.lower()
    assert "retiré son consentement" in sheets
    # The anonymous counts do not change: both people are participants of the period.
    report = report_csv_values(files["rapport.csv"])
    # Two people: a small count, hidden for the funder.
    assert report[("characteristics", "participants", "count")] == "< 5"


def test_a_consent_given_again_puts_the_person_back_in_the_lists(organisation, pack_world):
    grant = _grant(organisation, "FSE", needs_names=True)
    GroupCharge.objects.create(grant=grant, group=pack_world["group"], share=Decimal("100"))
    person = pack_world["participant"]
    ConsentFactory(
        participant=person,
        purpose=ConsentPurpose.REPORTING,
        given_on=datetime.date(2026, 1, 5),
        withdrawn_on=datetime.date(2026, 2, 1),
    )
    ConsentFactory(
        participant=person, purpose=ConsentPurpose.REPORTING, given_on=datetime.date(2026, 3, 1)
    )
    rows = list(
        csv.reader(io.StringIO(_pack(grant)["participants.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert [row[1] for row in rows[1:]] == ["Vandenbroucke"]


def test_the_pack_hides_small_counts_alike_in_its_pdf_xlsx_and_csv(organisation, pack_world):
    grant = _grant(organisation, "FSE")
    GroupCharge.objects.create(grant=grant, group=pack_world["group"], share=Decimal("100"))
    for _index in range(6):
        EnrolmentFactory(group=pack_world["group"], participant__gender="M")
    files = _pack(grant)  # 7 participants: 6 men, 1 woman
    report = report_csv_values(files["rapport.csv"])
    assert report[("characteristics", "participants", "count")] == "7"
    assert report[("characteristics", "women", "count")] == "< 5"
    assert report[("characteristics", "women", "pct")] == "masqué"
    assert report[("characteristics", "men", "count")] == "masqué"  # 7 - 1 would give it
    sheet = sheet_by_code(load_workbook(io.BytesIO(files["rapport.xlsx"])), "characteristics")
    by_label = {row[0].value: [cell.value for cell in row[1:]] for row in sheet.iter_rows(3)}
    assert by_label["Femmes"][:2] == ["< 5", "masqué"]
    assert by_label["Hommes"][:2] == ["masqué", "masqué"]
    assert next(v for k, v in by_label.items() if k.startswith("Participants"))[0] == 7
    pdf = pdf_text(files["rapport.pdf"], layout=True)
    assert re.search(r"Femmes\s+<\s?5\s+masqué", pdf)  # the count, its percentage
    assert re.search(r"Hommes\s+masqué\s+masqué", pdf)


# -- Screens ------------------------------------------------------------------------------------


def test_the_pack_address_offers_to_prepare_it_and_writes_nothing(
    client, coordinator, organisation, django_assert_max_num_queries
):
    grant = _grant(organisation, "FSE")
    client.force_login(coordinator)
    url = reverse("funding:grant_pack", args=[grant.pk])
    client.get(url)  # the first request of a session writes its timestamps

    with django_assert_max_num_queries(4):  # session, user, grant, the user's packs
        response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'action="{reverse("downloads:prepare", args=["grant_pack"])}"' in html
    assert f'name="grant" value="{grant.pk}"' in html
    assert not response.context["packs"]
    # Nothing was read but the grant's name: nothing is traced until the pack is.
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()
    assert client.post(url).status_code == 405


def test_the_pack_address_leads_to_the_prepared_pack_whose_download_is_audited(
    client, coordinator, organisation, pack_world, django_capture_on_commit_callbacks
):
    grant, other = _grant(organisation, "FSE"), _grant(organisation, "FSE bis")
    GroupCharge.objects.create(grant=grant, group=pack_world["group"], share=Decimal("100"))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("downloads:prepare", args=["grant_pack"]), {"grant": grant.pk})
        client.post(reverse("downloads:prepare", args=["grant_pack"]), {"grant": other.pk})
    pack = Download.objects.get(parameters__grant=grant.pk)
    assert pack.available

    page = client.get(reverse("funding:grant_pack", args=[grant.pk]))

    assert page.context["packs"] == [pack]  # not the other grant's
    file_url = reverse("downloads:file", args=[pack.pk])
    assert f'href="{file_url}"' in page.content.decode()
    response = client.get(file_url)
    assert response["Content-Type"] == "application/zip"
    assert "rapport.pdf" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    event = AuditEvent.objects.get(action=AuditAction.VIEW, record_type="funding.grant")
    assert event.record_id == str(grant.pk)
    assert (event.actor, event.purpose) == (coordinator, AuditPurpose.DOWNLOAD)
    # A colleague sees only their own packs.
    client.force_login(UserFactory(organisation=organisation, coordinator=True))
    assert client.get(reverse("funding:grant_pack", args=[grant.pk])).context["packs"] == []


def test_the_grant_detail_shows_the_hours_and_refuses_too_much(client, coordinator, shared):
    grant_a, _grant_b = shared["grants"]
    client.force_login(coordinator)
    page = client.get(reverse("funding:grant_detail", args=[grant_a.pk])).content.decode()
    assert "1,50" in page
    response = client.post(
        reverse("funding:group_charge_create", args=[grant_a.pk]),
        {"group": shared["groups"][1].pk, "share": "10"},
    )
    assert response.status_code == 200  # the second group is already 100 % on grant B
    assert "100" in response.content.decode()
    assert not GroupCharge.objects.filter(grant=grant_a, group=shared["groups"][1]).exists()


def test_the_grant_list_sums_in_bounded_queries(client, viewer, organisation, shared):
    from parcours.testing import assert_bounded_queries

    client.force_login(viewer)

    def grow():
        for index in range(5):
            grant = _grant(organisation, f"More {index}")
            SessionCharge.objects.create(grant=grant, session=shared["session"], share=1)

    # Session, user, grants with funders, one sum of every grant's hours.
    assert_bounded_queries(client, reverse("funding:grant_list"), grow=grow, expected=4)
