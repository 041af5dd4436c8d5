"""CSC_LOG_FORMAT=json (csc/core/requestlog.py): every log line on stderr is one JSON object with the
request's identifier, route, status, duration and user id, and never a name, an e-mail address or a
query string; the request id comes from the proxy when it is well formed and goes back in the answer."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings as django_settings

from csc.core.requestlog import JsonFormatter, logging_config


@pytest.fixture
def json_logs():
    """The JSON configuration an installation gets, its stderr handler writing where the test reads;
    the lines written."""
    logging.config.dictConfig(logging_config("json", level="WARNING", access_log=True))
    (console,) = logging.getLogger().handlers
    written = io.StringIO()
    console.setStream(written)

    def lines():
        raw = written.getvalue()
        return [json.loads(line) for line in raw.splitlines() if line.strip()], raw

    yield lines
    logging.config.dictConfig(django_settings.LOGGING)


def planted_user(staff):
    """A staff member whose name and e-mail must never reach a log line or an error report."""
    return staff(
        "reception",
        "a",
        user__first_name="Jeanne",
        user__last_name="Dupuis",
        user__email="jeanne.dupuis@example.org",
    )


@pytest.mark.django_db
def test_each_request_writes_one_json_line_with_its_id_route_status_duration_and_user(
    json_logs, client, login, staff
):
    user = planted_user(staff)
    login(user)
    nginx_id = "0123456789abcdef0123456789abcdef"
    response = client.get("/espace/?recherche=Dupuis", HTTP_X_REQUEST_ID=nginx_id)
    assert response.status_code == 200 and response["X-Request-ID"] == nginx_id

    lines, raw = json_logs()
    (access,) = [line for line in lines if line["logger"] == "csc.access"]
    assert access["request_id"] == nginx_id
    assert access["route"] == "core:staff_home" and access["method"] == "GET"
    assert access["status"] == 200 and access["duration_ms"] >= 0
    assert access["user_id"] == user.pk and access["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", access["time"])
    assert "Dupuis" not in raw and "Jeanne" not in raw and "example.org" not in raw and "recherche" not in raw


@pytest.mark.django_db
def test_a_warning_of_django_is_json_too_and_masks_addresses_and_query_strings(json_logs, client):
    response = client.get("/nulle-part/jeanne.dupuis@example.org/?nom=Dupuis", HTTP_X_REQUEST_ID="x y")
    assert response.status_code == 404
    generated = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)  # a malformed id from the proxy is replaced

    lines, raw = json_logs()
    (warning,) = [line for line in lines if line["logger"] == "django.request"]
    assert warning["level"] == "WARNING" and warning["request_id"] == generated
    assert warning["route"] == "unmatched" and warning["status"] == 404
    assert "[adresse masquée]" in warning["message"]
    assert "jeanne.dupuis" not in raw and "Dupuis" not in raw
    assert all(line["request_id"] == generated for line in lines)


def test_an_exception_is_logged_with_its_type_and_stack_never_its_message():
    try:
        raise ValueError('Key (email)=(jeanne.dupuis@example.org) already exists, nom "Dupuis"')
    except ValueError:
        record = logging.getLogger("csc.test").makeRecord(
            "csc.test", logging.ERROR, __file__, 1, "L'enregistrement a échoué.", (), sys_exc_info()
        )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "L'enregistrement a échoué." and line["exception"] == "ValueError"
    assert any("test_an_exception_is_logged" in frame for frame in line["stack"])
    assert "Dupuis" not in json.dumps(line) and "example.org" not in json.dumps(line)


def sys_exc_info():
    import sys

    return sys.exc_info()


def test_text_stays_the_default_and_a_wrong_format_is_named():
    assert "formatter" not in logging_config("text", level="WARNING", access_log=False)["handlers"]["console"]
    assert django_settings.CSC_LOG_FORMAT == "text"
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="CSC_LOG_FORMAT vaut text ou json"):
        logging_config("xml", level="WARNING", access_log=False)
