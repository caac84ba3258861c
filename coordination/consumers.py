"""A minimal websocket endpoint that proves the websocket stack end to end.

It accepts only signed-in users and answers "ping" with "pong", so clients and the
health of a deployment's websocket path (proxy, origin check, session) can be checked.
"""

from channels.generic.websocket import JsonWebsocketConsumer


class PingConsumer(JsonWebsocketConsumer):
    def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            self.close(code=4401)
            return
        self.accept()

    def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            self.send_json({"type": "pong", "user": self.scope["user"].get_username()})
        else:
            self.send_json({"type": "error", "detail": "unknown message type"})
