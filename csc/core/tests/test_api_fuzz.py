"""schemathesis generates requests from the OpenAPI schema: no input may produce a server error."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

from csc.core import services
from csc.testing.factories import HouseholdMemberFactory

EXAMPLES_PER_OPERATION = 25


@pytest.mark.django_db(transaction=False)
def test_no_generated_request_makes_the_api_fail(centre_a, reception_a):
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
