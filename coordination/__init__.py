"""Concord's project package: settings, URLs, ASGI and Celery wiring; no domain code."""

from coordination.celery import app as celery_app

__all__ = ["celery_app"]
