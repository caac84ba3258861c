"""The OpenAPI description validates and the docs page works with no CDN."""

import re

from django.core.management import call_command


def test_schema_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/memberships/" in text
    assert "application/problem+json" in text
    assert "bearerToken" in text


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Concord API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page
    assert "<style>" not in page
    assert "/static/css/api-docs.css" in page


def test_every_operation_declares_exactly_the_parameters_of_its_path(client, db):
    """A generator drops an operation whose path parameters do not match its path (the
    incident's parts declared `pk` under `{id}`): every `{name}` in a path is declared,
    and nothing else is declared in the path."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    mismatched = []
    for path, operations in schema["paths"].items():
        in_path = set(re.findall(r"{(\w+)}", path))
        for method, operation in operations.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            if declared != in_path:
                mismatched.append((method.upper(), path, sorted(declared)))

    assert mismatched == []
