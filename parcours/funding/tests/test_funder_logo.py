"""A funder's logo: checked and re-encoded when given on the funder's form, printed on
the attendance sheets of the work charged to its grants, and no empty box otherwise."""

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase
from django.urls import reverse
from PIL import Image

from parcours.funding.logos import MAX_BYTES
from parcours.funding.models import Funder, Grant, GroupCharge, SessionCharge
from parcours.programme.factories import GroupFactory
from parcours.workshops.factories import SessionFactory

D = datetime.date


def _picture(format="PNG", size=(1200, 400), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (31, 58, 95, 255) if mode == "RGBA" else (31, 58, 95)).save(
        out, format=format
    )
    return out.getvalue()


def _upload(content: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _post_funder(client, url, **extra):
    data = {"name": "Fonds social européen", "kind": "esf", "version": "1"} | extra
    return client.post(url, data)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_logo_given_on_the_form_is_kept_as_a_small_png(client, coordinator):
    client.force_login(coordinator)

    response = _post_funder(
        client,
        reverse("funding:funder_create"),
        logo=_upload(_picture("JPEG", mode="RGB"), "logo.jpg", "image/jpeg"),
    )

    assert response.status_code == 302
    funder = Funder.objects.get()
    with funder.logo.open("rb") as file, Image.open(file) as image:
        assert (image.format, max(image.size)) == ("PNG", 600)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not a picture", "image valide"),
        (_picture("GIF", mode="RGB"), "PNG, JPEG ou WebP"),
    ],
)
def test_a_file_that_is_not_a_logo_is_refused(client, coordinator, content, message):
    client.force_login(coordinator)

    response = _post_funder(client, reverse("funding:funder_create"), logo=_upload(content))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["logo"])
    assert not Funder.objects.exists()


def test_a_logo_too_large_is_refused(client, coordinator):
    client.force_login(coordinator)
    # Noise does not compress: a true picture larger than the limit.
    out = io.BytesIO()
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(out, format="PNG")
    content = out.getvalue()
    assert len(content) > MAX_BYTES

    response = _post_funder(client, reverse("funding:funder_create"), logo=_upload(content))

    assert "2 Mo" in " ".join(response.context["form"].errors["logo"])


def test_a_logo_is_replaced_then_removed_and_the_old_files_deleted(client, coordinator):
    client.force_login(coordinator)
    _post_funder(client, reverse("funding:funder_create"), logo=_upload(_picture()))
    funder = Funder.objects.get()
    first = funder.logo.name
    url = reverse("funding:funder_update", args=[funder.pk])

    with TestCase.captureOnCommitCallbacks(execute=True):
        _post_funder(client, url, version=str(funder.version), logo=_upload(_picture()))
    funder.refresh_from_db()
    second = funder.logo.name
    with TestCase.captureOnCommitCallbacks(execute=True):
        _post_funder(client, url, version=str(funder.version), remove_logo="on")
    funder.refresh_from_db()

    assert second != first
    assert not funder.logo
    storage = funder.logo.storage
    assert not storage.exists(first)
    assert not storage.exists(second)


def _charged_world(organisation, *, logo: bool):
    group = GroupFactory(organisation=organisation, start_date=D(2026, 1, 5))
    funder = Funder.objects.create(organisation=organisation, name="FSE", kind="esf")
    if logo:
        funder.logo.save("logo.png", io.BytesIO(_picture()), save=True)
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="FSE 2026",
        start_date=D(2026, 1, 1),
        end_date=D(2026, 12, 31),
        amount=Decimal("1000"),
    )
    GroupCharge.objects.create(grant=grant, group=group, share=Decimal("100"))
    session = SessionFactory(organisation=organisation, groups=[group], date=D(2026, 3, 3))
    return group, session, grant


def _images(pdf: bytes) -> int:
    """The pictures of a PDF (a logo with transparency is two: the colours and the mask)."""
    return pdf.count(b"/Subtype /Image")


@pytest.mark.parametrize("logo", [True, False])
def test_the_sheets_print_the_funders_logo_when_one_is_known(
    client, organisation, coordinator, logo
):
    group, session, _grant = _charged_world(organisation, logo=logo)
    client.force_login(coordinator)

    for url in (
        reverse("attendance:session_sheet", args=[session.pk]),
        reverse("attendance:group_month_sheet", args=[group.pk]) + "?month=2026-03",
    ):
        pdf = client.get(url).content
        assert (_images(pdf) > 0) == logo, url
        assert b"Logo du pouvoir subsidiant" not in pdf


def test_a_session_charged_on_its_own_prints_its_own_funder(client, organisation, coordinator):
    _group, session, _grant = _charged_world(organisation, logo=True)
    other = Funder.objects.create(organisation=organisation, name="Commune", kind="other")
    own = Grant.objects.create(
        organisation=organisation,
        funder=other,
        name="Commune 2026",
        start_date=D(2026, 1, 1),
        end_date=D(2026, 12, 31),
        amount=Decimal("1000"),
    )
    SessionCharge.objects.create(grant=own, session=session, share=Decimal("100"))
    client.force_login(coordinator)

    pdf = client.get(reverse("attendance:session_sheet", args=[session.pk])).content

    assert _images(pdf) == 0  # the session's own funder has no logo, the group's is not its


@pytest.mark.django_db(transaction=True)
def test_the_logos_migration_goes_back_and_forth():
    executor = MigrationExecutor(connection)
    executor.migrate([("funding", "0005_hours_summary")])
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "funding_funder"
        )
    }
    assert "logo" not in columns
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "funding_funder"
        )
    }
    assert "logo" in columns
