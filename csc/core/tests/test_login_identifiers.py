"""An account's address has one normal form (csc.core.identifiers) at every entry: the login and its
lockout, password reset, invitations, grant_role, createsuperuser, the technical admin, the stored rows.

The variants below are what an outside review used to get five more tries per way of writing an
address: on PostgreSQL, the account used to be found with UPPER(), where « ı » (dotless i) and « ſ »
(long s) become « I » and « S », while the lockout counted the address lower-cased in Python. These tests
run on SQLite and on PostgreSQL (`make test` runs both); the dotless-i login is the one that only
PostgreSQL let through.
"""

import importlib
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from csc.core import services
from csc.core.auth import lockout_key
from csc.core.identifiers import normalise_email
from csc.core.models import AuditEvent, OutboundMessage, StaffRole, User
from csc.testing.factories import UserFactory
from csc.testing.tasks import run_task_worker

PASSWORD = "mot-de-passe-de-test"
ADDRESS = "isis.simon@centre.test"  # many i and s: the letters that had look-alikes


def fullwidth(text: str) -> str:
    """ＡＢＣ: the letters of East Asian keyboards, which NFKC brings back to ASCII."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# Ways of writing the account's own address: the same account, the same counter.
SAME_ACCOUNT = {
    "upper case": ADDRESS.upper(),
    "spaces around": f"  {ADDRESS}\u00a0 ",
    "fullwidth letters": fullwidth(ADDRESS),
    "long s (U+017F)": ADDRESS.replace("s", "\u017f"),
    "long s and capitals": "I\u017fIS.Simon@Centre.TEST",
    "fullwidth capitals": fullwidth(ADDRESS.upper()),
}
# Look-alikes that are other addresses: no account, whatever the database's own case folding says.
OTHER_ADDRESS = {
    "dotless i (U+0131)": ADDRESS.replace("i", "\u0131"),
    "dotted capital I (U+0130)": ADDRESS.replace("i", "\u0130"),
    "combining acute accent": ADDRESS.replace("simon", "simo\u0301n"),
    "combining dot above": ADDRESS.replace("isis", "i\u0307sis"),
}


@pytest.fixture
def isis(staff):
    return staff("reception", "a", user__email=ADDRESS)


def attempt(client, username, password):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_normal_form_folds_case_width_and_compatibility_letters_only():
    for variant in SAME_ACCOUNT.values():
        assert normalise_email(variant) == ADDRESS
    for variant in OTHER_ADDRESS.values():
        assert normalise_email(variant) != ADDRESS


@pytest.mark.django_db
@pytest.mark.parametrize("variant", list(SAME_ACCOUNT.values()), ids=list(SAME_ACCOUNT))
def test_every_way_of_writing_the_address_logs_into_the_account(client, isis, variant):
    response = attempt(client, variant, PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    assert int(client.session["_auth_user_id"]) == isis.pk


@pytest.mark.django_db
@pytest.mark.parametrize("variant", list(OTHER_ADDRESS.values()), ids=list(OTHER_ADDRESS))
def test_a_look_alike_address_is_not_the_account_even_with_its_password(client, isis, variant):
    response = attempt(client, variant, PASSWORD)
    assert response.status_code == 200 and not logged_in(client)
    page = response.content.decode()
    assert (
        "Adresse e-mail ou mot de passe incorrect" in page
        or "Saisissez une adresse de courriel valide" in page
    )
    assert not AuditEvent.objects.filter(action="login", actor=isis).exists()


@pytest.mark.django_db
def test_five_failures_under_five_spellings_lock_the_account(client, isis):
    *first_four, fifth = list(SAME_ACCOUNT.values())[:5]
    for spelling in first_four:
        assert attempt(client, spelling, "faux").status_code == 200
    assert attempt(client, fifth, "faux").status_code == 429  # the fifth failure locks
    # One counter, under the account's stored address.
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [(ADDRESS, 5)]
    response = attempt(client, ADDRESS, PASSWORD)
    assert response.status_code == 429 and "Connexion bloquée" in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", ["\x01", "\u202e", "\x00"], ids=["control", "bidi override", "NUL"])
def test_a_refused_character_in_another_field_does_not_stop_a_failure_from_counting(client, isis, extra):
    # The lockout records the failed login's POST data: refusing that row let wrong passwords go uncounted.
    for _ in range(4):
        response = client.post(reverse("core:login"), {"username": ADDRESS, "password": "faux", "x": extra})
        assert response.status_code == 200
    response = client.post(reverse("core:login"), {"username": ADDRESS, "password": "faux", "x": extra})
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username=ADDRESS).failures_since_start == 5
    response = client.post(reverse("core:login"), {"username": ADDRESS, "password": PASSWORD, "x": extra})
    assert response.status_code == 429 and not logged_in(client)


@pytest.mark.django_db
def test_addresses_of_one_ipv6_subscriber_share_one_lockout(client, isis):
    # A subscriber holds a /64: five tries per address of it would be tries without end.
    for n in range(1, 5):
        response = client.post(
            reverse("core:login"), {"username": ADDRESS, "password": "faux"}, REMOTE_ADDR=f"2001:db8:1:2::{n}"
        )
        assert response.status_code == 200
    fifth = client.post(
        reverse("core:login"), {"username": ADDRESS, "password": "faux"}, REMOTE_ADDR="2001:db8:1:2:ffff::9"
    )
    assert fifth.status_code == 429
    right = client.post(
        reverse("core:login"), {"username": ADDRESS, "password": PASSWORD}, REMOTE_ADDR="2001:db8:1:2::77"
    )
    assert right.status_code == 429 and not logged_in(client)
    # Another subscriber is not locked out by them.
    other = client.post(
        reverse("core:login"), {"username": ADDRESS, "password": PASSWORD}, REMOTE_ADDR="2001:db8:9:9::1"
    )
    assert other.status_code == 302 and logged_in(client)


@pytest.mark.django_db
def test_after_the_lockout_no_variant_gets_another_try_nor_logs_in(client, isis):
    for _ in range(5):
        attempt(client, ADDRESS, "faux")
    for name, variant in SAME_ACCOUNT.items():
        response = attempt(client, variant, PASSWORD)
        assert response.status_code == 429, name
        assert "Connexion bloquée" in response.content.decode(), name
        assert not logged_in(client), name
    for name, variant in OTHER_ADDRESS.items():
        response = attempt(client, variant, PASSWORD)
        assert response.status_code == 200, name
        assert not logged_in(client), name
    assert not AuditEvent.objects.filter(action="login", actor=isis).exists()
    # One counter for the account, whatever was typed; the look-alikes count apart, as addresses of no
    # account (they can open nothing).
    assert AccessAttempt.objects.filter(username=ADDRESS).count() == 1
    assert not User.objects.filter(
        email__in=AccessAttempt.objects.exclude(username=ADDRESS).values("username")
    )


@pytest.mark.django_db
def test_the_lockout_key_is_the_account_for_its_spellings_and_the_normal_form_otherwise(isis):
    for variant in SAME_ACCOUNT.values():
        assert lockout_key(variant) == ADDRESS
    assert lockout_key(" Inconnu@Exemple.FR ") == "inconnu@exemple.fr"
    assert lockout_key(OTHER_ADDRESS["dotless i (U+0131)"]) == ADDRESS.replace("i", "\u0131")
    assert len(lockout_key("a" * 10_000 + "@x.fr")) <= 255


@pytest.mark.django_db
def test_a_failed_login_under_another_spelling_is_journaled_against_the_account(client, isis):
    attempt(client, fullwidth(ADDRESS.upper()), "faux")
    attempt(client, OTHER_ADDRESS["dotless i (U+0131)"], "faux")
    failed = AuditEvent.objects.filter(action="login_failed")
    assert [(e.actor_id, e.detail) for e in failed.order_by("pk")] == [
        (isis.pk, ""),
        (None, "compte inconnu"),
    ]


@pytest.mark.django_db
def test_password_reset_finds_the_account_by_the_normal_form_only(
    client, isis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:password_reset"), {"email": OTHER_ADDRESS["dotless i (U+0131)"]})
    run_task_worker()
    assert mail.outbox == [] and not OutboundMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:password_reset"), {"email": fullwidth(ADDRESS.upper())})
    run_task_worker()
    # Sent to the address the account holds, not to what was typed.
    assert [m.to for m in mail.outbox] == [[ADDRESS]]


@pytest.mark.django_db
def test_inviting_another_spelling_of_an_address_invites_its_account(isis, centre_b, director_a):
    accounts = User.objects.count()

    def invite(spelling):
        return services.invite_staff(
            centre=centre_b,
            email=spelling,
            first_name="Isis",
            last_name="Simon",
            role="animator",
            actor=director_a,
            base_url="https://csc.example/",
        )

    assert invite(ADDRESS.replace("s", "\u017f")).user == isis
    # The same person again, under yet another spelling: already in the team, not a new account.
    with pytest.raises(services.StaffError, match="fait déjà partie"):
        invite(fullwidth(ADDRESS.upper()))
    assert User.objects.count() == accounts
    assert StaffRole.objects.get(user=isis, centre=centre_b).role == "animator"


@pytest.mark.django_db
def test_the_invitation_form_accepts_fullwidth_letters_and_stores_the_normal_form(client, director_a):
    client.force_login(director_a)
    response = client.post(
        reverse("core:staff_invite"),
        {
            "email": fullwidth("Nour.Haddad@Exemple.fr"),
            "first_name": "Nour",
            "last_name": "Haddad",
            "role": "animator",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nour.haddad@exemple.fr").exists()


@pytest.mark.django_db
def test_every_way_of_creating_an_account_stores_the_normal_form(db):
    assert User.objects.create_user(" Nour.HADDAD@Exemple.FR ").email == "nour.haddad@exemple.fr"
    assert UserFactory(email="ＬＩＮＡ@Exemple.fr").email == "lina@exemple.fr"
    user = User(email="Chri\u017ftine@Exemple.fr")
    user.save()
    user.refresh_from_db()
    assert user.email == "christine@exemple.fr"


@pytest.mark.django_db
def test_the_technical_admin_refuses_a_second_account_under_another_spelling(client, isis):
    admin = User.objects.create_superuser("admin@exemple.fr", "Un-secret-technique-2026")
    new_account = {
        "password1": "Un-secret-2026-xyz",
        "password2": "Un-secret-2026-xyz",
        "usable_password": "true",
        "staff_roles-TOTAL_FORMS": "0",
        "staff_roles-INITIAL_FORMS": "0",
    }
    client.force_login(admin)
    response = client.post(
        reverse("admin:core_user_add"),
        {"email": ADDRESS.upper(), **new_account},
    )
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert User.objects.filter(email__in=[ADDRESS, ADDRESS.upper()]).count() == 1
    created = client.post(
        reverse("admin:core_user_add"),
        {
            "email": "  Nouvelle.Personne@Exemple.FR",
            **new_account,
        },
    )
    assert created.status_code == 302
    assert User.objects.filter(email="nouvelle.personne@exemple.fr").exists()


@pytest.mark.django_db
def test_createsuperuser_and_grant_role_use_the_normal_form(isis, monkeypatch, centre_a):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Un-secret-technique-2026")
    with pytest.raises(CommandError):
        call_command(
            "createsuperuser", "--noinput", "--email", ADDRESS.upper(), stdout=StringIO(), stderr=StringIO()
        )
    call_command("createsuperuser", "--noinput", "--email", "Tech@Exemple.FR", stdout=StringIO())
    assert User.objects.get(email="tech@exemple.fr").is_superuser
    call_command(
        "grant_role",
        ADDRESS.replace("s", "\u017f"),
        "animator",
        "--centre",
        centre_a.slug,
        "--base-url",
        "https://csc.example/",
        stdout=StringIO(),
    )
    assert StaffRole.objects.filter(user=isis, role="animator").exists()
    assert User.objects.count() == 2
    with pytest.raises(CommandError, match="adresse e-mail valide"):
        call_command(
            "grant_role",
            "pas-une-adresse",
            "animator",
            "--centre",
            centre_a.slug,
            "--base-url",
            "https://csc.example/",
            stdout=StringIO(),
        )


# --- the migration that brought stored addresses to the normal form ------------------------------------

migration = importlib.import_module("csc.core.migrations.0009_account_emails_normal_form")


@pytest.mark.django_db
def test_the_migration_stores_existing_addresses_in_the_normal_form():
    kept = UserFactory(email="deja@exemple.fr")
    old = UserFactory(email="placeholder@exemple.fr")
    User.objects.filter(pk=old.pk).update(email=" Ancien.Compte@Exemple.FR")  # as the admin once stored it
    migration.normalise_emails(apps, None)
    assert set(User.objects.values_list("email", flat=True)) == {kept.email, "ancien.compte@exemple.fr"}


@pytest.mark.django_db
def test_the_migration_refuses_to_merge_two_accounts_that_become_one_address():
    first = UserFactory(email="camille@exemple.fr")
    second = UserFactory(email="placeholder@exemple.fr")
    User.objects.filter(pk=second.pk).update(email="CAMILLE@exemple.fr")
    third = UserFactory(email="other@exemple.fr")
    User.objects.filter(pk=third.pk).update(email="Other@Exemple.fr")
    with pytest.raises(RuntimeError, match=f"compte {first.pk} .*compte {second.pk}"):
        migration.normalise_emails(apps, None)
    # Nothing changed, not even the address that collided with nobody.
    assert set(User.objects.values_list("email", flat=True)) == {
        "camille@exemple.fr",
        "CAMILLE@exemple.fr",
        "Other@Exemple.fr",
    }
