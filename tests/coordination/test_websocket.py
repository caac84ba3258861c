"""The websocket stack end to end: origin validation, session sign-in, a consumer."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from coordination.asgi import application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def session_cookie_for(client, user) -> tuple[bytes, bytes]:
    client.force_login(user)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_id}".encode())


async def test_a_signed_in_user_gets_pong(client):
    person = await database_sync_to_async(UserFactory)(username="harbor-police.analyst")
    cookie = await database_sync_to_async(session_cookie_for)(client, person)
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[ORIGIN, cookie])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {
        "type": "pong",
        "user": "harbor-police.analyst",
    }
    await communicator.disconnect()


async def test_an_anonymous_visitor_is_turned_away():
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[ORIGIN])
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


async def test_another_site_cannot_open_a_websocket_with_the_users_cookie(client):
    person = await database_sync_to_async(UserFactory)()
    cookie = await database_sync_to_async(session_cookie_for)(client, person)
    communicator = WebsocketCommunicator(
        application, "/ws/ping/", headers=[(b"origin", b"https://evil.example"), cookie]
    )
    connected, _ = await communicator.connect()
    assert not connected
