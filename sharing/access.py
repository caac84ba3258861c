"""The four things one may do to a shared object, and the levels a share grants.

A share at a level grants that access and everything below it; each role then gets the
part its capabilities allow (a viewer never commands, whatever the share says).
"""

from django.db import models

from agencies.capabilities import Capability


class Access(models.IntegerChoices):
    VIEW = 1, "view"
    CONTRIBUTE = 2, "contribute"
    COMMAND = 3, "command"
    SHARE = 4, "share"

    @classmethod
    def named(cls, name: str) -> "Access":
        for member in cls:
            if member.label == name:
                return member
        raise ValueError(f"unknown access {name!r}")

    @property
    def capability(self) -> Capability:
        return Capability(self.label)


PERMS = tuple(access.label for access in Access)


def up_to(level: int) -> list[Access]:
    """The accesses a share at `level` grants: the level and all below it."""
    return [access for access in Access if access <= level]
