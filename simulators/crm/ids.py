"""Salesforce record ids: a 15-character case-sensitive id plus a 3-character case-safe suffix.

The suffix is the standard algorithm: split the 15-character id into three chunks of five; in each chunk,
bit ``i`` is set when character ``i`` is an upper-case letter; the 5-bit number indexes
``ABCDEFGHIJKLMNOPQRSTUVWXYZ012345``. The 18-character form is case-insensitive: the suffix restores the
case of the first fifteen characters.
"""

from __future__ import annotations

import re

SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ID15 = re.compile(r"^[A-Za-z0-9]{15}$")
_ID18 = re.compile(r"^[A-Za-z0-9]{15}[A-Za-z0-5]{3}$")


def checksum(id15: str) -> str:
    """The 3-character case-safe suffix of a 15-character id."""
    out = []
    for chunk in range(3):
        bits = 0
        for i, char in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << i
        out.append(SUFFIX_ALPHABET[bits])
    return "".join(out)


def to18(id15: str) -> str:
    """The 18-character form of a 15-character id."""
    return id15 + checksum(id15)


def make_id(prefix: str, number: int) -> str:
    """An 18-character id: the 3-character key prefix, ``number`` in base 62 over 12 characters, the suffix."""
    if len(prefix) != 3 or number < 0:
        raise ValueError(f"bad id parts: {prefix!r}, {number}")
    digits = ""
    while number:
        number, rem = divmod(number, 62)
        digits = BASE62[rem] + digits
    if len(digits) > 12:
        raise ValueError("id counter overflow")
    return to18(prefix + digits.rjust(12, "0"))


def counter_of(record_id: str) -> int:
    """The base-62 counter in characters 4-15 of an id made by :func:`make_id`."""
    number = 0
    for char in record_id[3:15]:
        number = number * 62 + BASE62.index(char)
    return number


def normalize_id(value: str) -> str | None:
    """The canonical 18-character id for a 15- or 18-character id, or None when ``value`` is not an id.

    An 18-character id may come in any case (that is what the suffix is for); its case is restored.
    """
    if _ID15.match(value):
        return to18(value)
    if not _ID18.match(value):
        return None
    chars = list(value[:15])
    for chunk, code in enumerate(value[15:].upper()):
        bits = SUFFIX_ALPHABET.index(code)
        for i in range(5):
            pos = chunk * 5 + i
            upper = bool(bits & (1 << i))
            if upper and not chars[pos].isalpha():
                return None
            chars[pos] = chars[pos].upper() if upper else chars[pos].lower()
    return to18("".join(chars))
