"""The Traffic Light Protocol 2.0 (FIRST) and what each marking admits.

- CLEAR: anyone, also the public CAP feed.
- GREEN: every agency of the community, i.e. every member of an agency on this portal.
- AMBER: the agencies it is shared with and their whole organisation (sub-agencies).
- AMBER+STRICT: the agencies it is shared with, only inside each of them.
- RED: named people only, granted one by one.
"""

from django.db import models


class TLP(models.TextChoices):
    CLEAR = "CLEAR", "TLP:CLEAR"
    GREEN = "GREEN", "TLP:GREEN"
    AMBER = "AMBER", "TLP:AMBER"
    AMBER_STRICT = "AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "RED", "TLP:RED"


RANK = {TLP.CLEAR: 0, TLP.GREEN: 1, TLP.AMBER: 2, TLP.AMBER_STRICT: 3, TLP.RED: 4}

# Markings every member of every agency may read without a grant.
COMMUNITY = frozenset({TLP.CLEAR, TLP.GREEN})
# Markings under which an agency grant counts (RED counts only named people).
AGENCY_GRANTED = frozenset({TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT})


def is_stricter(marking: str, than: str) -> bool:
    return RANK[TLP(marking)] > RANK[TLP(than)]


def allows(ceiling: str, marking: str) -> bool:
    """Whether a ceiling (e.g. an agreement's highest TLP) admits `marking`."""
    return RANK[TLP(marking)] <= RANK[TLP(ceiling)]


def no_looser_than(ceiling: str) -> frozenset[str]:
    """Every marking a reader of `ceiling` may also read: `ceiling` and all below it."""
    return frozenset(marking for marking in TLP if allows(ceiling, marking))


def strictest(*markings: str) -> str:
    """The strictest of the markings: what something made from all of them carries."""
    return max(markings, key=lambda marking: RANK[TLP(marking)])
