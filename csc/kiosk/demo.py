"""Demo kiosk: the catalogue from procedures.json, a kiosk for every centre, the demo help sheets
(written by the first demo centre and shared), a local link, and a month of invented usage and helps at
the two demo centres so that the statistics and the CAF report have something to show."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from csc.core.demo import DEMO_CENTRES
from csc.core.models import Centre

from . import services
from .catalogue import load_procedures
from .demo_content import HELP_SHEETS
from .models import (
    AssistedProcedure,
    HelpSheet,
    KioskEvent,
    Organisation,
    Procedure,
    SurveyAnswer,
    Theme,
    Tile,
)

DEMO_DAYS = 35
UNFOUND_SEARCHES = ["cantine", "bourse", "permis bateau", "mutuelle", "chomage"]


def load(faker, stdout):
    counts = load_procedures()
    centres = list(Centre.objects.select_related("territory").order_by("slug"))
    for centre in centres:
        services.kiosk_for(centre)
    stdout.write(f"Borne : {counts['procedures']} démarches au catalogue, {len(centres)} bornes.")
    demo = [c for c in centres if c.slug in DEMO_CENTRES]
    if not demo or HelpSheet.objects.exists():
        return
    author = demo[0]
    procedures = {p.slug: p for p in Procedure.objects.all()}
    for item in HELP_SHEETS:
        if item["procedure"] in procedures:
            fields = {k: v for k, v in item.items() if k != "procedure"}
            HelpSheet.objects.create(
                centre=author, procedure=procedures[item["procedure"]], is_shared=True, **fields
            )
    local = Theme.objects.get(slug="local")
    services.save_local_link(
        Tile(),
        centre=author,
        title="Le site de mon centre social",
        url="https://www.centres-sociaux.fr",
        theme=local,
        keywords="centre social, activités, inscription",
    )
    rng = random.Random(2017)
    for centre in demo:
        _usage(centre, rng)
        _helps(centre, rng)
    stdout.write("Borne : fiches d'aide, un mois de visites et d'aides notées à l'accueil (démo).")


def _moment(day, rng) -> datetime:
    at = datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59)))
    return timezone.make_aware(at)


def _usage(centre: Centre, rng: random.Random) -> None:
    tiles = list(Tile.objects.filter(centre=centre, is_hidden=False))
    today = timezone.localdate()
    events, answers = [], []
    for offset in range(DEMO_DAYS, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for _ in range(rng.randint(3, 12)):
            at = _moment(day, rng)
            events.append(KioskEvent(centre=centre, kind=KioskEvent.Kind.VISIT, at=at))
            for tile in rng.sample(tiles, k=min(len(tiles), rng.randint(1, 2))):
                events.append(KioskEvent(centre=centre, kind=KioskEvent.Kind.CLICK, tile=tile, at=at))
            if rng.random() < 0.3:
                query = rng.choice(UNFOUND_SEARCHES)
                events.append(
                    KioskEvent(centre=centre, kind=KioskEvent.Kind.SEARCH, query=query, results=0, at=at)
                )
            if rng.random() < 0.5:
                events.append(KioskEvent(centre=centre, kind=KioskEvent.Kind.END, at=at))
            if rng.random() < 0.2:
                answers.append(
                    SurveyAnswer(
                        centre=centre,
                        outcome=rng.choice(SurveyAnswer.Outcome.values),
                        organisation=rng.choice(Organisation.values),
                        age_band=rng.choice(SurveyAnswer.AgeBand.values),
                        at=at,
                    )
                )
    KioskEvent.objects.bulk_create(events)
    SurveyAnswer.objects.bulk_create(answers)


def _helps(centre: Centre, rng: random.Random) -> None:
    today = timezone.localdate()
    records = []
    for offset in range(DEMO_DAYS, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for _ in range(rng.randint(0, 5)):
            referred = rng.random() < 0.2
            records.append(
                AssistedProcedure(
                    centre=centre,
                    day=day,
                    organisation=rng.choice(Organisation.values),
                    kind=rng.choice(AssistedProcedure.Kind.values),
                    autonomy=rng.choice(AssistedProcedure.Autonomy.values),
                    duration=rng.choice(AssistedProcedure.Duration.values),
                    computer_help=rng.random() < 0.4,
                    referral_reason=rng.choice(AssistedProcedure.Referral.values) if referred else "",
                )
            )
    AssistedProcedure.objects.bulk_create(records)
