"""A national-scale dataset for the benchmarks: 300 centres, 200,000 households, 500,000 people.

Everything lives in a federation of its own (slug `bench`), so it never mixes with the real network.
Rows go in with PostgreSQL's COPY, in one transaction: no `save()`, no signals, hence no journal lines
(the journal records what staff do, and nobody did this). `search_name` is computed here exactly as
`Person.save()` would. Running the command again does nothing once the data is there (`--force` rebuilds).

Staff accounts for the load generator: one reception officer on each of `--staff-users` centres,
`bench-accueil-0001@bench.localhost` and so on, all with the password given by `--staff-password`.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from csc.core.models import Centre, Federation, StaffRole, Territory, User
from csc.core.roles import Role
from csc.core.text import normalize
from csc.people.models import Household, HouseholdMember, HouseholdShare, Person, household_search_text

FEDERATION_SLUG = "bench"
EMAIL_DOMAIN = "bench.localhost"
DEFAULT_PASSWORD = "bench-csc-2026"
TERRITORIES = 15

# Name pools: French names first and most frequent, then the names of other origins met in France.
LAST_NAME_LOCALES = ["fr_FR", "fr_CA", "fr_CH", "it_IT", "es_ES", "pt_PT", "de_DE", "nl_NL", "en_GB"]
FIRST_NAME_LOCALES = ["fr_FR", "fr_CA", "fr_CH", "it_IT", "es_ES", "pt_PT", "tr_TR", "en_GB"]
HOUSEHOLD_SIZES = {1: 30, 2: 27, 3: 18, 4: 15, 5: 7, 6: 3}  # about 2.5 people a household
MAX_HOUSEHOLD_SIZE = 9


def bench_email(index: int) -> str:
    return f"bench-accueil-{index:04d}@{EMAIL_DOMAIN}"


def _person_provider(faker):
    return next(p for p in faker.providers if type(p).__module__.startswith("faker.providers.person."))


def _unique(names):
    seen, result = set(), []
    for name in names:
        if name and name not in seen and normalize(name):
            seen.add(name)
            result.append(name)
    return result


class NamePool:
    """A few thousand names drawn once from Faker, then combined at random: Faker per row is too slow.

    Frequencies follow a Zipf-like curve (the most common last name is about 0.4 % of people, as Martin
    is in France), so some searches find hundreds of people nationwide and most find a handful.
    """

    def __init__(self, rng: random.Random, seed: int):
        last, female, male = [], [], []
        for locale in LAST_NAME_LOCALES:
            provider = _person_provider(Faker(locale))
            last.extend(provider.last_names)
        for locale in FIRST_NAME_LOCALES:
            provider = _person_provider(Faker(locale))
            female.extend(provider.first_names_female)
            male.extend(provider.first_names_male)
        last = _unique(last)
        # Compound names (Martin-Dubois), from the French list: common in France, and hard for search.
        french = list(_person_provider(Faker("fr_FR")).last_names)
        compounds = _unique(f"{rng.choice(french)}-{rng.choice(french)}" for _ in range(800))
        self.last_names = last + [c for c in compounds if c not in set(last)]
        self.female = _unique(female)
        self.male = _unique(male)
        self._last_weights = self._zipf(len(self.last_names), offset=50)
        self._female_weights = self._zipf(len(self.female), offset=10)
        self._male_weights = self._zipf(len(self.male), offset=10)
        # Streets and towns for addresses.
        faker = Faker("fr_FR")
        faker.seed_instance(seed)
        self.streets = _unique(faker.street_name() for _ in range(3000))
        self._normalized: dict[str, str] = {}

    @staticmethod
    def _zipf(count: int, offset: int) -> list[float]:
        weights, total = [], 0.0
        for rank in range(count):
            total += 1.0 / (rank + offset)
            weights.append(total)  # cumulative, for random.choices(cum_weights=...)
        return weights

    def last_name(self, rng) -> str:
        return rng.choices(self.last_names, cum_weights=self._last_weights)[0]

    def first_name(self, rng, sex: str) -> str:
        if sex == "F":
            return rng.choices(self.female, cum_weights=self._female_weights)[0]
        return rng.choices(self.male, cum_weights=self._male_weights)[0]

    def search_name(self, last_name: str, first_name: str) -> str:
        # normalize("a b") == normalize("a") + " " + normalize("b") when both parts keep a letter: the
        # space is a word boundary for every step of normalize(). Cached per part, it is cheap.
        parts = []
        for part in (last_name, first_name):
            value = self._normalized.get(part)
            if value is None:
                value = self._normalized[part] = normalize(part)
            if value:
                parts.append(value)
        return " ".join(parts)


def _reserve_ids(cursor, table: str, count: int) -> int:
    """Take `count` consecutive ids from the table's sequence; returns the first one."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
    last = cursor.fetchone()[0]
    return last - count + 1


