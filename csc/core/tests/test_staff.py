import re

import pytest
from django.core import mail
from django.urls import reverse

from csc.core import notify
from csc.core.models import AuditEvent, StaffRole, User
from csc.testing.factories import StaffRoleFactory
from csc.testing.pages import page_text
from csc.testing.tasks import run_task_worker


@pytest.mark.django_db
def test_a_director_invites_a_colleague_who_chooses_a_password_and_logs_in(
    client, director_a, centre_a, django_capture_on_commit_callbacks
):
    client.force_login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:staff_invite"),
            {
                "email": "Nouvelle.Recrue@Example.org",
                "first_name": "Awa",
                "last_name": "Diallo",
                "role": "animator",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.recrue@example.org")
    staff_role = StaffRole.objects.get(user=user, centre=centre_a)
    assert staff_role.role == "animator"
    assert mail.outbox == []  # the worker sends it, not the director's page
    run_task_worker()
    assert len(mail.outbox) == 1 and "Animateur" in mail.outbox[0].body
    assert mail.outbox[0].to == ["nouvelle.recrue@example.org"]
    link = re.search(r"https?://[^/]+(/compte/invitation/\S+)", mail.outbox[0].body).group(1)
    # Recorded about the new role, in the centre; the link that sets the password is not kept.
    invitation = notify.messages_about(staff_role).get()
    assert (invitation.purpose, invitation.centre, invitation.status) == (
        "staff.invitation",
        centre_a,
        "envoye",
    )
    assert invitation.subject == mail.outbox[0].subject and "/compte/invitation/" not in invitation.body
    client.logout()
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "Bienvenue-Awa-2026", "new_password2": "Bienvenue-Awa-2026"})
    assert client.get(reverse("core:staff_home")).status_code == 200
    assert AuditEvent.objects.filter(action="role_granted", centre=centre_a).exists()


@pytest.mark.django_db
def test_invite_with_bad_input_keeps_what_was_typed(client, director_a):
    client.force_login(director_a)
    response = client.post(
        reverse("core:staff_invite"),
        {"email": "pas-une-adresse", "first_name": "Awa", "last_name": "", "role": "pirate"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide" in page
    assert 'value="Awa"' in page
    assert 'aria-invalid="true"' in page
    assert mail.outbox == []


@pytest.mark.django_db
def test_inviting_a_current_member_is_refused_clearly(client, director_a, reception_a):
    client.force_login(director_a)
    response = client.post(
        reverse("core:staff_invite"),
        {"email": reception_a.email, "first_name": "x", "last_name": "y", "role": "animator"},
    )
    assert "fait déjà partie de l'équipe" in page_text(response)


@pytest.mark.django_db
def test_a_director_changes_a_role_and_removes_a_member(client, director_a, reception_a, centre_a):
    role = StaffRole.objects.get(user=reception_a, centre=centre_a)
    client.force_login(director_a)
    client.post(reverse("core:staff_change_role", args=[role.pk]), {"role": "coordinator"})
    role.refresh_from_db()
    assert role.role == "coordinator"
    assert AuditEvent.objects.filter(action="role_changed", object_id=str(role.pk)).exists()
    client.post(reverse("core:staff_deactivate", args=[role.pk]))
    role.refresh_from_db()
    reception_a.refresh_from_db()
    assert not role.is_active and not reception_a.is_active
    assert AuditEvent.objects.filter(action="role_revoked", object_id=str(role.pk)).exists()


@pytest.mark.django_db
def test_a_director_cannot_demote_or_remove_themselves(client, director_a, centre_a):
    role = StaffRole.objects.get(user=director_a)
    client.force_login(director_a)
    client.post(reverse("core:staff_change_role", args=[role.pk]), {"role": "volunteer"})
    client.post(reverse("core:staff_deactivate", args=[role.pk]))
    role.refresh_from_db()
    assert role.role == "director" and role.is_active


@pytest.mark.django_db
def test_reception_cannot_manage_staff(client, reception_a):
    client.force_login(reception_a)
    assert client.get(reverse("core:staff_list")).status_code == 404
    assert client.get(reverse("core:staff_invite")).status_code == 404


@pytest.mark.django_db
def test_the_staff_list_costs_the_same_queries_whatever_its_length(
    client, director_a, centre_a, django_assert_max_num_queries
):
    client.force_login(director_a)
    client.get(reverse("core:staff_list"))
    StaffRoleFactory.create_batch(30, centre=centre_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("core:staff_list"))
    assert response.content.decode().count("Retirer de l'équipe") == 30


@pytest.mark.django_db
def test_the_staff_home_shows_the_modules_of_the_role_and_switches_centre(client, staff, centre_a, centre_b):
    user = staff("reception", "a")
    StaffRole.objects.create(user=user, centre=centre_b, role="volunteer")
    client.force_login(user)
    page = client.get(reverse("core:staff_home")).content.decode()
    assert "Personnes et foyers" in page and "Équipe du centre" not in page
    assert centre_b.name in page
    client.post(reverse("core:switch_centre"), {"centre": centre_b.pk})
    page = client.get(reverse("core:staff_home")).content.decode()
    assert f"<strong>{centre_b.name}</strong>" in page
    assert "Personnes et foyers" not in page  # a volunteer of B has no people module there


@pytest.mark.django_db
def test_switching_to_a_centre_that_is_not_yours_is_refused(client, reception_a, centre_a, centre_b):
    client.force_login(reception_a)
    client.post(reverse("core:switch_centre"), {"centre": centre_b.pk})
    client.post(reverse("core:switch_centre"), {"centre": "pas-un-nombre"})
    assert f"<strong>{centre_a.name}</strong>" in client.get(reverse("core:staff_home")).content.decode()


@pytest.mark.django_db
def test_a_territory_coordinator_reads_the_journal_of_every_centre_of_the_territory(
    client, centre_a, otp_verified
):
    user = User.objects.create_user("coord@example.org", "x")
    StaffRole.objects.create(user=user, territory=centre_a.territory, role="territory_coordinator")
    client.force_login(user)
    assert client.get(reverse("core:journal")).status_code == 200
    assert client.get(reverse("people:search")).status_code == 404


@pytest.mark.django_db
def test_someone_whose_invitation_expired_can_be_invited_again(
    client, director_a, django_capture_on_commit_callbacks
):
    client.force_login(director_a)
    data = {"email": "lent@example.org", "first_name": "A", "last_name": "B", "role": "animator"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:staff_invite"), data)
        response = client.post(reverse("core:staff_invite"), data)
    assert response.status_code == 302
    run_task_worker()
    assert len(mail.outbox) == 2 and "/compte/invitation/" in mail.outbox[1].body


@pytest.mark.django_db
def test_an_account_disabled_by_the_network_is_not_revived_by_an_invitation(client, director_a, staff):
    other = staff("director", "b")
    other.is_active = False  # switched off by the network's administration, still director of B
    other.save()
    client.force_login(director_a)
    data = {"email": other.email, "first_name": "x", "last_name": "y", "role": "volunteer"}
    response = client.post(reverse("core:staff_invite"), data)
    assert "désactivé par l'administration du réseau" in page_text(response)
    other.refresh_from_db()
    assert not other.is_active
