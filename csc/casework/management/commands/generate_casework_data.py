"""Social follow-up for the `accompagnement` benchmark: 50,000 periods and 1,000,000 exchanges on
generate_scale_data's network.

On top of the `bench` federation (300 centres, 500,000 people), every centre gets:
- its social workers, `bench-social-0001-1@bench.localhost`… (centre number in slug order, then worker
  number): 2 to 8 per centre, more in bigger centres (`--workers` on average), each in one or two of the
  centre's scopes, all with the password `--staff-password` and a confirmed TOTP device (the role requires
  the second factor; the benchmark reads the device's key from the database and types the code);
- the default scopes and thesaurus of social issues (`csc.casework.services.ensure_defaults`);
- accompanying periods (`--periods` in all), spread in proportion to the centre's people over the
  `--years` before today (more recent ones a little more often): of one adult, or of two or three members
  of a household (then the household is set); a referent of the scope, sometimes one or two other workers;
  one to three issues; mostly closed after a few months (a reason each), some still open, a few drafts and
  a few confidential ones;
- the exchanges of those periods (`--exchanges` in all): interviews, calls, home visits,
  accompaniments and online procedures between the period's opening and its end, more for longer periods
  (at most `--big-size` - 1 each), written mostly by the referent, with the people present and notes;
- in `--staff-users` centres (spread as the other generators' staff centres), `--big-periods` long open
  periods of exactly `--big-size` exchanges (200): the case files the benchmark opens, with worker 1 of the
  centre as referent; and a director account, `bench-chiffres-0001@…` (same centre numbers), with TOTP,
  for the figures page;
- the workers' tasks: a few open (about a third late, the others due within six weeks) and more done,
  on periods they read.

Notes and task details are stored encrypted exactly as the model field stores them
(`csc.casework.crypto.encrypt_text`, the key of CSC_CASEWORK_KEYS: run the benchmark's server with the same
key). Encrypting is the costly part of writing a note (about 20 µs each here, half a minute for a million),
and reading costs the same whether two rows hold the same ciphertext or not: so a pool of `--note-pool`
distinct notes is encrypted once and the ciphertexts reused. Each row is still decrypted on its own when
a page shows it. (Equal ciphertexts only say that two invented notes are equal.)

Rows are written in the order they would have been written in real life — periods by opening date,
exchanges by date across all periods — so that the 200 exchanges of a file lie on as many different pages
of the table as they would after years of use, not side by side. COPY on PostgreSQL, in one transaction,
the exchange tables' secondary indexes and foreign keys dropped for the load and rebuilt, then VACUUM
ANALYZE (a plain INSERT elsewhere: the tests run it on SQLite at tiny scale). No `save()`, no signals, no
journal lines: nobody did this.

Running it again generates nothing once the data is there (`--force` rebuilds, `--delete` only removes
what it made: run it before `generate_scale_data --force`, whose raw deletes of people and accounts would
trip on the periods). Every run refreshes the accounts' password, and the tasks when the day has changed
since they were made (late and upcoming are relative to today).
"""

from __future__ import annotations

import random
import time
from array import array
from collections import defaultdict
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from csc.activities.management.commands.generate_attendance_data import bulk_load
from csc.casework import crypto
from csc.casework.models import Exchange, Period, Scope, SocialIssue, Task
from csc.casework.services import ensure_defaults
from csc.core.models import Centre, StaffRole, User
from csc.core.roles import Role
from csc.people.management.commands.generate_scale_data import (
    DEFAULT_PASSWORD,
    EMAIL_DOMAIN,
    FEDERATION_SLUG,
    _copy,
    _reserve_ids,
)

ACCOUNT_PREFIXES = ("bench-social-", "bench-chiffres-")
MAX_WORKERS = 8
MIN_WORKERS = 2
FIRST_NAMES = ["Nadia", "Karim", "Sophie", "Julien", "Aïcha", "Thomas", "Fatou", "Claire", "Mehdi",
               "Laura", "Samuel", "Inès", "Yasmina", "Pierre", "Léa", "Moussa", "Camille", "Hélène",
               "Rachid", "Émilie"]  # fmt: skip
LAST_NAMES = ["Benali", "Martin", "Diallo", "Lefèvre", "Nguyen", "Roux", "Haddad", "Petit", "Traoré",
              "Garnier", "Mercier", "Bouzid", "Fontaine", "Camara", "Chevalier", "Morel", "Kaya", "Girard",
              "Perrin"]  # fmt: skip


def worker_email(centre_number: int, worker: int) -> str:
    return f"bench-social-{centre_number:04d}-{worker}@{EMAIL_DOMAIN}"


def director_email(centre_number: int) -> str:
    return f"bench-chiffres-{centre_number:04d}@{EMAIL_DOMAIN}"


# --- What social workers write -------------------------------------------------------------------------

