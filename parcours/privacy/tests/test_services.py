import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from parcours.assessments.models import Action, Assessment, DomainRating
from parcours.attendance.models import Attendance
from parcours.audit.models import AuditAction, AuditEvent
from parcours.audit.sealing import open_events
from parcours.participants.filters import search
from parcours.participants.models import (
    Consent,
    Intervention,
    InterventionDomain,
    LiteracyTest,
    Participant,
)
from parcours.privacy.enums import ErasureReason, ProcessingKind
from parcours.privacy.models import ProcessedFile, RetentionPolicy
from parcours.privacy.services import (
    anonymise_inactive,
    coarse_birth_date,
    erase_file,
    retention_policy_set,
)
from parcours.privacy.tests.files import full_file, secrets_of
from parcours.programme.factories import GroupFactory
from parcours.programme.models import Enrolment, ExitFollowUp

D = datetime.date
TODAY = D(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def old_group(organisation):
    return GroupFactory(
        organisation=organisation, start_date=D(2018, 1, 8), end_date=D(2018, 10, 26)
    )


@pytest.fixture
def old_file(organisation, coordinator, old_group):
    return full_file(
        organisation,
        by=coordinator,
        group=old_group,
        number=1,
        start=D(2018, 1, 8),
        exit_date=D(2018, 10, 26),
    )


# -- The birth date kept ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "starts", "kept"),
    [
        (D(1980, 5, 17), [], D(1980, 1, 1)),
        (D(1980, 5, 17), [D(2018, 9, 3)], D(1980, 1, 1)),  # every start after the birthday
        (D(1980, 5, 17), [D(2018, 1, 8), D(2019, 3, 4)], D(1980, 3, 5)),
        (D(1980, 5, 17), [D(2018, 5, 17)], D(1980, 1, 1)),  # on the birthday: already older
        (D(1980, 5, 17), [D(2018, 5, 16)], D(1980, 5, 17)),
        (D(1981, 3, 1), [D(2016, 2, 29)], D(1981, 3, 1)),  # a leap day start, common year
        (D(1984, 3, 1), [D(2016, 2, 29)], D(1984, 3, 1)),
        (D(1984, 2, 29), [D(2018, 2, 28)], D(1984, 2, 29)),
    ],
)
def test_the_birth_date_kept_is_the_earliest_giving_the_same_ages(birth, starts, kept):
    assert coarse_birth_date(birth, starts) == kept


def test_the_kept_birth_date_gives_the_same_age_on_every_day_of_a_decade():
    """Against a brute force: every birthday of a leap and a common year, every start."""
    from parcours.participants.models import Participant as P

    starts_pool = [D(2016, 2, 29), D(2017, 1, 1), D(2017, 6, 30), D(2018, 12, 31), D(2019, 3, 1)]
    for year in (1983, 1984):
        day = D(year, 1, 1)
        while day.year == year:
            kept = coarse_birth_date(day, starts_pool)
            assert kept.year == year
            for start in starts_pool:
                assert P(birth_date=kept).age_on(start) == P(birth_date=day).age_on(start)
            day += datetime.timedelta(days=1)


# -- Retention period -------------------------------------------------------------------


def test_the_retention_period_is_created_then_changed_with_its_audit_rows(
    organisation, coordinator
):
    policy = retention_policy_set(organisation=organisation, years=5, by=coordinator)
    retention_policy_set(organisation=organisation, years=7, by=coordinator)
    assert RetentionPolicy.objects.get(organisation=organisation).years == 7
    events = AuditEvent.objects.about("privacy.retentionpolicy", policy.pk).order_by("pk")
    assert [(e.action, e.changes.get("years")) for e in events] == [
        (AuditAction.CREATE, {"before": None, "after": 5}),
        (AuditAction.UPDATE, {"before": 5, "after": 7}),
    ]


def test_a_retention_period_of_zero_years_is_refused(organisation, coordinator):
    with pytest.raises(ValidationError, match="supérieure ou égale à 1"):
        retention_policy_set(organisation=organisation, years=0, by=coordinator)


# -- Anonymisation ----------------------------------------------------------------------


def test_anonymisation_removes_what_names_the_person_and_every_note(old_file, coordinator):
    processing = anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    person = Participant.objects.get(pk=old_file.pk)
    assert processing.file_count == 1
    assert (person.last_name, person.first_name, person.niss) == ("", "", "")
    assert (person.phone, person.email, person.address, person.postal_code, person.city) == (
        ("", "", "", "", "")
    )
    assert (person.referral_detail, person.social_worker, person.search_text) == ("", None, "")
    assert person.reference == f"ANON-{person.pk}"
    assert person.birth_date == D(1980, 1, 9)  # the day after the start, 8 January
    assert person.anonymised_on == TODAY
    assert str(person) == "Dossier anonymisé"
    assert set(Intervention.objects.filter(participant=person).values_list("notes", flat=True)) == {
        ""
    }
    assert set(
        LiteracyTest.objects.filter(participant=person).values_list("comment", flat=True)
    ) == {""}
    assessments = Assessment.objects.filter(enrolment__participant=person)
    assert set(assessments.values_list("overall_note", flat=True)) == {""}
    ratings = DomainRating.objects.filter(assessment__enrolment__participant=person)
    assert set(ratings.values_list("comment", flat=True)) == {""}
    actions = Action.objects.filter(enrolment__participant=person)
    assert set(actions.values_list("description", "own_words", "responsible")) == {("", "", "")}
    follow_ups = ExitFollowUp.objects.filter(enrolment__participant=person)
    assert set(follow_ups.values_list("note", flat=True)) == {""}


