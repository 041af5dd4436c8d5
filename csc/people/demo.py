"""About 300 invented households per run of the demo, spread over the network, with a fixed seed."""

import random
from datetime import date, timedelta
from decimal import Decimal

from csc.core.demo import person_email
from csc.core.models import Centre

from .models import Consent, Household, HouseholdMember, Person
from .services import create_household

DEMO_HOUSEHOLDS = 300


def load(faker, stdout):
    if Household.objects.filter(notes__startswith="[démo]").exists():
        stdout.write("Foyers de démonstration déjà présents.")
        return
    rng = random.Random(2017)
    centres = list(Centre.objects.order_by("slug"))
    today = date(2026, 9, 1)
    # The two demo centres get more households, so a demo login finds plenty to work with.
    weights = [6 if c.slug in ("arbrisseau", "belencontre") else 1 for c in centres]
    for _ in range(DEMO_HOUSEHOLDS):
        centre = rng.choices(centres, weights)[0]
        last_name = faker.last_name()
        quotient = Decimal(rng.randint(0, 200000)) / 100 if rng.random() < 0.85 else None
        household = Household(
            name=f"Famille {last_name}",
            address=faker.street_address(),
            postcode=centre.postcode,
            city=centre.city,
            in_qpv=centre.in_qpv and rng.random() < 0.8,
            family_quotient=quotient,
            family_quotient_date=today - timedelta(days=rng.randint(0, 400))
            if quotient is not None
            else None,
            family_quotient_source=rng.choice(["caf", "caf", "caf", "msa", "avis_imposition"])
            if quotient
            else "",
            benefits_number=str(rng.randint(1000000, 9999999)) if rng.random() < 0.6 else "",
            notes="[démo] foyer inventé",
        )
        members = []
        adults = 1 if rng.random() < 0.35 else 2
        for index in range(adults):
            sex = rng.choice(["F", "M"])
            first = faker.first_name_female() if sex == "F" else faker.first_name_male()
            age = rng.randint(20, 88)
            # The random draws keep their order (birth, e-mail, phone, consents): the same seed gives the
            # same demo as before, with addresses the platform accepts.
            birth_date = today - timedelta(days=365 * age + rng.randint(0, 364))
            email = person_email(first, last_name, number=rng.randint(1, 99)) if rng.random() < 0.7 else ""
            # 06 1x xx xx xx: a mobile range phonenumbers (and so the forms and the API) accepts; the
            # ranges 06 39, 06 90–94, 06 96–97 are not allocated, and the demo drew some.
            phone = f"+3361{rng.randint(10000000, 99999999) % 10_000_000:07d}" if rng.random() < 0.8 else ""
            # Nobody is to be contacted by a channel they gave no address for (the forms refuse it).
            wants_sms, wants_email = rng.random() < 0.6, rng.random() < 0.4
            members.append(
                (
                    Person(
                        last_name=last_name,
                        first_name=first,
                        sex=sex,
                        birth_date=birth_date,
                        email=email,
                        phone=phone,
                        contact_by_sms=wants_sms and bool(phone),
                        contact_by_email=wants_email and bool(email),
                    ),
                    HouseholdMember.Relation.RESPONSIBLE if index == 0 else HouseholdMember.Relation.PARTNER,
                )
            )
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            sex = rng.choice(["F", "M"])
            members.append(
                (
                    Person(
                        last_name=last_name,
                        first_name=faker.first_name_female() if sex == "F" else faker.first_name_male(),
                        sex=sex,
                        birth_date=today - timedelta(days=rng.randint(365, 365 * 19)),
                    ),
                    HouseholdMember.Relation.CHILD,
                )
            )
        create_household(centre=centre, actor=None, household=household, members=members)
        responsible = members[0][0]
        for kind in Consent.Kind.values:
            Consent.objects.create(
                person=responsible,
                kind=kind,
                granted=rng.random() < 0.8,
                decided_on=today - timedelta(days=rng.randint(0, 300)),
            )
    stdout.write(f"{DEMO_HOUSEHOLDS} foyers inventés créés.")
