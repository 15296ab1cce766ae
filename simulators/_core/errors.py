"""The error base that every simulator's domain raises.

Domain code raises a subclass of :class:`VendorError` named after the vendor's error code; each
simulator renders it in its vendor's envelope in exactly one place (its ``render_error``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


class VendorError(Exception):
    """An error the simulated vendor would return, before it is put in the vendor's envelope.

    Attributes:
        status: HTTP status the vendor uses for this error.
        code: the vendor's error code (``errorCode``, ``o:errorCode`` or Kantata's ``type``).
        message: the vendor's human-readable text.
        fields: field names the error concerns, if any.
        headers: extra response headers (e.g. NetSuite's ``Location`` on an idempotency conflict).
    """

    status: int = 400
    code: str = "ERROR"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        fields: Sequence[str] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.fields = list(fields)
        self.headers = dict(headers or {})


@dataclass(slots=True)
class RenderedError:
    """A vendor error ready for the wire."""

    status: int
    body: object
    headers: dict[str, str] = field(default_factory=dict)
