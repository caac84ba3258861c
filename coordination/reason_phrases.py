"""Reason phrases for every status Concord answers, under daphne.

ASGI carries no reason phrase: daphne hands the status code to Twisted, whose table
stops at HTTP/1.1's first list, so a 422, 428 or 429 went out as "Unknown Status".
Filling the table's gaps from Python's `HTTPStatus` makes the status line say what the
problem+json body says.
"""

from http import HTTPStatus

from twisted.web import http


def fill_twisted_reason_phrases() -> None:
    """Add the phrase of every standard status Twisted does not know (never replace one)."""
    for status in HTTPStatus:
        http.RESPONSES.setdefault(status.value, status.phrase.encode("ascii"))
