"""The incident pages never reach for a model's manager: every row they show comes from
a named read (`incidents.selectors`) narrowed by the sharing policy, or from the page
base's visible lookup, so no view can look a row up around the policy.

Checked by reading the modules' syntax trees, so a new `Model.objects` anywhere under
incidents/views/ fails here, wherever it hides (a default argument, a lambda).
"""

import ast
from pathlib import Path

import incidents.views

VIEWS = Path(incidents.views.__file__).parent


def manager_uses(path: Path) -> list[str]:
    """Every `X.objects` in a module, as written."""
    return [
        ast.unparse(node)
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]


def test_no_incident_view_uses_a_model_manager():
    found = {path.name: uses for path in sorted(VIEWS.glob("*.py")) if (uses := manager_uses(path))}
    assert found == {}, f"Model.objects in incidents/views/ (use incidents.selectors): {found}"
