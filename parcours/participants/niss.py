"""The Belgian national register number (NISS): national and "bis" numbers.

The check digits, the birth-date part (including the rule for people born from 2000 on)
and the bis months (+20 when the gender was unknown, +40 when it was known) are checked
by python-stdnum; this module turns its verdicts into messages for the person typing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.be import ssn


def clean_niss(value: str, *, birth_date: datetime.date | None = None) -> str:
    """The 11 digits of a valid number, or ValidationError with a message that says why."""
    digits = ssn.compact(value or "")
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) != 11:
        raise ValidationError(
            _("A national register number has 11 digits, for example 85.07.30-033.28."),
            code="niss_format",
        )
    try:
        ssn.validate(digits)
    except stdnum_errors.InvalidChecksum as error:
        raise ValidationError(
            _("The last two digits (check digits) do not match: check the number."),
            code="niss_checksum",
        ) from error
    except stdnum_errors.InvalidComponent as error:
        raise ValidationError(
            _("The first six digits are not a possible birth date."), code="niss_birth_date"
        ) from error
    except stdnum_errors.ValidationError as error:
        raise ValidationError(
            _("This is not a valid national register number."), code="niss_invalid"
        ) from error
    number_birth_date = ssn.get_birth_date(digits)
    if birth_date and number_birth_date and number_birth_date != birth_date:
        raise ValidationError(
            _("The number gives the birth date %(date)s, not the one entered."),
            code="niss_other_birth_date",
            params={"date": number_birth_date.strftime("%d/%m/%Y")},
        )
    return digits


def format_niss(digits: str) -> str:
    """85073003328 → 85.07.30-033.28, the way it is printed on the identity card."""
    if len(digits) != 11:
        return digits
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"
