"""Small typed readers for environment variables.

Settings fail fast: a malformed value raises ImproperlyConfigured naming the variable,
instead of surfacing later as a confusing runtime error.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset or empty means the default."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def tile_origin(url_template: str) -> str:
    """The scheme and host of MAP_TILE_URL, which the Content-Security-Policy must admit."""
    if not url_template:
        return ""
    parsed = urlsplit(url_template)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ImproperlyConfigured(
            f"MAP_TILE_URL must be an http(s) URL template, got {url_template!r}"
        )
    # Leaflet's {s} picks a subdomain; the policy admits them all.
    return f"{parsed.scheme}://{parsed.netloc.replace('{s}', '*')}"
