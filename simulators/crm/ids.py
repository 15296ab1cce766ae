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


_PAIRS = tuple(a + b for a in BASE62 for b in BASE62)
"""Every two-digit base-62 number, by value (3844 = 62 * 62)."""
_PAIR_BITS = tuple(("A" <= pair[0] <= "Z") | ("A" <= pair[1] <= "Z") << 1 for pair in _PAIRS)
"""The upper-case bits of each pair (its first character is bit 0)."""
_PAIRED_LIMIT = 3844 * 3844
_CHUNK_CODES: dict[str, str] = {}
_MAX_CHUNK_CODES = 1 << 16


def _chunk_code(chunk: str) -> str:
    """The suffix character of one 5-character chunk (memoised: ids share most of their chunks)."""
    code = _CHUNK_CODES.get(chunk)
    if code is None:
        bits = 0
        for i, char in enumerate(chunk):
            if "A" <= char <= "Z":
                bits |= 1 << i
        code = SUFFIX_ALPHABET[bits]
        if len(_CHUNK_CODES) < _MAX_CHUNK_CODES:
            _CHUNK_CODES[chunk] = code
    return code


def checksum(id15: str) -> str:
    """The 3-character case-safe suffix of a 15-character id."""
    codes = _CHUNK_CODES
    first, second, third = id15[:5], id15[5:10], id15[10:15]
    return (
        (codes.get(first) or _chunk_code(first))
        + (codes.get(second) or _chunk_code(second))
        + (codes.get(third) or _chunk_code(third))
    )


def to18(id15: str) -> str:
    """The 18-character form of a 15-character id."""
    return id15 + checksum(id15)


def make_id(prefix: str, number: int) -> str:
    """An 18-character id: the 3-character key prefix, ``number`` in base 62 over 12 characters, the suffix."""
    if len(prefix) != 3 or number < 0:
        raise ValueError(f"bad id parts: {prefix!r}, {number}")
    if number < _PAIRED_LIMIT:  # four base-62 digits (14.7 million ids per prefix): table look-ups only
        high, low = divmod(number, 3844)
        head = prefix + "00"
        first = _CHUNK_CODES.get(head) or _chunk_code(head)
        last = SUFFIX_ALPHABET[_PAIR_BITS[high] << 1 | _PAIR_BITS[low] << 3]  # chunk 3: "0" and the four digits
        return f"{head}000000{_PAIRS[high]}{_PAIRS[low]}{first}A{last}"  # chunk 2 is "00000": A
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
    if value[15:] == checksum(value[:15]):
        return value  # already canonical (how ids usually come back)
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
