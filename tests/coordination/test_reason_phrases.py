"""Under daphne, a status line names its status: 428 Precondition Required, not
"428 Unknown Status" (Twisted's own table knows neither 422, 428 nor 429)."""

from http import HTTPStatus

import pytest
from twisted.web import http as twisted_http

import coordination.asgi  # noqa: F401 - the ASGI application fills the table on import


@pytest.mark.parametrize("status", [422, 428, 429, 413, 412, 409])
def test_every_status_concord_answers_has_its_phrase(status):
    assert twisted_http.RESPONSES[status] == HTTPStatus(status).phrase.encode()


def test_a_known_phrase_is_left_as_twisted_says_it():
    assert twisted_http.RESPONSES[404] == b"Not Found"