SITUATIONS = [
    "Madame se présente avec le courrier de la CAF reçu la semaine dernière : l'aide au logement est "
    "suspendue faute de déclaration trimestrielle.",
    "Monsieur a perdu sa mission d'intérim à la fin du mois ; il n'a pas encore fait son inscription à "
    "France Travail.",
    "Point sur le budget : les charges dépassent les ressources d'environ 150 € par mois depuis la hausse "
    "du loyer.",
    "La famille a reçu un commandement de payer pour trois mois de loyer impayés.",
    "Madame dit sa fatigue et son isolement depuis le départ de son conjoint ; elle ne sort presque plus.",
    "Le titre de séjour arrive à échéance dans deux mois et le rendez-vous en préfecture n'est toujours pas "
    "fixé.",
    "Demande d'aide pour créer l'espace personnel sur le site de l'Assurance maladie.",
    "Les enfants ne vont plus à la cantine depuis la rentrée, la facture n'étant pas réglée.",
    "Monsieur voudrait reprendre une formation d'agent de propreté ; il faut monter le dossier de "
    "financement.",
    "Facture d'électricité de 640 € en retard, coupure annoncée par le fournisseur sous quinze jours.",
    "La commission de surendettement a déclaré le dossier recevable ; les créanciers sont prévenus.",
    "Compte à découvert depuis trois mois, frais d'incidents bancaires importants.",
    "Madame vit seule avec trois enfants dans un T2 ; la demande de logement social date de quatre ans.",
    "Retour d'hospitalisation : il faut organiser l'aide à domicile et le portage des repas.",
    "Le fils aîné est déscolarisé depuis février ; la mère ne sait plus comment faire.",
    "Monsieur ne comprend pas le courrier des impôts et craint une dette.",
    "Changement de situation : séparation en cours, Madame doit refaire ses déclarations seule.",
    "La complémentaire santé a pris fin ; des soins dentaires sont reportés.",
    "Arrivée récente dans le quartier, hébergée chez une sœur ; aucun droit ouvert pour l'instant.",
    "Monsieur a retrouvé un contrat de six mois ; il faut déclarer la reprise et revoir le budget.",
]
ACTIONS = [
    "Nous avons rempli ensemble la déclaration trimestrielle en ligne et imprimé le récapitulatif.",
    "Rendez-vous pris avec la conseillère France Travail ; l'attestation employeur est à demander.",
    "Dossier FSL commencé : pièces listées, les trois dernières quittances sont à apporter.",
    "Appel au bailleur pour demander un plan d'apurement : accord de principe sur 50 € par mois.",
    "Orientation vers l'épicerie solidaire pour trois mois, le temps que les droits soient rouverts.",
    "Aide à la rédaction d'un courrier de contestation, envoyé en recommandé avec accusé de réception.",
    "Création de l'adresse e-mail et du compte ameli ; Madame a noté ses identifiants dans son carnet.",
    "Simulation sur mesdroitssociaux.gouv.fr : la prime d'activité semble possible, demande faite.",
    "Accompagnement à la préfecture ; le récépissé a été remis.",
    "Demande d'aide financière au CCAS préparée, passage en commission le mois prochain.",
    "Mise en lien avec le point conseil budget pour un suivi régulier.",
    "Échange sur la scolarité des enfants ; inscription à l'accompagnement à la scolarité proposée.",
    "Demande de médiation avec le fournisseur d'énergie ; un échéancier de six mois est accepté.",
    "Dossier de complémentaire santé solidaire déposé, copie gardée au dossier.",
    "Contact avec l'assistante sociale de secteur pour partager les éléments, avec l'accord de Madame.",
    "Inscription à l'atelier numérique du jeudi pour gagner en autonomie sur les démarches.",
    "Tri des courriers en retard ; trois réponses urgentes faites ensemble.",
    "Demande de logement social renouvelée et complétée des nouvelles ressources.",
]
NEXT_STEPS = [
    "Prochain rendez-vous dans quinze jours pour vérifier le versement.",
    "À revoir après la réponse de la CAF.",
    "Madame rappellera quand elle aura reçu le courrier.",
    "Relancer le bailleur sans réponse sous huit jours.",
    "Penser à demander l'avis d'imposition pour le dossier.",
    "Monsieur apportera les justificatifs au prochain passage.",
    "Point avec la famille dans un mois.",
    "Suite à voir en équipe mardi.",
]
TASK_TITLES = [
    "Relancer la CAF",
    "Envoyer le dossier FSL",
    "Appeler le bailleur",
    "Vérifier le versement de l'aide",
    "Préparer la commission du CCAS",
    "Faire la demande de complémentaire santé solidaire",
    "Prendre rendez-vous en préfecture",
    "Rappeler la famille",
    "Transmettre le dossier au point conseil budget",
    "Compléter la demande de logement social",
    "Envoyer le courrier de contestation",
    "Demander l'attestation employeur",
    "Faire le point avec l'assistante sociale de secteur",
    "Récupérer l'avis d'imposition",
    "Préparer le dossier de surendettement",
    "Inscrire à l'atelier numérique",
]
TASK_DETAILS = [
    "Pièces manquantes : les trois dernières quittances.",
    "La famille attend une réponse avant la fin du mois.",
    "Voir avec Madame si le courrier est bien arrivé.",
    "Numéro du dossier dans le classeur.",
    "Attention : date limite de dépôt vendredi.",
    "Monsieur préfère être appelé le matin.",
]
CALL_COUNTERPARTS = ["CAF", "CPAM", "France Travail", "Bailleur social", "Assistante sociale de secteur",
                     "École", "Mission locale", "Fournisseur d'énergie", "Centre des finances publiques",
                     "CCAS"]  # fmt: skip
ACCOMPANIMENT_COUNTERPARTS = ["Préfecture", "CCAS", "Banque de France", "Hôpital", "Tribunal judiciaire",
                              "France Travail", "Agence du bailleur", "Banque"]  # fmt: skip
ONLINE_COUNTERPARTS = ["caf.fr", "ameli.fr", "ANTS", "impots.gouv.fr", "France Travail",
                       "Démarches préfecture", "mesdroitssociaux.gouv.fr"]  # fmt: skip
REQUESTERS = ["Assistante sociale de secteur", "Mission locale", "Sa fille", "Son fils", "PMI",
              "Bailleur social", "École"]  # fmt: skip

