"""ORCID iDs: shape and ISO 7064 11,2 check character."""

import pytest
from django.core.exceptions import ValidationError

from cop.network.orcid import orcid_check_character, orcid_normalise


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),  # ORCID's own example
        ("0000000218250097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),  # check character X (10)
    ],
)
def test_valid_orcids_are_normalised(value, expected):
    assert orcid_normalise(value) == expected


def test_check_character_of_orcid_examples():
    assert orcid_check_character("000000021825009") == "7"
    assert orcid_check_character("000000021694233") == "X"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0000-0002-1825-0098", "orcid_checksum"),
        ("0000-0002-1825-009", "orcid_shape"),
        ("0000-0002-1825-00X7", "orcid_shape"),
        ("not an orcid", "orcid_shape"),
    ],
)
def test_invalid_orcids_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        orcid_normalise(value)
    assert error.value.code == code
