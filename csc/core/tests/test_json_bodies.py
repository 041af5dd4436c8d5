"""Every JSON body is read by csc.core.jsonbody: bounded in depth and size, refused in French, never a
500 (« [ » × 1500 used to raise a RecursionError on the kiosk's events)."""

import json

import pytest

from csc.core import jsonbody, services

DEEP = "[" * 1500 + "]" * 1500


@pytest.mark.parametrize(
    "body, depth",
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'["[[[[", "]]", "{{{"]', 1),  # brackets inside strings are text
        (b'["\\"[[[[\\\\", [2]]', 2),  # escaped quotes and backslashes do not end a string
        (b"42", 0),
    ],
)
def test_nesting_is_read_without_parsing(body, depth):
    assert jsonbody.nesting(body) == depth


def test_the_depth_limit_is_exact():
    value = jsonbody.loads("[" * 32 + "]" * 32)
    for _ in range(31):
        value = value[0]
    assert value == []
    with pytest.raises(jsonbody.BodyRefused, match="trop imbriqué : 32 niveaux au plus"):
        jsonbody.loads("[" * 33 + "]" * 33)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16", "utf-32"])
def test_a_deep_body_in_another_encoding_than_utf8_is_refused(encoding):
    # In UTF-16 « ∀ » holds the byte 0x22 (a quote): the depth read on the bytes saw 1 level, not 500.
    deep = '["\u2200",' + "[" * 500 + "]" * 500 + ',"\u2200"]'
    with pytest.raises(jsonbody.BodyRefused, match="pas du JSON valide"):
        jsonbody.loads(deep.encode(encoding))
    with pytest.raises(jsonbody.BodyRefused, match="trop imbriqué"):
        jsonbody.loads(deep.encode("utf-8"))
    assert jsonbody.loads('{"mot": "caf\u00e9"}'.encode()) == {"mot": "café"}


@pytest.mark.parametrize(
    "body, message",
    [
        (DEEP, "Le contenu est trop imbriqué : 32 niveaux au plus."),
        ("1" * 5000, "Le contenu n'est pas du JSON valide."),  # past Python's 4,300 digits
        (b"\xff\xfe\x00", "Le contenu n'est pas du JSON valide."),
        ('{"a": ', "Le contenu n'est pas du JSON valide."),
        ('"' + "x" * 2_000_000 + '"', "Le contenu est trop volumineux : 1\u202f048\u202f576 octets au plus."),
    ],
)
def test_what_is_refused_says_why_in_french(body, message):
    with pytest.raises(jsonbody.BodyRefused) as refused:
        jsonbody.loads(body)
    assert str(refused.value) == message


def operations_with_a_body():
    """(method, path) of every API operation that reads a JSON body, from the API's own schema."""
    from csc.api import api

    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                url = path if path.startswith("/api/v1/") else "/api/v1" + path
                found.append((method, url.replace("{", "").replace("}", "")))
    return found


@pytest.mark.django_db
def test_every_api_operation_refuses_a_deep_or_huge_body_with_a_json_400(client, reception_a):
    secret = services.create_api_token(user=reception_a, name="Test")[1]
    operations = operations_with_a_body()
    assert operations, "the API has operations that read a body"
    for method, path in operations:
        # Any path parameter: the body is read before the object is looked up.
        url = "/".join("1" if part.endswith("_id") or part == "id" else part for part in path.split("/"))
        for body, message in [
            (DEEP, "Le contenu est trop imbriqué : 32 niveaux au plus."),
            (json.dumps({"a": "x" * 1_100_000}), "Le contenu est trop volumineux"),
        ]:
            response = getattr(client, method)(
                url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
            )
            assert response.status_code == 400, (method, url, response.status_code)
            assert response["Content-Type"].startswith("application/json")
            assert response.json()["detail"].startswith(message), (method, url)
