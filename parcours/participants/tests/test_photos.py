"""The participant's photo: gated by the consent to photos, cleaned, served privately."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from parcours.audit.models import AuditAction, AuditEvent
from parcours.participants import services
from parcours.participants.enums import ConsentPurpose
from parcours.participants.factories import ConsentFactory
from parcours.participants.photos import photo_set
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _jpeg(size=(1600, 1200), *, with_exif=True, fmt="JPEG") -> SimpleUploadedFile:
    image = Image.new("RGB", size, "orange")
    out = io.BytesIO()
    extra = {}
    if with_exif:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        exif[0x8825] = {2: (50, 51, 0)}  # GPS latitude
        extra["exif"] = exif
    image.save(out, format=fmt, **extra)
    return SimpleUploadedFile("portrait.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def person(organisation):
    group = GroupFactory(organisation=organisation)
    return EnrolmentFactory(group=group, start_date=group.start_date).participant


@pytest.fixture
def consenting(person):
    return ConsentFactory(participant=person, purpose=ConsentPurpose.PHOTOS)


def test_a_photo_needs_a_consent_to_photos_in_force(client, coordinator, person):
    ConsentFactory(participant=person, purpose=ConsentPurpose.PARTNER_SHARING)
    client.force_login(coordinator)
    response = client.post(
        reverse("participants:photo_update", args=[person.pk]), {"photo": _jpeg()}
    )
    assert response.status_code == 200
    assert "consentement aux photos" in response.content.decode()
    person.refresh_from_db()
    assert not person.photo
    with pytest.raises(ValidationError, match="consentement aux photos"):
        photo_set(participant=person, upload=_jpeg(), by=coordinator)


def test_the_photo_is_reencoded_without_metadata_and_resized(
    client, coordinator, person, consenting
):
    client.force_login(coordinator)
    response = client.post(
        reverse("participants:photo_update", args=[person.pk]), {"photo": _jpeg(fmt="PNG")}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    with person.photo.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert max(image.size) == 800
    assert not image.getexif()
    assert b"SecretCam" not in data
    assert person.photo.name.startswith("participants/photos/")
    changes = [
        event.plain_changes
        for event in AuditEvent.objects.filter(
            action=AuditAction.UPDATE, record_type="participants.participant"
        )
    ]
    assert any("photo" in change for change in changes)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.jpg", b"not a picture"), "pas une image"),
        (SimpleUploadedFile("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "JPEG, PNG ou WebP"),
        (SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1)), "trop lourde"),
    ],
)
def test_what_is_not_a_small_picture_is_refused(
    client, coordinator, person, consenting, upload, message
):
    client.force_login(coordinator)
    response = client.post(
        reverse("participants:photo_update", args=[person.pk]), {"photo": upload}
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_photo_is_served_privately_to_who_may_open_the_file(
    client, coordinator, workshop_leader, viewer, outsider, person, consenting
):
    photo_set(participant=person, upload=_jpeg(), by=coordinator)
    url = reverse("participants:photo", args=[person.pk])
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    assert response["Content-Type"] == "image/jpeg"
    # Reading the stream through the test client closes the file (and keeps the database
    # connection, which a bare response.close() would end).
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"
    assert (
        url
        in client.get(reverse("participants:participant_detail", args=[person.pk])).content.decode()
    )
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(workshop_leader)  # not in charge of the group
    assert client.get(url).status_code == 404


def test_the_register_shows_the_photo(client, coordinator, workshop_leader, person, consenting):
    photo_set(participant=person, upload=_jpeg(), by=coordinator)
    group = person.enrolments.get().group
    group.staff.add(workshop_leader)
    session = SessionFactory(
        organisation=person.organisation,
        groups=[group],
        date=group.start_date,
        leader=workshop_leader,
    )
    client.force_login(workshop_leader)
    html = client.get(reverse("attendance:register", args=[session.pk])).content.decode()
    assert reverse("participants:photo", args=[person.pk]) in html
    response = client.get(reverse("participants:photo", args=[person.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_withdrawing_the_consent_deletes_the_photo(
    django_capture_on_commit_callbacks, coordinator, person, consenting
):
    photo_set(participant=person, upload=_jpeg(), by=coordinator)
    storage, name = person.photo.storage, person.photo.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(
            consent=consenting, withdrawn_on=datetime.date.today(), by=coordinator
        )
    person.refresh_from_db()
    assert not person.photo
    assert not storage.exists(name)
    change = next(
        event.plain_changes
        for event in AuditEvent.objects.order_by("-pk")
        if "photo" in event.plain_changes
    )
    assert change["photo"] == {"before": name, "after": ""}


def test_the_photo_view_says_when_there_is_none(client, coordinator, person):
    client.force_login(coordinator)
    assert client.get(reverse("participants:photo", args=[person.pk])).status_code == 404
