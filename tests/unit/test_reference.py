"""Booking references: 8 digits and a Damm check digit that catches the mistakes people make
keying a number on a phone: any one digit wrong, or two neighbouring digits swapped."""
from __future__ import annotations

import random

import pytest

from core.reference import LENGTH, check_digit, new_reference, normalise, spoken_groups

# A fixed sample: the same references every run, plus the awkward ones.
SAMPLE = sorted({f"{n:08d}" for n in random.Random(2026).sample(range(10**7, 10**8), 400)}
                | {"10000000", "99999999", "12121212", "90909090", "55555555"})
REFERENCES = [body + check_digit(body) for body in SAMPLE]


def _one_digit_wrong(reference: str):
    for position in range(LENGTH):
        for digit in "0123456789":
            if digit != reference[position]:
                yield reference[:position] + digit + reference[position + 1:]


def _neighbours_swapped(reference: str):
    for position in range(LENGTH - 1):
        a, b = reference[position], reference[position + 1]
        if a != b:
            yield reference[:position] + b + a + reference[position + 2:]


def test_every_reference_is_accepted_as_keyed():
    assert all(normalise(reference) == reference for reference in REFERENCES)


def test_the_check_digit_catches_every_single_digit_error():
    missed = [typo for reference in REFERENCES for typo in _one_digit_wrong(reference)
              if normalise(typo) is not None]
    assert missed == []


def test_the_check_digit_catches_every_swap_of_neighbouring_digits():
    swaps = [swap for reference in REFERENCES for swap in _neighbours_swapped(reference)]
    assert len(swaps) > 7 * len(REFERENCES)
    assert [swap for swap in swaps if normalise(swap) is not None] == []


def test_a_new_reference_is_8_digits_with_no_leading_zero_and_a_check_digit():
    for _ in range(200):
        reference = new_reference()
        assert len(reference) == 9 and reference.isdigit() and reference[0] != "0"
        assert normalise(reference) == reference


@pytest.mark.parametrize("keyed", ["123 456 78{c}", "1234-5678-{c}", " 12345678{c} ",
                                   "123.456.78{c}"])
def test_a_reference_may_be_spaced_dashed_or_dotted(keyed):
    body = "12345678"
    assert normalise(keyed.format(c=check_digit(body))) == body + check_digit(body)


@pytest.mark.parametrize("keyed", ["", None, "12345678", "1234567890", "12345678a", "ABCDEFGHI"])
def test_anything_but_nine_digits_is_not_a_reference(keyed):
    assert normalise(keyed) is None


def test_a_reference_is_read_back_in_three_groups_of_three():
    assert spoken_groups("123456789") == ["123", "456", "789"]
