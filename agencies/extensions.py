"""Extension points for the layers above: explicit, named, called inside the verb.

`agencies` sits at the bottom and imports nothing above it; when a layer above must
act on an agencies change in the same transaction (e.g. `sharing` giving a new role the
grants its agency already has), it registers a listener here at start-up.
"""

from collections.abc import Callable

from agencies.models import Role

RoleListener = Callable[[Role], None]

_role_defined: list[RoleListener] = []


def on_role_defined(listener: RoleListener) -> RoleListener:
    """Call `listener(role)` inside the transaction that defines a new role."""
    if listener not in _role_defined:
        _role_defined.append(listener)
    return listener


def role_defined(role: Role) -> None:
    for listener in _role_defined:
        listener(role)
