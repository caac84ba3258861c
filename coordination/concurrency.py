"""Optimistic concurrency: every updatable object carries a `version`, sent as its ETag.

An update names the version it was made against in `If-Match`; the verb compares it
with the row it has locked, so of two people editing at once the second gets 412 and
the current version instead of silently overwriting the first. Partner systems
(token-authenticated) must send If-Match (428 otherwise); a browser may omit it.
"""

import re

from coordination.errors import PreconditionFailed, PreconditionRequired

STALE = "stale_version"
MISSING = "if_match_required"
_VERSION = re.compile(r'^(?:W/)?"(\d+)"$')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request) -> int | None:
    """The version named by the request's If-Match, or None when any version will do."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if getattr(request, "auth", None) is not None:
            raise PreconditionRequired(
                MISSING,
                "Send If-Match with the ETag you last read, so a concurrent change is not "
                "overwritten.",
            )
        return None
    if header == "*":
        return None
    match = _VERSION.match(header)
    if match is None:
        raise PreconditionFailed(STALE, f"If-Match {header!r} names no version of this object.")
    return int(match.group(1))


def check_version(current: int, expected: int | None) -> None:
    """Raise 412 when the caller edited a version other than the current one."""
    if expected is not None and expected != current:
        raise PreconditionFailed(
            STALE,
            "Someone else changed this since you read it. Read it again, then re-apply your "
            "change.",
            current_version=etag(current),
        )


def changed(obj, changes: dict) -> dict:
    """The part of `changes` that differs from `obj` as it is now.

    A write naming only current values changes nothing: no version bump, no new editor,
    no audit record, so a reader replaying an object's own values cannot make everyone
    else's If-Match stale.
    """
    return {name: value for name, value in changes.items() if getattr(obj, name) != value}
