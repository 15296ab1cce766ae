"""How an ERP posting names the PSA record it came from (the convention invariants rely on).

An integration must carry the source id on the target record (domain rule: "every posting carries the
source transaction id"). The harness reads it from the ERP ``timeBill``'s ``externalId`` or ``memo`` as
``psa-te-<time entry id>`` (the memo may go on, e.g. with the original date of a re-dated posting). An
orchestrator that uses another convention can set ``P2C_TIME_ENTRY_LINK`` to a regular expression with one
group capturing the PSA time entry id.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

DEFAULT_PATTERN = r"^psa-te-(\d+)\b"


def time_entry_link() -> re.Pattern[str]:
    """The pattern that extracts a PSA time entry id from an ERP field."""
    return re.compile(os.environ.get("P2C_TIME_ENTRY_LINK", DEFAULT_PATTERN))


def source_entry_id(time_bill: dict[str, Any], pattern: re.Pattern[str] | None = None) -> str | None:
    """The PSA time entry id an ERP timeBill was posted from, if it names one."""
    rx = pattern or time_entry_link()
    for field in ("externalId", "memo"):
        value = time_bill.get(field)
        if isinstance(value, str):
            found = rx.match(value)
            if found:
                return found.group(1)
    return None


def postings_by_entry(time_bills: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """ERP timeBills grouped by the PSA time entry they came from (unlinked ones are left out)."""
    rx = time_entry_link()
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for bill in time_bills:
        entry_id = source_entry_id(bill, rx)
        if entry_id is not None:
            out[entry_id].append(bill)
    return dict(out)
