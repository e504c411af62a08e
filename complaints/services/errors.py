"""Errors the case services raise; the API maps them to HTTP statuses."""

from __future__ import annotations


class TransitionNotAllowedError(Exception):
    """The transition does not apply to the case in its current state
    (HTTP 409). `allowed` lists what this user may do now instead."""

    def __init__(self, name: str, status: str, allowed: list[str]) -> None:
        self.name = name
        self.status = status
        self.allowed = allowed
        super().__init__(f"transition {name!r} is not allowed from {status!r}")


class StaleVersionError(Exception):
    """The caller acted on an older version of the case (HTTP 409)."""

    def __init__(self, expected: int, current: int) -> None:
        self.expected = expected
        self.current = current
        super().__init__(f"case is at version {current}, not {expected}")
