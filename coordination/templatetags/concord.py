"""Template helpers every page uses: TLP badges, the double-submit guard, field errors."""

import uuid

from django import template
from django.utils.html import format_html

register = template.Library()

# FIRST's TLP 2.0 colours, as CSS classes: the badge always carries its text too.
_TLP_CLASS = {
    "CLEAR": "tlp-clear",
    "GREEN": "tlp-green",
    "AMBER": "tlp-amber",
    "AMBER+STRICT": "tlp-amber-strict",
    "RED": "tlp-red",
}


@register.simple_tag
def tlp_badge(marking: str):
    """`TLP:AMBER` as a badge in FIRST's colours."""
    css = _TLP_CLASS.get(marking, "tlp-clear")
    return format_html('<span class="tlp {}">TLP:{}</span>', css, marking)


@register.simple_tag
def tlp_class(marking: str) -> str:
    return _TLP_CLASS.get(marking, "tlp-clear")


@register.simple_tag
def form_key():
    """A hidden one-time key: a form sent twice (a double click, a resend) acts once.

    The idempotency middleware runs the first POST with this key and replays its answer
    to any repeat, so the second submit lands on the object the first one created.
    """
    return format_html('<input type="hidden" name="form_key" value="{}">', uuid.uuid4())