def test_anonymisation_keeps_what_the_figures_read(old_file, coordinator):
    before = Participant.objects.values(
        "gender",
        "birth_country",
        "nationality",
        "qualification_level",
        "never_worked",
        "inactive_since",
        "french_level",
        "language_course",
        "referred_by",
    ).get(pk=old_file.pk)
    enrolments = list(Enrolment.objects.filter(participant=old_file).values())
    ratings = sorted(
        DomainRating.objects.filter(assessment__enrolment__participant=old_file).values_list(
            "assessment__moment", "domain", "rating"
        )
    )
    anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    assert Participant.objects.values(*before).get(pk=old_file.pk) == before
    assert list(Enrolment.objects.filter(participant=old_file).values()) == enrolments
    assert (
        sorted(
            DomainRating.objects.filter(assessment__enrolment__participant=old_file).values_list(
                "assessment__moment", "domain", "rating"
            )
        )
        == ratings
    )
    assert Attendance.objects.filter(participant=old_file).count() == 1
    assert Consent.objects.filter(participant=old_file).count() == 1
    assert InterventionDomain.objects.filter(intervention__participant=old_file).count() == 1


def test_the_search_no_longer_finds_the_old_name(old_file, coordinator):
    people = Participant.objects.filter(organisation=old_file.organisation)
    assert list(search(people, secrets_of(1).last_name)) == [old_file]
    anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    for value in (
        secrets_of(1).last_name,
        secrets_of(1).first_name,
        secrets_of(1).niss,
        "REF-0001",
    ):
        assert not search(people, value).exists()


def test_the_audit_rows_say_who_processed_which_file_without_its_values(old_file, coordinator):
    latest = AuditEvent.objects.order_by("-pk").first().pk
    processing = anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    events = list(AuditEvent.objects.filter(pk__gt=latest).order_by("pk"))
    assert [(e.record_type, e.action, e.actor, e.subject_id) for e in events] == [
        ("privacy.processing", AuditAction.CREATE, coordinator, None),
        ("privacy.processedfile", AuditAction.CREATE, coordinator, old_file.pk),
    ]
    assert events[0].changes["file_count"] == {"before": None, "after": 1}
    written = repr([(e.record_label, e.changes, e.sealed) for e in events])
    for value in [*secrets_of(1).values(), "REF-0001", "1980-05-17"]:
        assert value not in written
    assert ProcessedFile.objects.get(participant=old_file).processing == processing


def test_what_the_trail_said_about_the_person_can_no_longer_be_read(old_file, coordinator):
    about_them = AuditEvent.objects.filter(subject_id=old_file.pk)
    before = list(about_them)
    open_events(before)
    assert any(secrets_of(1).last_name.upper() in e.plain_label for e in before)
    anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    after = list(about_them.all())
    open_events(after)
    assert len(after) == len(before) + 1  # the processed file's row
    assert all(e.opened["erased"] for e in after)


def test_a_file_is_never_processed_twice(old_file, coordinator):
    kwargs = {
        "organisation": old_file.organisation,
        "inactive_before": D(2021, 3, 10),
        "by": coordinator,
    }
    assert anonymise_inactive(**kwargs).file_count == 1
    assert anonymise_inactive(**kwargs) is None
    with pytest.raises(ValidationError, match="déjà anonymisé"):
        erase_file(participant=old_file, reason=ErasureReason.REQUEST, by=coordinator)


def test_only_the_files_chosen_are_anonymised(organisation, coordinator, old_group):
    people = [
        full_file(
            organisation,
            by=coordinator,
            group=old_group,
            number=n,
            start=D(2018, 1, 8),
            exit_date=D(2018, 6, 1),
        )
        for n in (1, 2, 3)
    ]
    processing = anonymise_inactive(
        organisation=organisation,
        inactive_before=D(2021, 3, 10),
        by=coordinator,
        only=[people[0].pk, people[2].pk],
    )
    assert processing.file_count == 2
    anonymised = Participant.objects.filter(anonymised_on__isnull=False)
    assert set(anonymised.values_list("pk", flat=True)) == {people[0].pk, people[2].pk}


def test_a_file_chosen_but_no_longer_due_is_left_alone(old_file, coordinator, organisation):
    group = GroupFactory(organisation=organisation, start_date=D(2026, 1, 5))
    Enrolment.objects.create(participant=old_file, group=group, start_date=D(2026, 1, 5))
    processing = anonymise_inactive(
        organisation=organisation,
        inactive_before=D(2021, 3, 10),
        by=coordinator,
        only=[old_file.pk],
    )
    assert processing is None
    assert Participant.objects.get(pk=old_file.pk).anonymised_on is None