def _copy(cursor, model, columns: list[str], rows) -> int:
    """COPY rows into the model's table. Fields not listed get their model default, so that a field
    added later with a default does not break the benchmark."""
    listed = set(columns)
    extra_columns, extra_values = [], []
    for field in model._meta.concrete_fields:
        if field.column in listed or field.attname in listed:
            continue
        if field.primary_key:
            continue
        extra_columns.append(field.column)
        extra_values.append(field.get_db_prep_save(field.get_default(), connection))
    names = ", ".join(f'"{c}"' for c in [*columns, *extra_columns])
    extra = tuple(extra_values)
    count = 0
    with cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row + extra if extra else row)
            count += 1
    return count


class Command(BaseCommand):
    help = (
        "Génère un jeu de données à l'échelle nationale pour les benchmarks (PostgreSQL), dans une "
        "fédération « bench » à part. Idempotent ; --force reconstruit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--centres", type=int, default=300)
        parser.add_argument("--households", type=int, default=200_000)
        parser.add_argument("--persons", type=int, default=500_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--staff-users", type=int, default=100, help="Comptes d'accueil créés (un par centre)."
        )
        parser.add_argument("--staff-password", default=DEFAULT_PASSWORD)
        parser.add_argument(
            "--shared-ratio",
            type=float,
            default=0.01,
            help="Part des foyers partagés avec un autre centre du même territoire.",
        )
        parser.add_argument("--force", action="store_true", help="Supprime et reconstruit les données.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_scale_data a besoin de PostgreSQL (DATABASE_URL=postgres://…).")
        centres, households, persons = options["centres"], options["households"], options["persons"]
        if not (centres > 0 and 0 < households <= persons):
            raise CommandError("Il faut au moins un centre, un foyer, et au moins une personne par foyer.")
        if options["staff_users"] > centres:
            raise CommandError("--staff-users ne peut dépasser --centres (un compte par centre).")
        started = time.monotonic()

        existing = self._existing_counts()
        wanted = {"centres": centres, "households": households, "persons": persons}
        if existing == wanted and not options["force"]:
            self.stdout.write(f"Données de benchmark déjà présentes ({existing}) : rien à faire.")
            self._staff(options["staff_users"], options["staff_password"])
            return
        if existing["centres"] or existing["households"] or existing["persons"]:
            if not options["force"] and existing != wanted:
                self.stdout.write(f"Données de benchmark différentes ({existing}) : reconstruction.")
            self._delete()
            self.stdout.write(f"Anciennes données supprimées ({time.monotonic() - started:.1f} s).")

        rng = random.Random(options["seed"])
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            centre_rows = self._network(rng, centres)
            self.stdout.write(f"{len(centre_rows)} centres ({time.monotonic() - started:.1f} s).")
            pool = NamePool(rng, options["seed"])
            counts = self._people(rng, pool, centre_rows, households, persons, options["shared_ratio"])
            self.stdout.write(
                f"{counts['households']} foyers, {counts['persons']} personnes, {counts['shares']} partages "
                f"({time.monotonic() - started:.1f} s)."
            )
            self._staff(options["staff_users"], options["staff_password"])
        # Outside the transaction: flush the trigram index's pending list, fill the visibility map,
        # and give the planner statistics.
        with connection.cursor() as cursor:
            for model in (Centre, Household, Person, HouseholdMember, HouseholdShare, StaffRole, User):
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
        self.stdout.write(self.style.SUCCESS(f"Jeu de données prêt en {time.monotonic() - started:.1f} s."))

    # --- what is there -------------------------------------------------------------------------------

    def _existing_counts(self) -> dict[str, int]:
        centre_ids = Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG).values("id")
        return {
            "centres": Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG).count(),
            "households": Household.objects.filter(centre_id__in=centre_ids).count(),
            "persons": Person.objects.filter(centre_id__in=centre_ids).count(),
        }

    def _delete(self):
        """Raw deletes, children first: the ORM would journal half a million deletions one by one."""
        centre_ids = list(
            Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG).values_list("id", flat=True)
        )
        statements = [
            "DELETE FROM people_householdshare WHERE centre_id = ANY(%s)",
            "DELETE FROM people_householdshare s USING people_household h "
            "WHERE s.household_id = h.id AND h.centre_id = ANY(%s)",
            "DELETE FROM people_householdmember m USING people_household h "
            "WHERE m.household_id = h.id AND h.centre_id = ANY(%s)",
            "DELETE FROM people_householdmember m USING people_person p "
            "WHERE m.person_id = p.id AND p.centre_id = ANY(%s)",
            "DELETE FROM people_consent c USING people_person p "
            "WHERE c.person_id = p.id AND p.centre_id = ANY(%s)",
            "DELETE FROM people_person WHERE centre_id = ANY(%s)",
            "DELETE FROM people_household WHERE centre_id = ANY(%s)",
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement, [centre_ids])
        StaffRole.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}").delete()
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        Territory.objects.filter(federation__slug=FEDERATION_SLUG).update(coordinating_centre=None)
        Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG).delete()
        Territory.objects.filter(federation__slug=FEDERATION_SLUG).delete()
        Federation.objects.filter(slug=FEDERATION_SLUG).delete()

    # --- network -------------------------------------------------------------------------------------

    def _network(self, rng, count: int) -> list[dict]:
        faker = Faker("fr_FR")
        faker.seed_instance(rng.randint(0, 2**31))
        federation, _ = Federation.objects.update_or_create(
            slug=FEDERATION_SLUG, defaults={"name": "Fédération de benchmark (données inventées)"}
        )
        territories = [
            Territory.objects.update_or_create(
                slug=f"bench-territoire-{index:02d}",
                defaults={"federation": federation, "name": f"Territoire de benchmark {index:02d}"},
            )[0]
            for index in range(1, min(TERRITORIES, count) + 1)
        ]
        centres = []
        for index in range(1, count + 1):
            city = faker.city()
            centres.append(
                Centre(
                    territory=territories[(index - 1) % len(territories)],
                    slug=f"bench-centre-{index:04d}",
                    name=f"Centre social bench {index:04d} — {city}",
                    address=faker.street_address(),
                    postcode=faker.postcode(),
                    city=city,
                    latitude=Decimal(f"{rng.uniform(43.0, 50.5):.6f}"),
                    longitude=Decimal(f"{rng.uniform(-1.5, 7.0):.6f}"),
                    in_qpv=rng.random() < 0.6,
                )
            )
        Centre.objects.bulk_create(centres, batch_size=1000)
        centres = list(Centre.objects.filter(territory__federation=federation).order_by("slug"))
        # A few centres are large, most are middle-sized: weights from a log-normal curve.
        return [
            {
                "id": c.pk,
                "territory_id": c.territory_id,
                "postcode": c.postcode,
                "city": c.city,
                "in_qpv": c.in_qpv,
                "weight": min(rng.lognormvariate(0, 0.5), 4.0),
            }
            for c in centres
        ]

    # --- households and people -----------------------------------------------------------------------

    def _household_sizes(self, rng, households: int, persons: int) -> list[int]:
        sizes = rng.choices(list(HOUSEHOLD_SIZES), weights=list(HOUSEHOLD_SIZES.values()), k=households)
        difference = persons - sum(sizes)
        while difference > 0:
            index = rng.randrange(households)
            if sizes[index] < MAX_HOUSEHOLD_SIZE:
                sizes[index] += 1
                difference -= 1
        while difference < 0:
            index = rng.randrange(households)
            if sizes[index] > 1:
                sizes[index] -= 1
                difference += 1
        return sizes

    def _people(self, rng, pool: NamePool, centres, households: int, persons: int, shared_ratio: float):
        now = timezone.now()
        today = timezone.localdate()
        sizes = self._household_sizes(rng, households, persons)
        household_centres = rng.choices(centres, weights=[c["weight"] for c in centres], k=households)
        by_territory: dict[int, list[dict]] = {}
        for centre in centres:
            by_territory.setdefault(centre["territory_id"], []).append(centre)

        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the psycopg cursor, for COPY
            first_household = _reserve_ids(cursor, Household._meta.db_table, households)
            first_person = _reserve_ids(cursor, Person._meta.db_table, persons)
            first_member = _reserve_ids(cursor, HouseholdMember._meta.db_table, persons)

            household_rows, person_rows, member_rows, share_rows = [], [], [], []
            person_id = first_person
            for index in range(households):
                household_id = first_household + index
                centre = household_centres[index]
                last_name = pool.last_name(rng)
                created = now - timedelta(days=rng.randint(0, 3 * 365), seconds=rng.randint(0, 86399))
                in_qpv = centre["in_qpv"] and rng.random() < 0.8
                address = f"{rng.randint(1, 180)} {rng.choice(pool.streets)}"
                has_quotient = rng.random() < 0.85
                household_rows.append(
                    (
                        household_id,
                        centre["id"],
                        f"Famille {last_name}",
                        address,
                        centre["postcode"],
                        centre["city"],
                        household_search_text(
                            f"Famille {last_name}", address, centre["postcode"], centre["city"]
                        ),
                        in_qpv,
                        Decimal(rng.randint(0, 200000)) / 100 if has_quotient else None,
                        today - timedelta(days=rng.randint(0, 400)) if has_quotient else None,
                        rng.choice(["caf", "caf", "caf", "msa", "avis_imposition"]) if has_quotient else "",
                        str(rng.randint(1000000, 9999999)) if rng.random() < 0.6 else "",
                        "",
                        created,
                        created,
                    )
                )
                size = sizes[index]
                adults = 1 if size == 1 or rng.random() < 0.3 else 2
                for position in range(size):
                    sex = rng.choice("FM")
                    if position < adults:
                        relation = (
                            HouseholdMember.Relation.RESPONSIBLE
                            if position == 0
                            else HouseholdMember.Relation.PARTNER
                        )
                        person_last = (
                            last_name if position == 0 or rng.random() < 0.7 else pool.last_name(rng)
                        )
                        birth = today - timedelta(days=rng.randint(18 * 365, 90 * 365))
                    elif position < adults + 4 or rng.random() < 0.5:
                        relation = HouseholdMember.Relation.CHILD
                        person_last = last_name if rng.random() < 0.9 else pool.last_name(rng)
                        birth = today - timedelta(days=rng.randint(0, 19 * 365))
                    else:
                        relation = HouseholdMember.Relation.OTHER
                        person_last = pool.last_name(rng)
                        birth = today - timedelta(days=rng.randint(18 * 365, 95 * 365))
                    first_name = pool.first_name(rng, sex)
                    adult = relation != HouseholdMember.Relation.CHILD
                    email = ""
                    if adult and rng.random() < 0.6:
                        local = f"{pool.search_name(first_name, '')}.{pool.search_name(person_last, '')}"
                        email = f"{local.replace(' ', '-')}{rng.randint(1, 999)}@example.org"
                    activity = now - timedelta(days=rng.randint(0, 700), seconds=rng.randint(0, 86399))
                    person_rows.append(
                        (
                            person_id,
                            centre["id"],
                            person_last,
                            first_name,
                            birth if rng.random() < 0.97 else None,
                            sex,
                            email,
                            f"0{rng.choice('67')}{rng.randint(10000000, 99999999)}"
                            if adult and rng.random() < 0.8
                            else "",
                            address,
                            centre["postcode"],
                            centre["city"],
                            in_qpv,
                            adult and rng.random() < 0.6,
                            adult and rng.random() < 0.4,
                            pool.search_name(person_last, first_name),
                            created,
                            max(created, activity),
                            max(created, activity),
                            None,
                        )
                    )
                    member_rows.append(
                        (first_member + person_id - first_person, household_id, person_id, relation)
                    )
                    person_id += 1
                if rng.random() < shared_ratio:
                    others = [c for c in by_territory[centre["territory_id"]] if c["id"] != centre["id"]]
                    if others:
                        share_rows.append(
                            (household_id, rng.choice(others)["id"], "Suivi commun (bench)", now)
                        )

            _copy(
                cursor,
                Household,
                [
                    "id",
                    "centre_id",
                    "name",
                    "address",
                    "postcode",
                    "city",
                    "search_text",
                    "in_qpv",
                    "family_quotient",
                    "family_quotient_date",
                    "family_quotient_source",
                    "benefits_number",
                    "notes",
                    "created_at",
                    "updated_at",
                ],
                household_rows,
            )
            _copy(
                cursor,
                Person,
                [
                    "id",
                    "centre_id",
                    "last_name",
                    "first_name",
                    "birth_date",
                    "sex",
                    "email",
                    "phone",
                    "address",
                    "postcode",
                    "city",
                    "in_qpv",
                    "contact_by_sms",
                    "contact_by_email",
                    "search_name",
                    "created_at",
                    "updated_at",
                    "last_activity_at",
                    "anonymised_at",
                ],
                person_rows,
            )
            _copy(cursor, HouseholdMember, ["id", "household_id", "person_id", "relation"], member_rows)
            _copy(cursor, HouseholdShare, ["household_id", "centre_id", "reason", "granted_at"], share_rows)
        return {
            "households": len(household_rows),
            "persons": len(person_rows),
            "shares": len(share_rows),
        }

    # --- staff ---------------------------------------------------------------------------------------

    def _staff(self, count: int, password: str):
        """One reception officer on each of `count` centres spread over the network. The password is
        hashed once (PBKDF2 is deliberately slow) and shared by all the accounts."""
        centres = list(Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG).order_by("slug"))
        if not centres or count <= 0:
            return
        step = len(centres) / count
        chosen = [centres[int(i * step)] for i in range(count)]
        encoded = make_password(password)
        existing = {u.email: u for u in User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")}
        for index, centre in enumerate(chosen, start=1):
            email = bench_email(index)
            user = existing.get(email)
            if user is None:
                user = User(email=email, first_name="Accueil", last_name=f"Bench {index:04d}")
            user.password = encoded
            user.is_active = True
            user.save()
            StaffRole.objects.filter(user=user).exclude(centre=centre).delete()
            StaffRole.objects.update_or_create(
                user=user, centre=centre, defaults={"role": Role.RECEPTION, "is_active": True}
            )
        self.stdout.write(f"{count} comptes d'accueil ({bench_email(1)} …), mot de passe commun.")
