"""Online requests for the two demo centres, so that reception's inbox has something to process."""

import random
from datetime import date
from decimal import Decimal

from csc.activities import tariffs
from csc.activities.models import Activity, Unit
from csc.core.demo import person_email
from csc.core.models import Centre

from . import services
from .models import Request

DEMO_CENTRES = ("arbrisseau", "belencontre")


def load(faker, stdout):
    if Request.objects.filter(centre__slug__in=DEMO_CENTRES).exists():
        stdout.write("Demandes en ligne de démonstration déjà présentes.")
        return
    rng = random.Random(2017)
    created = 0
    for centre in Centre.objects.filter(slug__in=DEMO_CENTRES):
        activity = Activity.objects.filter(centre=centre, kind=Activity.Kind.LEISURE_CENTRE).first()
        if activity is None:
            continue
        period = activity.periods.order_by("registration_opens_on", "id").first()
        days = list(period.days.all())
        day_unit = activity.units.get(kind=Unit.Kind.DAY)
        groups = list(activity.groups.all())
        reference = tariffs.age_reference_date(period)
        for _ in range(6):
            last_name = faker.last_name()
            children = []
            for _child in range(rng.choice([1, 1, 2])):
                group = rng.choice(groups)
                age = rng.randint(group.min_age, group.max_age)
                birth = date(reference.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
                chosen = rng.sample(days, k=min(len(days), rng.randint(2, 5)))
                children.append(
                    services.PersonEntry(
                        first_name=faker.first_name(),
                        last_name=last_name,
                        birth_date=birth,
                        group_id=tariffs.group_for(groups, birth, reference).pk,
                        bookings=[(d.pk, day_unit.pk) for d in chosen],
                    )
                )
            email = person_email(last_name, domain="exemple.fr")
            services.submit_registration_request(
                period=period,
                submission=services.Submission(
                    submission_key=services.new_submission_key(),
                    adults=[services.PersonEntry(first_name=faker.first_name(), last_name=last_name)],
                    children=children,
                    city=centre.city,
                    address=faker.street_address(),
                    postcode=centre.postcode,
                    email=email,
                    phone="+33612345678",
                    family_quotient=Decimal(rng.randint(300, 1500)),
                    consent_data=True,
                ),
            )
            created += 1
    stdout.write(f"{created} demandes de pré-inscription de démonstration créées.")
