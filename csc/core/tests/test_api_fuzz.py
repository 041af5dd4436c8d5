"""schemathesis generates requests from the OpenAPI schema: no input may produce a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from csc.core import services
from csc.testing.factories import HouseholdMemberFactory

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def keep_test_connection():
    """schemathesis calls the WSGI app directly; like Django's test client, keep the request signals from
    closing the connection that holds the test's transaction."""
    signal_handlers = [(request_started, close_old_connections), (request_finished, close_old_connections)]
    for signal, handler in signal_handlers:
        signal.disconnect(handler)
    yield
    for signal, handler in signal_handlers:
        signal.connect(handler)


@pytest.mark.django_db(transaction=False)
def test_no_generated_request_makes_the_api_fail(centre_a, reception_a, keep_test_connection):
    HouseholdMemberFactory.create_batch(3, household__centre=centre_a)
    secret = services.create_api_token(user=reception_a, name="fuzz")[1]
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                request = f"{case.method} {case.formatted_path} {case.query!r} {case.body!r}"
                failures.append(f"{request} -> {response.status_code}")

        check()
    assert not failures, "\n".join(failures[:20])
