"""ASGI entry point: HTTP through Django, websockets through Channels.

Websockets pass origin validation (only ALLOWED_HOSTS may open one, which stops
cross-site websocket hijacking) and session authentication before reaching a consumer.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - needs Django set up first
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from coordination.reason_phrases import fill_twisted_reason_phrases  # noqa: E402
from coordination.routing import websocket_urlpatterns  # noqa: E402

fill_twisted_reason_phrases()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