K = Exchange.Kind
KINDS = [K.INTERVIEW, K.CALL, K.ONLINE_PROCEDURE, K.HOME_VISIT, K.ACCOMPANIMENT]
KIND_WEIGHTS = [40, 30, 12, 10, 8]
DURATIONS = {
    K.INTERVIEW: (30, 90),
    K.CALL: (5, 30),
    K.ONLINE_PROCEDURE: (20, 60),
    K.HOME_VISIT: (45, 120),
    K.ACCOMPANIMENT: (60, 240),
}
COUNTERPARTS = {K.CALL: CALL_COUNTERPARTS, K.ACCOMPANIMENT: ACCOMPANIMENT_COUNTERPARTS,
                K.ONLINE_PROCEDURE: ONLINE_COUNTERPARTS}  # fmt: skip
ORIGINS = list(Period.Origin.values)
ORIGIN_WEIGHTS = [45, 30, 12, 8, 5]  # spontaneous, partner, internal, family, other
PLACES = list(Period.Place.values)
PLACE_WEIGHTS = [75, 10, 5, 10]  # centre, home, outside, remote
REASONS = list(Period.ClosingReason.values)
REASON_WEIGHTS = [40, 20, 10, 20, 5, 5]
RELATION_ORDER = {"responsable": 0, "conjoint": 1, "autre": 2, "enfant": 3}


def note_pool(rng: random.Random, size: int) -> list[str]:
    """`size` distinct notes, as a social worker writes them: what brought the person, what was done
    together, what comes next."""
    notes: set[str] = set()
    attempts = 0
    while len(notes) < size and attempts < size * 50:
        attempts += 1
        parts = rng.sample(SITUATIONS, rng.choice([1, 1, 2]))
        parts += rng.sample(ACTIONS, rng.choice([1, 2, 2, 3]))
        if rng.random() < 0.7:
            parts.append(rng.choice(NEXT_STEPS))
        # One paragraph, sometimes two (the page turns line breaks into paragraphs).
        cut = rng.randrange(1, len(parts) + 1)
        notes.add(" ".join(parts[:cut]) + ("\n\n" + " ".join(parts[cut:]) if parts[cut:] else ""))
    return sorted(notes)


# --- Writing rows: COPY on PostgreSQL, INSERT elsewhere ---------------------------------------------------


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def write_rows(cursor, model, columns: list[str], rows) -> int:
    """Rows into the model's table (a through model for a many-to-many). Fields not listed get their
    model default (generate_scale_data's `_copy` on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return _copy(cursor.cursor, model, columns, rows)
    listed = set(columns)
    extra_columns, extra = [], []
    for field in model._meta.concrete_fields:
        if field.column in listed or field.attname in listed or field.primary_key:
            continue
        extra_columns.append(field.column)
        extra.append(field.get_db_prep_save(field.get_default(), connection))
    names = ", ".join(f'"{c}"' for c in [*columns, *extra_columns])
    marks = ", ".join(["%s"] * (len(columns) + len(extra_columns)))
    sql = f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({marks})'  # noqa: S608
    count, batch = 0, []
    for row in rows:
        batch.append([_adapt(v) for v in row] + extra)
        if len(batch) >= 5000:
            cursor.executemany(sql, batch)
            count, batch = count + len(batch), []
    if batch:
        cursor.executemany(sql, batch)
        count += len(batch)
    return count


def reserve_ids(cursor, model, count: int) -> int:
    """`count` consecutive free ids of the model's table; returns the first."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        return _reserve_ids(cursor.cursor, table, count)
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608
    return cursor.fetchone()[0]


def _in(values) -> str:
    return f"IN ({', '.join(['%s'] * len(values))})"


