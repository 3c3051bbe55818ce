import datetime

import pytest
from django.core.exceptions import ValidationError

from parcours.participants.niss import clean_niss, format_niss


def _with_check_digits(first_nine: str, *, born_from_2000: bool = False) -> str:
    """Computes the check digits by hand (97 - number mod 97; a "2" in front from 2000 on)."""
    base = int(("2" if born_from_2000 else "") + first_nine)
    return f"{first_nine}{97 - base % 97:02d}"


def test_valid_number_with_punctuation_is_kept_as_digits():
    assert clean_niss("85.07.30-033.28") == "85073003328"


def test_empty_stays_empty():
    assert clean_niss("  ") == ""


def test_wrong_check_digits():
    with pytest.raises(ValidationError, match="Les deux derniers chiffres") as error:
        clean_niss("85.07.30-033.27")
    assert error.value.code == "niss_checksum"


def test_wrong_length():
    with pytest.raises(ValidationError, match="Un numéro de registre national compte 11") as error:
        clean_niss("85.07.30-033")
    assert error.value.code == "niss_format"


def test_born_from_2000_uses_the_rule_with_a_leading_2():
    number = _with_check_digits("050612345", born_from_2000=True)
    assert clean_niss(number, birth_date=datetime.date(2005, 6, 12)) == number


def test_a_number_computed_without_the_2000_rule_is_refused_for_a_child_of_2005():
    wrong = _with_check_digits("050612345")  # valid for 1905, not for 2005
    with pytest.raises(
        ValidationError, match="date de naissance 12/06/1905, et non à celle indiquée"
    ):
        clean_niss(wrong, birth_date=datetime.date(2005, 6, 12))


def test_bis_number_month_plus_40():
    number = _with_check_digits("854730033")  # born July 1985, gender known at registration
    assert clean_niss(number, birth_date=datetime.date(1985, 7, 30)) == number


def test_bis_number_month_plus_20():
    number = _with_check_digits("852730033")
    assert clean_niss(number, birth_date=datetime.date(1985, 7, 30)) == number


def test_impossible_birth_date_part():
    number = _with_check_digits("851330033")  # month 13
    with pytest.raises(
        ValidationError, match="ne forment pas une date de naissance possible"
    ) as error:
        clean_niss(number)
    assert error.value.code in {"niss_birth_date", "niss_invalid"}


def test_number_of_another_birth_date_is_refused():
    with pytest.raises(
        ValidationError, match="date de naissance 30/07/1985, et non à celle indiquée"
    ) as error:
        clean_niss("85073003328", birth_date=datetime.date(1985, 7, 31))
    assert error.value.code == "niss_other_birth_date"


def test_format_as_on_the_identity_card():
    assert format_niss("85073003328") == "85.07.30-033.28"
