"""User-facing errors: a stable code and a message that says what was expected. The CLI and the API
show these without a stack trace; anything else is an internal error."""

from __future__ import annotations

from typing import Any


class ExtranetError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, details: Any = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class NotFound(ExtranetError):
    code = "not_found"
    http_status = 404

    @classmethod
    def of(cls, kind: str, key: str, known: list[str] | None = None) -> NotFound:
        hint = ""
        if known:
            shown = ", ".join(known[:15])
            hint = f"; known: {shown}" + (f", … ({len(known)} in all)" if len(known) > 15 else "")
        return cls(f"no {kind} {key!r}{hint}", details={"kind": kind, "key": key})
