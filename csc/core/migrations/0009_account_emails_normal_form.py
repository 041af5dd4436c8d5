"""Accounts' addresses in their normal form (csc.core.identifiers): the login now finds an account by exact
equality on that form, so an address stored otherwise ('Dir@X.fr', from the technical admin) would no
longer be found.

Two accounts whose addresses have the same normal form ('dir@x.fr' and 'DIR@x.fr') are two ways into
what the login now treats as one address: rather than merge them silently (whose roles, whose password,
whose journal?), the migration stops and names them, for the technical team to rename or deactivate one
in /admin-technique/ first.
"""

import unicodedata
from collections import defaultdict

from django.db import migrations


def _normal_form(value):
    # A copy of csc.core.identifiers.normalise_email as it is today: a migration must not change meaning
    # when the code it once imported does.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value or "").casefold())
    return folded.strip()


def normalise_emails(apps, schema_editor):
    User = apps.get_model("core", "User")
    by_form = defaultdict(list)
    for pk, email in User.objects.values_list("pk", "email").order_by("pk"):
        by_form[_normal_form(email)].append((pk, email))
    collisions = {form: accounts for form, accounts in by_form.items() if len(accounts) > 1}
    if collisions:
        lines = [
            f"  {form} : " + ", ".join(f"compte {pk} ({email})" for pk, email in accounts)
            for form, accounts in sorted(collisions.items())
        ]
        raise RuntimeError(
            "Ces comptes ont des adresses e-mail qui ne diffèrent que par les majuscules ou l'écriture "
            "des caractères, et la connexion les confondrait :\n"
            + "\n".join(lines)
            + "\nDans /admin-technique/, changez l'adresse de l'un d'eux (ou désactivez-le et donnez-lui "
            "une autre adresse), puis relancez la migration. Rien n'a été modifié."
        )
    for form, [(pk, email)] in by_form.items():
        if form != email:
            User.objects.filter(pk=pk).update(email=form)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_outbound_message"),
    ]

    operations = [
        migrations.RunPython(normalise_emails, migrations.RunPython.noop),
    ]
