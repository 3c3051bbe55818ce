"""The participant's portrait: kept only while their consent to photos is in force.

The file is checked and re-encoded with Pillow (a JPEG of at most ``MAX_SIDE`` pixels):
re-encoding drops every metadata the camera wrote (place, date, device) and anything
hidden in the file besides the picture. It is stored under ``MEDIA_ROOT`` (in ``var/``),
which no URL serves: ``views.photo.photo`` hands it out after the same access check as
the file, never to be cached.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from parcours.accounts.models import User
from parcours.audit.services import update_record
from parcours.participants.enums import ConsentPurpose
from parcours.participants.models import Participant
from parcours.participants.selectors import consent_in_force

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 800
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Decompression bombs: a small file that opens to a gigantic picture.
Image.MAX_IMAGE_PIXELS = 40_000_000


def reencoded(upload: File) -> bytes:
    """The upload as a clean JPEG, or ValidationError with what is wrong with it."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The photo is too large: 5 MB at most."), code="too_large")
    try:
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Give a JPEG, PNG or WebP picture."), code="format")
            upright = ImageOps.exif_transpose(image)  # before the EXIF is dropped
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            upright.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise ValidationError(_("This file is not a picture."), code="not_an_image") from error
    return out.getvalue()


@transaction.atomic
def photo_set(*, participant: Participant, upload: File, by: User) -> Participant:
    """Replace the person's photo by ``upload``; refused without a photo consent in force."""
    if not consent_in_force(participant, ConsentPurpose.PHOTOS):
        raise ValidationError(
            _("A photo can only be added while the person's consent to photos is in force."),
            code="no_consent",
        )
    content = reencoded(upload)
    old = participant.photo.name
    participant.photo.save("photo.jpg", ContentFile(content), save=False)
    update_record(obj=participant, by=by, photo=participant.photo.name)
    if old:
        _delete_after_commit(participant.photo.storage, old)
    return participant


@transaction.atomic
def photo_delete(*, participant: Participant, by: User | None) -> Participant:
    """Delete the person's photo, file and all (the trail keeps that it happened)."""
    storage, name = participant.photo.storage, participant.photo.name
    if not name:
        return participant
    update_record(obj=participant, by=by, photo="")
    _delete_after_commit(storage, name)
    return participant


def _delete_after_commit(storage: Storage, name: str) -> None:
    # Once the database no longer names the file: a rolled-back change keeps its photo.
    transaction.on_commit(lambda: storage.delete(name))
