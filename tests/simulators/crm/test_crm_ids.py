"""Salesforce ids: the case-safe suffix, generated ids and normalisation of 15/18-character input."""

from __future__ import annotations

import pytest

from simulators.crm.ids import checksum, counter_of, make_id, normalize_id, to18


def test_suffix_of_an_all_digit_id_is_aaa() -> None:
    assert checksum("001000000000001") == "AAA"
    assert to18("001000000000001") == "001000000000001AAA"


def test_suffix_of_the_id_in_salesforce_s_rest_docs() -> None:
    # The create-response example in the REST API guide: "id" : "001D000000IqhSLIAZ".
    assert to18("001D000000IqhSL") == "001D000000IqhSLIAZ"


def test_suffix_sets_one_bit_per_upper_case_letter() -> None:
    # Chunks 00130 / 00000 / AbCdE: only the third has capitals, at positions 0, 2, 4 -> 1 + 4 + 16 = 21 -> V.
    assert checksum("0013000000AbCdE") == "AAV"
    assert checksum("ABCDEABCDEABCDE") == "555"


def test_made_ids_have_the_key_prefix_length_and_checksum() -> None:
    record_id = make_id("006", 10)
    assert record_id == "00600000000000AAAQ"
    assert len(record_id) == 18
    assert record_id.startswith("006")
    assert record_id[15:] == checksum(record_id[:15])
    assert counter_of(record_id) == 10


def test_fifteen_character_input_is_accepted() -> None:
    assert normalize_id("001D000000IqhSL") == "001D000000IqhSLIAZ"


def test_eighteen_character_input_is_case_insensitive() -> None:
    assert normalize_id("001d000000iqhsliaz") == "001D000000IqhSLIAZ"


@pytest.mark.parametrize(
    "value", ["", "abc", "001D000000IqhS", "001D000000IqhSL!A", "001D000000IqhSL9AZ", "000000000000000BAA"]
)
def test_non_ids_are_rejected(value: str) -> None:
    assert normalize_id(value) is None
