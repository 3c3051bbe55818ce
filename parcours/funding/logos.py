"""A funder's logo: checked, re-encoded and printed on the attendance sheets.

The upload is opened with Pillow and written again as a PNG of at most ``MAX_SIDE``
pixels (transparency kept): re-encoding drops whatever else the file carried. The file
lives under ``MEDIA_ROOT``, which no URL serves: the sheets embed it in the PDF.
"""

import base64
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def reencoded_logo(upload) -> ContentFile:
    """The upload as a clean PNG, or ValidationError with what is wrong with it."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The logo is too large: 2 MB at most."), code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Give a PNG, JPEG or WebP picture."), code="format")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            keeps_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
            image.convert("RGBA" if keeps_alpha else "RGB").save(out, format="PNG")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise ValidationError(_("This file is not a picture."), code="not_an_image") from error
    return ContentFile(out.getvalue(), name="logo.png")


@dataclass(frozen=True)
class PrintedLogo:
    """A logo as a sheet prints it: the funder's name (its text alternative) and the
    picture as a data address, embedded in the PDF."""

    name: str
    src: str


def printed_logos(funders) -> list[PrintedLogo]:
    """The logos of ``funders`` (those that have one), in their order; a file gone from
    the disk is left out rather than printed as a broken picture."""
    logos = []
    for funder in funders:
        if not funder.logo:
            continue
        try:
            with funder.logo.open("rb") as file:
                content = file.read()
        except OSError:
            continue
        encoded = base64.b64encode(content).decode("ascii")
        logos.append(PrintedLogo(funder.name, f"data:image/png;base64,{encoded}"))
    return logos
