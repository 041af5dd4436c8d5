"""The staff home says what waits for the user: requests to process, today's sessions, tasks due."""

import html
import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from csc.activities.models import Session
from csc.casework.models import Task
from csc.core.models import StaffRole
from csc.testing import factories
from csc.testing.tenancy import build_foreign_world


@pytest.fixture
def busy_centre(network, otp_verified):
    """Centre B with a pending request, sessions today and a task due today (the walker's world)."""
    return build_foreign_world(network["b"], factories.CentreFactory(name="Centre Gamma"))


def waiting_block(client):
    home = client.get(reverse("core:staff_home")).content.decode()
    if "Ce qui vous attend" not in home:
        return ""
    block = re.sub(r"<[^>]+>", " ", home.split("Ce qui vous attend")[1].split("</ul>")[0])
    return re.sub(r"\s+", " ", html.unescape(block))


@pytest.mark.django_db
def test_reception_sees_the_requests_to_process_and_the_sessions_of_the_day(client, busy_centre):
    client.force_login(busy_centre.staff_user)  # reception in centre B
    today = Session.objects.filter(centre=busy_centre.centre, date=timezone.localdate())
    sessions = today.exclude(status=Session.Status.CANCELLED).count()
    assert sessions >= 1
    block = waiting_block(client)
    assert "1 demande en ligne à traiter" in block  # the validated one is not waiting
    assert f"{sessions} séance" in block
    assert "tâche" not in block  # reception follows nobody
    home = client.get(reverse("core:staff_home")).content.decode()
    assert f'href="{reverse("enrolment:inbox")}?statut=a_traiter"' in home


@pytest.mark.django_db
def test_a_social_worker_sees_their_tasks_late_and_due_today(client, busy_centre):
    worker = StaffRole.objects.get(centre=busy_centre.centre, role="social_worker").user
    task = Task.objects.get(assignee=worker)
    Task.objects.create(
        period=task.period, title="Relancer la CAF", assignee=worker, due_on=task.due_on - timedelta(days=2)
    )
    Task.objects.create(
        period=task.period,
        title="Fait",
        assignee=worker,
        due_on=task.due_on,
        done_at=timezone.now(),
    )
    client.force_login(worker)
    block = waiting_block(client)
    assert "1 tâche en retard" in block and "1 tâche pour aujourd'hui" in block
    assert "demande" not in block  # a social worker does not process requests


@pytest.mark.django_db
def test_nothing_waiting_says_nothing(client, staff, centre_a):
    client.force_login(staff("volunteer"))
    assert waiting_block(client) == ""


@pytest.mark.django_db
def test_the_home_costs_the_same_queries_however_much_waits(
    client, busy_centre, django_assert_max_num_queries
):
    reception = busy_centre.staff_user
    client.force_login(reception)
    client.get(reverse("core:staff_home"))
    with django_assert_max_num_queries(14) as counted:
        client.get(reverse("core:staff_home"))
    before = len(counted.captured_queries)
    session = busy_centre.objects["session_id"]
    for hour in range(8, 13):
        session.pk, session.date, session.start_time = None, timezone.localdate(), time(hour)
        session.save()
    sessions = Session.objects.filter(centre=busy_centre.centre, date=timezone.localdate()).count()
    with django_assert_max_num_queries(before):
        assert f"{sessions} séances aujourd'hui" in waiting_block(client)
