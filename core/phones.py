"""Phone numbers: E.164 normalisation, and which numbers can receive texts."""
from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType

# Crown dependencies (Isle of Man, Jersey, Guernsey) share +44 with the UK.
UK_COUNTRY_CODE = 44


def to_e164(raw: str | None, region: str = "GB") -> str | None:
    """The number in E.164, or None if it is not a valid number."""
    if not raw:
        return None
    try:
        parsed = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_uk_mobile(e164: str | None) -> bool:
    """True for a +44 mobile (UK or Crown dependency): the only numbers the line texts."""
    if not e164:
        return False
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return (parsed.country_code == UK_COUNTRY_CODE
            and phonenumbers.number_type(parsed) == PhoneNumberType.MOBILE)
