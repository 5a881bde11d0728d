"""ORCID identifiers: 16 characters in groups of four, the last a check character computed with
ISO 7064 MOD 11-2 over the 15 digits before it (https://support.orcid.org/hc/en-us/articles/360006897674)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORCID_SHAPE = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def orcid_check_character(digits: str) -> str:
    """The ISO 7064 11,2 check character of the first 15 digits."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid_normalise(value: str) -> str:
    """An ORCID iD as 0000-0002-1825-0097, from that form, without dashes or as an orcid.org address;
    raises ValidationError when the shape or the check character is wrong."""
    value = (value or "").strip().upper()
    for prefix in ORCID_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    match = ORCID_SHAPE.match(value)
    if match is None:
        raise ValidationError(
            _("An ORCID iD has 16 characters in four groups, like 0000-0002-1825-0097."), code="orcid_shape"
        )
    digits = "".join(match.groups())
    if orcid_check_character(digits[:15]) != digits[15]:
        raise ValidationError(
            _("This ORCID iD has a typing error: its last character does not match the others."),
            code="orcid_checksum",
        )
    return "-".join(match.groups())


def validate_orcid(value: str) -> None:
    orcid_normalise(value)
