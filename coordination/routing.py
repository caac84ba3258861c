"""Websocket routes. Live incident updates join here (sharing.live) in a later issue."""

from django.urls import path

from coordination.consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
]