# -- Erasure ----------------------------------------------------------------------------


def test_erasure_also_deletes_what_no_figure_reads(old_file, coordinator):
    processing = erase_file(participant=old_file, reason=ErasureReason.REQUEST, by=coordinator)
    person = Participant.objects.get(pk=old_file.pk)
    assert processing.kind == ProcessingKind.ERASURE
    assert processing.erasure_reason == ErasureReason.REQUEST
    assert (person.last_name, person.niss, person.nationality, person.referred_by) == (
        "",
        "",
        "",
        "",
    )
    assert person.anonymised_on == TODAY
    assert not Consent.objects.filter(participant=person).exists()
    assert not LiteracyTest.objects.filter(participant=person).exists()
    assert not Action.objects.filter(enrolment__participant=person).exists()
    assert not ExitFollowUp.objects.filter(enrolment__participant=person).exists()
    assert not InterventionDomain.objects.filter(intervention__participant=person).exists()
    # What the figures and the funders' controls read stays.
    assert Intervention.objects.filter(participant=person, duration_minutes=45).count() == 1
    assert Attendance.objects.filter(participant=person).count() == 1
    assert (
        DomainRating.objects.filter(
            assessment__enrolment__participant=person, rating__isnull=False
        ).count()
        == 14
    )
    assert (person.gender, person.birth_country, person.qualification_level) == (
        "F",
        "MA",
        "primary",
    )


def test_erasure_waits_for_the_exit_of_an_enrolment_under_way(organisation, coordinator):
    group = GroupFactory(
        organisation=organisation, start_date=D(2026, 1, 5), end_date=D(2026, 10, 30)
    )
    person = full_file(
        organisation, by=coordinator, group=group, number=4, start=D(2026, 1, 5), exit_date=None
    )
    with pytest.raises(ValidationError, match="sortie"):
        erase_file(participant=person, reason=ErasureReason.REQUEST, by=coordinator)
    assert Participant.objects.get(pk=person.pk).last_name == secrets_of(4).last_name


# -- What stays closed after -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_anonymisation_deletes_the_photo_and_its_file(old_file, coordinator, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from parcours.participants.enums import ConsentPurpose
    from parcours.participants.factories import ConsentFactory
    from parcours.participants.photos import photo_set

    settings.MEDIA_ROOT = tmp_path
    ConsentFactory(participant=old_file, purpose=ConsentPurpose.PHOTOS, given_on=D(2018, 1, 8))
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "navy").save(out, "JPEG")
    photo_set(
        participant=old_file,
        upload=SimpleUploadedFile("me.jpg", out.getvalue(), content_type="image/jpeg"),
        by=coordinator,
    )
    old_file.refresh_from_db()
    storage, name = old_file.photo.storage, old_file.photo.name
    assert storage.exists(name)

    anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )

    assert not Participant.objects.get(pk=old_file.pk).photo
    assert not storage.exists(name)


def test_an_anonymised_file_is_never_written_back_into(old_file, coordinator, client):
    from django.urls import reverse

    from parcours.participants.services import participant_update

    anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    person = Participant.objects.get(pk=old_file.pk)

    # Matched in English: the refusal is translated (French by default).
    with translation.override("en"), pytest.raises(ValidationError, match="anonymised"):
        participant_update(participant=person, by=coordinator, last_name="Dupont")
    client.force_login(coordinator)
    edit = reverse("participants:participant_update", kwargs={"pk": person.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"last_name": "Dupont"}).status_code == 403
    assert Participant.objects.get(pk=person.pk).last_name == ""


def _prepared_export_and_message(person, coordinator):
    from parcours.downloads.enums import DownloadStatus
    from parcours.downloads.models import Download
    from parcours.reminders.enums import Channel, MessageKind
    from parcours.reminders.models import MessageLog

    export = Download.objects.create(
        organisation=person.organisation,
        requested_by=coordinator,
        kind="workbook",
        language="fr",
        status=DownloadStatus.DONE,
        content=b"PK...the workbook lists everyone",
        expires_at=timezone.now() + datetime.timedelta(hours=12),
    )
    MessageLog.objects.create(
        organisation=person.organisation,
        kind=MessageKind.SESSION_REMINDER,
        channel=Channel.SMS,
        participant=person,
        period="2019-05-02",
        dedup_key=f"session_reminder:{person.pk}:2019-05-02",
    )
    return export, MessageLog.objects.filter(participant=person)


def test_anonymisation_deletes_the_files_prepared_for_download(old_file, coordinator):
    export, messages = _prepared_export_and_message(old_file, coordinator)
    anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    export.refresh_from_db()
    assert (bytes(export.content), export.expired) == (b"", True)
    assert messages.count() == 1  # it holds no text; the file it points to is anonymous


def test_erasure_deletes_the_prepared_files_and_the_log_of_the_messages(old_file, coordinator):
    export, messages = _prepared_export_and_message(old_file, coordinator)
    erase_file(participant=old_file, reason=ErasureReason.REQUEST, by=coordinator)
    export.refresh_from_db()
    assert bytes(export.content) == b""
    assert not messages.exists()