# --- The command -----------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Génère 50 000 parcours d'accompagnement et 1 000 000 d'échanges sur le réseau « bench » de "
        "generate_scale_data, pour le benchmark `accompagnement`. Idempotent ; --force reconstruit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--periods", type=int, default=50_000)
        parser.add_argument("--exchanges", type=int, default=1_000_000)
        parser.add_argument(
            "--big-periods",
            type=int,
            default=100,
            help="Parcours d'exactement --big-size échanges (ceux que le benchmark ouvre).",
        )
        parser.add_argument("--big-size", type=int, default=200)
        parser.add_argument(
            "--staff-users",
            type=int,
            default=100,
            help="Centres qui ont les gros parcours et un compte de direction (répartis sur le réseau).",
        )
        parser.add_argument(
            "--workers", type=float, default=3.0, help="Travailleurs sociaux par centre, en moyenne (2 à 8)."
        )
        parser.add_argument("--open-tasks", type=int, default=12, help="Tâches ouvertes par intervenant.")
        parser.add_argument("--done-tasks", type=int, default=30, help="Tâches faites par intervenant.")
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--note-pool", type=int, default=500, help="Notes distinctes chiffrées.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--staff-password", default=DEFAULT_PASSWORD)
        parser.add_argument("--force", action="store_true", help="Supprime et reconstruit les parcours.")
        parser.add_argument(
            "--delete", action="store_true", help="Supprime seulement ce que cette commande a créé."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        centres = list(
            Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG)
            .order_by("slug")
            .values_list("id", flat=True)
        )
        if options["delete"]:
            self._delete(centres)
            self.stdout.write(f"Accompagnement du réseau « {FEDERATION_SLUG} » et ses comptes supprimés.")
            return
        if not centres:
            raise CommandError("Pas de réseau « bench » : lancez d'abord `manage.py generate_scale_data`.")
        if not 0 < options["staff_users"] <= len(centres):
            raise CommandError(f"--staff-users doit être entre 1 et {len(centres)}.")
        big, size = options["big_periods"], options["big_size"]
        if not 0 <= big < options["periods"] or size < 2:
            raise CommandError("Il faut moins de gros parcours que de parcours, et --big-size ≥ 2.")
        if options["exchanges"] < big * size:
            raise CommandError(f"--exchanges doit valoir au moins {big * size} (--big-periods × --big-size).")
        crypto.fernet()  # ImproperlyConfigured without CSC_CASEWORK_KEYS: before writing anything
        step = len(centres) / options["staff_users"]
        staff_centres = [centres[int(i * step)] for i in range(options["staff_users"])]

        existing = self._existing(centres, size)
        wanted = {"periods": options["periods"], "exchanges": options["exchanges"], "big_periods": big}
        if existing == wanted and not options["force"]:
            self.stdout.write(f"Accompagnement de benchmark déjà là ({existing}) : rien à générer.")
            with transaction.atomic():
                self._accounts(centres, staff_centres, options)
                stale = self._tasks_are_stale(centres)
                if stale:
                    self._tasks(centres, options)
            if stale:
                self._analyze([Task])
            return
        if any(existing.values()):
            self._delete(centres)
            self.stdout.write(f"Ancien accompagnement supprimé ({time.monotonic() - started:.1f} s).")
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            workers = self._accounts(centres, staff_centres, options)
            self.stdout.write(f"Comptes prêts ({time.monotonic() - started:.1f} s).")
            self._generate(centres, staff_centres, workers, options, started)
            self._tasks(centres, options)
        self._analyze()
        self.stdout.write(
            self.style.SUCCESS(f"Jeu de données d'accompagnement prêt en {time.monotonic() - started:.1f} s.")
        )

    # --- what is there -----------------------------------------------------------------------------------

    def _existing(self, centres: list[int], big_size: int) -> dict[str, int]:
        periods = Period.objects.filter(centre_id__in=centres)
        exchanges = Exchange.objects.filter(period__centre_id__in=centres)
        with connection.cursor() as cursor:
            sql = (
                "SELECT count(*) FROM (SELECT e.period_id FROM casework_exchange e "  # noqa: S608
                "JOIN casework_period p ON p.id = e.period_id "
                f"WHERE p.centre_id {_in(centres)} GROUP BY e.period_id HAVING count(*) = %s) big"
            )
            cursor.execute(sql, [*centres, big_size])
            big = cursor.fetchone()[0]
        return {"periods": periods.count(), "exchanges": exchanges.count(), "big_periods": big}

    def _delete(self, centres: list[int]):
        """Raw deletes, children first (no signals, no journal lines), then the accounts made here. The
        exchange tables are truncated when the network holds all their rows (a million DELETEs take a
        while)."""
        if centres:
            c = _in(centres)
            periods = f"SELECT id FROM casework_period WHERE centre_id {c}"  # noqa: S608
            exchanges = f"SELECT id FROM casework_exchange WHERE period_id IN ({periods})"  # noqa: S608
            actions = f"SELECT id FROM casework_socialaction WHERE period_id IN ({periods})"  # noqa: S608
            scopes = f"SELECT id FROM casework_scope WHERE centre_id {c}"  # noqa: S608
            deletes = [
                ("casework_evaluation", f"action_id IN ({actions})"),
                ("casework_socialaction", f"period_id IN ({periods})"),
                ("casework_document", f"period_id IN ({periods})"),
                ("casework_task", f"period_id IN ({periods})"),
                ("casework_exchange_persons", f"exchange_id IN ({exchanges})"),
                ("casework_exchange", f"period_id IN ({periods})"),
                ("casework_period_persons", f"period_id IN ({periods})"),
                ("casework_period_issues", f"period_id IN ({periods})"),
                ("casework_period_workers", f"period_id IN ({periods})"),
                ("casework_period", f"centre_id {c}"),
                ("casework_scope_workers", f"scope_id IN ({scopes})"),
                ("casework_scope", f"centre_id {c}"),
                ("casework_socialissue", f"centre_id {c}"),
            ]
            with transaction.atomic(), connection.cursor() as cursor:
                truncated = False
                if connection.vendor == "postgresql":
                    sql = (
                        "SELECT EXISTS (SELECT 1 FROM casework_exchange e JOIN casework_period p "  # noqa: S608
                        f"ON p.id = e.period_id WHERE p.centre_id NOT {c})"
                    )
                    cursor.execute(sql, centres)
                    if not cursor.fetchone()[0]:
                        cursor.execute("TRUNCATE casework_exchange_persons, casework_exchange")
                        truncated = True
                for table, condition in deletes:
                    if truncated and table in ("casework_exchange_persons", "casework_exchange"):
                        continue
                    cursor.execute(f"DELETE FROM {table} WHERE {condition}", centres)  # noqa: S608
        accounts = User.objects.none()
        for prefix in ACCOUNT_PREFIXES:
            accounts |= User.objects.filter(email__startswith=prefix, email__endswith=f"@{EMAIL_DOMAIN}")
        with transaction.atomic():
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.filter(user__in=accounts).delete()
            StaffRole.objects.filter(user__in=accounts).delete()
            accounts.delete()

    # --- the accounts ------------------------------------------------------------------------------------

    def _sizes(self, centres: list[int]) -> dict[int, int]:
        """People per centre: bigger centres have more social workers and more periods."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT centre_id, count(*) FROM people_person WHERE centre_id {_in(centres)} "  # noqa: S608
                "AND anonymised_at IS NULL GROUP BY centre_id",
                centres,
            )
            sizes = dict(cursor.fetchall())
        return {c: sizes.get(c, 0) for c in centres}

    def _accounts(self, centres: list[int], staff_centres: list[int], options) -> dict[int, list[int]]:
        """The social workers of every centre and a director in each staff centre, with the password and
        a confirmed TOTP device. Returns {centre: [worker ids, worker 1 first]}. The password is hashed
        once (PBKDF2 is deliberately slow) and shared."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        sizes = self._sizes(centres)
        mean = (sum(sizes.values()) / len(sizes)) or 1
        encoded = make_password(options["staff_password"])
        staff = set(staff_centres)
        wanted = []  # (email, first name, last name, centre, role)
        for number, centre_id in enumerate(centres, start=1):
            count = min(MAX_WORKERS, max(MIN_WORKERS, round(options["workers"] * sizes[centre_id] / mean)))
            for worker in range(1, count + 1):
                first = FIRST_NAMES[(number * 7 + worker) % len(FIRST_NAMES)]
                last = LAST_NAMES[(number * 3 + worker * 5) % len(LAST_NAMES)]
                wanted.append((worker_email(number, worker), first, last, centre_id, Role.SOCIAL_WORKER))
            if centre_id in staff:
                label = f"Bench {number:04d}"
                wanted.append((director_email(number), "Direction", label, centre_id, Role.DIRECTOR))
        emails = [w[0] for w in wanted]
        existing = {u.email: u for u in User.objects.filter(email__in=emails)}
        new, changed = [], []
        for email, first, last, _centre, _role in wanted:
            user = existing.get(email)
            if user is None:
                new.append(User(email=email, first_name=first, last_name=last, password=encoded))
            else:
                user.password, user.is_active = encoded, True
                changed.append(user)
        User.objects.bulk_create(new, batch_size=2000)
        User.objects.bulk_update(changed, ["password", "is_active"], batch_size=2000)
        ids = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
        target = {ids[email]: (centre_id, role) for email, _f, _l, centre_id, role in wanted}

        # Exactly one active role each: the one wanted.
        roles = defaultdict(list)
        for role in StaffRole.objects.filter(user_id__in=target):
            roles[role.user_id].append(role)
        stale, missing, inactive = [], [], []
        for user_id, (centre_id, role_name) in target.items():
            keep = [r for r in roles[user_id] if (r.centre_id, r.role) == (centre_id, role_name)][:1]
            stale += [r.pk for r in roles[user_id] if r not in keep]
            inactive += [r.pk for r in keep if not r.is_active]
            if not keep:
                missing.append(StaffRole(user_id=user_id, centre_id=centre_id, role=role_name))
        StaffRole.objects.filter(pk__in=stale).delete()
        StaffRole.objects.filter(pk__in=inactive).update(is_active=True)
        StaffRole.objects.bulk_create(missing, batch_size=2000)

        confirmed = set(
            TOTPDevice.objects.filter(user_id__in=target, confirmed=True).values_list("user_id", flat=True)
        )
        TOTPDevice.objects.bulk_create(
            [TOTPDevice(user_id=u, name="bench", confirmed=True) for u in target if u not in confirmed],
            batch_size=2000,
        )
        workers: dict[int, list[int]] = defaultdict(list)
        for email, _f, _l, centre_id, role in wanted:
            if role == Role.SOCIAL_WORKER:
                workers[centre_id].append(ids[email])
        self.stdout.write(
            f"{sum(len(w) for w in workers.values())} travailleurs sociaux ({worker_email(1, 1)} …) et "
            f"{len(staff_centres)} comptes de direction ({director_email(1)} …), mot de passe commun, TOTP."
        )
        return workers

    # --- the periods and their exchanges -----------------------------------------------------------------

    def _households(self, centres: list[int]) -> dict[int, list[tuple[int, list[int]]]]:
        """{centre: [(household, [its active people of the centre, adults first])]}."""
        with connection.cursor() as cursor:
            sql = (
                "SELECT h.centre_id, m.household_id, m.person_id, m.relation FROM people_householdmember m "  # noqa: S608
                "JOIN people_household h ON h.id = m.household_id JOIN people_person p ON p.id = m.person_id "
                f"WHERE h.centre_id {_in(centres)} AND p.centre_id = h.centre_id "
                "AND p.anonymised_at IS NULL ORDER BY m.household_id, m.person_id"
            )
            cursor.execute(sql, centres)
            members: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
            for centre_id, household_id, person_id, relation in cursor.fetchall():
                members[(centre_id, household_id)].append((RELATION_ORDER.get(relation, 2), person_id))
        result: dict[int, list[tuple[int, list[int]]]] = defaultdict(list)
        for (centre_id, household_id), people in members.items():
            result[centre_id].append((household_id, [p for _order, p in sorted(people)]))
        return result

    def _generate(self, centres, staff_centres, workers, options, started):
        rng = random.Random(options["seed"])
        tz = ZoneInfo(settings.TIME_ZONE)
        today = timezone.localdate()
        now = timezone.now()
        big, size = options["big_periods"], options["big_size"]

        for centre in Centre.objects.filter(pk__in=centres):
            ensure_defaults(centre)
        scopes: dict[int, list[int]] = defaultdict(list)
        for pk, centre_id in (
            Scope.objects.filter(centre_id__in=centres).order_by("name", "id").values_list("pk", "centre_id")
        ):
            scopes[centre_id].append(pk)
        issues: dict[int, list[int]] = defaultdict(list)
        for pk, centre_id in (
            SocialIssue.objects.filter(centre_id__in=centres, is_active=True)
            .order_by("name", "id")
            .values_list("pk", "centre_id")
        ):
            issues[centre_id].append(pk)

        # Each worker in one or two scopes of the centre; worker 1 always in the first.
        members: dict[int, list[int]] = defaultdict(list)
        scope_rows = []
        for centre_id in centres:
            for index, worker in enumerate(workers[centre_id]):
                mine = [scopes[centre_id][index % len(scopes[centre_id])]]
                if rng.random() < 0.35:
                    other = rng.choice(scopes[centre_id])
                    if other not in mine:
                        mine.append(other)
                for scope in mine:
                    members[scope].append(worker)
                    scope_rows.append((scope, worker))

        households = self._households(centres)
        weighted = [c for c in centres if households[c]]
        if not weighted:
            raise CommandError("Aucun foyer dans le réseau « bench » : rien à accompagner.")
        for centre_id in staff_centres:
            if big and not households[centre_id]:
                raise CommandError(f"Le centre {centre_id} n'a aucun foyer pour ses gros parcours.")

        span = options["years"] * 365
        periods = []
        for index in range(options["periods"]):
            if index < big:
                centre_id = staff_centres[index % len(staff_centres)]
            else:
                centre_id = rng.choices(weighted, weights=[len(households[c]) for c in weighted])[0]
            periods.append(self._period(rng, centre_id, index < big, today, span, scopes, members,
                                        workers, issues, households))  # fmt: skip
        periods.sort(key=lambda p: p["opened_on"])  # ids in the order they were opened
        with connection.cursor() as cursor:
            first_period = reserve_ids(cursor, Period, len(periods))
        for offset, period in enumerate(periods):
            period["id"] = first_period + offset

        counts = self._exchange_counts(rng, periods, options["exchanges"] - big * size, size, today)
        self.stdout.write(
            f"{len(periods)} parcours tirés ({sum(p['big'] for p in periods)} de {size} échanges) "
            f"({time.monotonic() - started:.1f} s)."
        )

        # The notes: a pool of distinct notes, each encrypted once (see the module's docstring).
        mark = time.perf_counter()
        pool = note_pool(rng, options["note_pool"])
        ciphers = [crypto.encrypt_text(note) for note in pool]
        each = (time.perf_counter() - mark) / max(1, len(pool))
        self.stdout.write(
            f"{len(pool)} notes distinctes chiffrées ({each * 1e6:.0f} µs la note : chiffrer chacune des "
            f"{options['exchanges']} notes aurait coûté environ {each * options['exchanges']:.0f} s)."
        )

        exchanges = self._exchanges(rng, periods, counts, len(ciphers), today)
        self.stdout.write(f"{len(exchanges)} échanges tirés ({time.monotonic() - started:.1f} s).")

        with connection.cursor() as cursor:
            self._write_periods(cursor, periods, scope_rows, tz, now)
            self.stdout.write(f"Parcours écrits ({time.monotonic() - started:.1f} s).")
            first_exchange = reserve_ids(cursor, Exchange, len(exchanges)) if exchanges else 0
            present_exchange, present_person = array("q"), array("q")
            midnight: dict[int, datetime] = {}

            def exchange_rows():
                for offset, (
                    key,
                    period,
                    kind,
                    minutes,
                    counterpart,
                    note,
                    private,
                    author,
                    present,
                ) in enumerate(exchanges):
                    exchange_id = first_exchange + offset
                    day = key // 86400
                    start = midnight.get(day)
                    if start is None:
                        start = midnight[day] = datetime.combine(
                            date.fromordinal(day), datetime.min.time(), tz
                        )
                    for person in present:
                        present_exchange.append(exchange_id)
                        present_person.append(person)
                    yield (
                        exchange_id,
                        periods[period]["id"],
                        KINDS[kind],
                        start.date(),
                        minutes,
                        counterpart,
                        ciphers[note] if note >= 0 else "",
                        private,
                        author,
                        start + timedelta(seconds=key % 86400),
                    )

            columns = ["id", "period_id", "kind", "happened_on", "duration_minutes", "counterpart", "notes",
                       "is_private", "author_id", "created_at"]  # fmt: skip
            through = Exchange.persons.through
            with self._bulk_load(cursor, Exchange._meta.db_table):
                written = write_rows(cursor, Exchange, columns, exchange_rows())
            with self._bulk_load(cursor, through._meta.db_table):
                present = write_rows(
                    cursor,
                    through,
                    [through._meta.get_field("exchange").column, through._meta.get_field("person").column],
                    zip(present_exchange, present_person, strict=True),
                )
        self.stdout.write(
            f"{written} échanges écrits, {present} présences de personnes "
            f"({time.monotonic() - started:.1f} s)."
        )

    def _bulk_load(self, cursor, table: str):
        """Secondary indexes and foreign keys dropped for the load and rebuilt (PostgreSQL)."""
        if connection.vendor == "postgresql":
            return bulk_load(cursor, table)
        return nullcontext()

    def _period(self, rng, centre_id, is_big, today, span, scopes, members, workers, issues, households):
        """One period of the centre, as a dict of its columns and links."""
        team = workers[centre_id]
        if is_big:
            # A long follow-up still open, with worker 1 (the benchmark's user) as referent.
            referent = team[0]
            scope = scopes[centre_id][0]
            opened_on = today - timedelta(days=min(span, rng.randint(2 * 365, 4 * 365)))
            status, closed_on, confidential = Period.Status.OPEN, None, False
        else:
            scope = rng.choice(scopes[centre_id])
            referent = rng.choice(members[scope] or team)
            # Recent years a little more often (the centre's activity grows).
            ago = int(span * rng.random() ** 1.3)
            opened_on = today - timedelta(days=ago)
            end = opened_on + timedelta(days=14 + int(rng.lognormvariate(5.5, 0.8)))  # median ~8 months
            if end < today:
                status, closed_on = Period.Status.CLOSED, end
            elif ago < 60 and rng.random() < 0.3:
                status, closed_on = Period.Status.DRAFT, None
            else:
                status, closed_on = Period.Status.OPEN, None
            confidential = rng.random() < 0.04
        others = [w for w in team if w != referent]
        extra = min(len(others), rng.choices([0, 1, 2], weights=[70, 25, 5])[0])
        household_id, people = rng.choice(households[centre_id])
        if len(people) > 1 and rng.random() < 0.3:
            persons, household = people[: rng.choice([2, 2, 3])], household_id
        else:
            persons, household = people[:1], None
        origin = rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
        return {
            "centre": centre_id,
            "scope": scope,
            "referent": referent,
            "workers": rng.sample(others, extra),
            "persons": persons,
            "household": household,
            "issues": rng.sample(issues[centre_id], min(len(issues[centre_id]), rng.choice([1, 1, 2, 2, 3]))),
            "opened_on": opened_on,
            "closed_on": closed_on,
            "status": status,
            "reason": rng.choices(REASONS, weights=REASON_WEIGHTS)[0] if closed_on else "",
            "confidential": confidential,
            "origin": origin,
            "requester": rng.choice(REQUESTERS) if origin in ("partner", "family") else "",
            "place": rng.choices(PLACES, weights=PLACE_WEIGHTS)[0],
            "big": is_big,
        }

    def _exchange_counts(self, rng, periods, target: int, big_size: int, today) -> list[int]:
        """Exchanges of each period: `big_size` for the big ones, none for drafts, and `target` in all for
        the others, more for longer periods (at most big_size - 1, so that only the big ones reach it)."""
        cap = big_size - 1
        counts = [big_size if p["big"] else 0 for p in periods]
        regular = [i for i, p in enumerate(periods) if not p["big"] and p["status"] != Period.Status.DRAFT]
        if target > cap * len(regular):
            raise CommandError(
                f"{target} échanges ne tiennent pas dans {len(regular)} parcours de {cap} au plus."
            )
        weights = [
            (((periods[i]["closed_on"] or today) - periods[i]["opened_on"]).days + 20)
            * rng.lognormvariate(0, 0.5)
            for i in regular
        ]
        total = sum(weights) or 1
        for i, weight in zip(regular, weights, strict=True):
            counts[i] = min(cap, int(target * weight / total))
        deficit = target - sum(counts[i] for i in regular)
        order = list(regular)
        while deficit > 0:  # the rounding and the caps' remainder, one more here and there
            rng.shuffle(order)
            for i in order:
                if deficit == 0:
                    break
                if counts[i] < cap:
                    counts[i] += 1
                    deficit -= 1
        return counts

    def _exchanges(self, rng, periods, counts, notes: int, today) -> list[tuple]:
        """Every exchange as (time key, period index, kind index, minutes, counterpart, note index or -1,
        private, author, people present), sorted by time: the order they were written in."""
        kinds = list(range(len(KINDS)))
        cumulative = []
        total = 0
        for weight in KIND_WEIGHTS:
            total += weight
            cumulative.append(total)
        call = KINDS.index(K.CALL)
        rows = []
        for index, (period, count) in enumerate(zip(periods, counts, strict=True)):
            if not count:
                continue
            first = period["opened_on"].toordinal()
            days = (period["closed_on"] or today).toordinal() - first
            offsets = sorted([0] + [rng.randint(0, days) for _ in range(count - 1)])
            persons, referent, team = period["persons"], period["referent"], period["workers"]
            for offset in offsets:
                kind = rng.choices(kinds, cum_weights=cumulative)[0]
                name = KINDS[kind]
                low, high = DURATIONS[name]
                minutes = rng.randrange(low, high + 1, 5) if rng.random() < 0.9 else None
                places = COUNTERPARTS.get(name)
                counterpart = rng.choice(places) if places and rng.random() < 0.8 else ""
                note = -1 if rng.random() < (0.15 if kind == call else 0.04) else rng.randrange(notes)
                author = rng.choice(team) if team and rng.random() < 0.2 else referent
                if kind == call:
                    present = persons[:1] if rng.random() < 0.7 else []
                elif len(persons) == 1:
                    present = persons
                else:
                    present = persons[: rng.randint(1, len(persons))]
                key = (first + offset) * 86400 + rng.randint(8 * 3600, 18 * 3600)
                rows.append((key, index, kind, minutes, counterpart, note, rng.random() < 0.04, author,
                             tuple(present)))  # fmt: skip
        rows.sort(key=itemgetter(0))
        return rows

    def _write_periods(self, cursor, periods, scope_rows, tz, now):
        def at(day: date, hour: int) -> datetime:
            return datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=hour)

        rows = []
        for p in periods:
            created = at(p["opened_on"], 10)
            rows.append(
                (
                    p["id"],
                    p["centre"],
                    p["scope"],
                    p["household"],
                    p["opened_on"],
                    p["origin"],
                    p["requester"],
                    p["referent"],
                    p["place"],
                    p["confidential"],
                    p["status"],
                    p["closed_on"],
                    p["reason"],
                    p["referent"],
                    min(created, now),
                    min(at(p["closed_on"], 17), now) if p["closed_on"] else min(created, now),
                    None,
                )
            )
        columns = ["id", "centre_id", "scope_id", "household_id", "opened_on", "origin", "requester",
                   "referent_id", "place", "is_confidential", "status", "closed_on", "closing_reason",
                   "created_by_id", "created_at", "updated_at", "anonymised_at"]  # fmt: skip
        write_rows(cursor, Period, columns, rows)
        for field in ("persons", "issues", "workers"):
            m2m = Period._meta.get_field(field)
            write_rows(
                cursor,
                m2m.remote_field.through,
                [m2m.m2m_column_name(), m2m.m2m_reverse_name()],
                ((p["id"], value) for p in periods for value in p[field]),
            )
        through = Scope.workers.through
        users = sorted({user for _scope, user in scope_rows})
        if users:
            cursor.execute(f'DELETE FROM "{through._meta.db_table}" WHERE user_id {_in(users)}', users)  # noqa: S608
        write_rows(cursor, through, ["scope_id", "user_id"], scope_rows)

    # --- the tasks ---------------------------------------------------------------------------------------

    def _tasks_are_stale(self, centres: list[int]) -> bool:
        """The tasks were made another day: late and upcoming have moved (each worker's newest task was
        given the day they were made)."""
        latest = Task.objects.filter(period__centre_id__in=centres).aggregate(latest=Max("created_at"))[
            "latest"
        ]
        return latest is None or timezone.localdate(latest) != timezone.localdate()

    def _tasks(self, centres: list[int], options):
        """The workers' tasks, made anew: a few open (about a third late), more done, on periods they read
        as referent or worker."""
        rng = random.Random(options["seed"] + 1)
        tz = ZoneInfo(settings.TIME_ZONE)
        today = timezone.localdate()
        now = timezone.now()
        c = _in(centres)
        with connection.cursor() as cursor:
            network = f"SELECT id FROM casework_period WHERE centre_id {c}"  # noqa: S608
            cursor.execute(f"DELETE FROM casework_task WHERE period_id IN ({network})", centres)  # noqa: S608
            sql = (
                "SELECT id, referent_id, status, opened_on, closed_on FROM casework_period "  # noqa: S608
                f"WHERE centre_id {c} AND status <> 'draft' ORDER BY id"
            )
            cursor.execute(sql, centres)
            periods = {row[0]: row for row in cursor.fetchall()}
            sql = (
                "SELECT w.period_id, w.user_id FROM casework_period_workers w JOIN casework_period p "  # noqa: S608
                f"ON p.id = w.period_id WHERE p.centre_id {c} ORDER BY w.id"
            )
            cursor.execute(sql, centres)
            links = cursor.fetchall()
        readable: dict[int, list[tuple]] = defaultdict(list)
        for period in periods.values():
            readable[period[1]].append(period)
        for period_id, user_id in links:
            if period_id in periods:
                readable[user_id].append(periods[period_id])
        details = [crypto.encrypt_text(text) for text in TASK_DETAILS]

        def at(day: date) -> datetime:
            moment = datetime.combine(day, datetime.min.time(), tz) + timedelta(
                seconds=rng.randint(8 * 3600, 18 * 3600)
            )
            return min(moment, now)

        rows = []
        opened, done = options["open_tasks"], options["done_tasks"]
        for user_id in sorted(readable):
            mine = readable[user_id]
            current = [p for p in mine if p[2] == Period.Status.OPEN] or mine
            newest = None
            for _ in range(rng.randint(opened // 2, opened * 3 // 2) if opened else 0):
                period = rng.choice(current)
                if rng.random() < 0.33:
                    due = today - timedelta(days=rng.randint(1, 45))
                else:
                    due = today + timedelta(days=rng.randint(0, 42))
                created = at(max(period[3], min(today, due) - timedelta(days=rng.randint(3, 30))))
                row = [period[0], user_id, due, None, period[1], created]
                rows.append(row)
                newest = row
            if newest is not None:
                newest[5] = now  # given today: the day these tasks were made (see _tasks_are_stale)
            for _ in range(rng.randint(done // 2, done * 3 // 2) if done else 0):
                period = rng.choice(mine)
                last = period[4] or today
                due = period[3] + timedelta(days=rng.randint(0, (last - period[3]).days))
                finished = at(min(today, due + timedelta(days=rng.randint(-5, 10))))
                created = at(max(period[3], due - timedelta(days=rng.randint(3, 30))))
                rows.append([period[0], user_id, due, min(max(finished, created), now), period[1], created])
        rows.sort(key=itemgetter(5))  # in the order they were given
        columns = ["period_id", "title", "details", "assignee_id", "due_on", "done_at", "reminded_on",
                   "created_by_id", "created_at"]  # fmt: skip
        with connection.cursor() as cursor:
            count = write_rows(
                cursor,
                Task,
                columns,
                (
                    (
                        period_id,
                        rng.choice(TASK_TITLES),
                        rng.choice(details) if rng.random() < 0.4 else "",
                        user_id,
                        due,
                        done_at,
                        None,
                        created_by,
                        created,
                    )
                    for period_id, user_id, due, done_at, created_by, created in rows
                ),
            )
        still = sum(1 for r in rows if r[3] is None)
        late = sum(1 for r in rows if r[3] is None and r[2] < today)
        self.stdout.write(f"{count} tâches : {still} à faire dont {late} en retard, {count - still} faites.")

    # --- statistics for the planner ------------------------------------------------------------------------

    def _analyze(self, models=None):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        models = models or [
            Period,
            Period.persons.through,
            Period.issues.through,
            Period.workers.through,
            Exchange,
            Exchange.persons.through,
            Task,
            Scope,
            Scope.workers.through,
            SocialIssue,
            StaffRole,
            User,
            TOTPDevice,
        ]
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                if connection.vendor == "postgresql" and not connection.in_atomic_block:
                    # Also fills the visibility map, for index-only scans. (Not inside a transaction:
                    # the tests' one.)
                    cursor.execute(f'VACUUM (ANALYZE) "{table}"')
                else:
                    cursor.execute(f'ANALYZE "{table}"')
