"""The concurrent part of the `tarifs` benchmark: 50 parents asking the live fee of a big grid at once.

The grid is the hardest the tariff screens let a director build: 40 quotient brackets × 6 units, three
price columns (base, CAF, MSA), a price per child rank (1st to 4th and more), two aids deducted (a CAF
amount per unit under a quotient ceiling, a CCAS rate) and a file fee. Each parent opens the
pré-inscription page of a 10-day period, then ticks days for two or three children of different ages
while the live fee (POST …/tarif/) is recomputed: `fee_estimate_p95_ms` is the 95th percentile of those
answers. Run from benchmarks/tarifs.py against run.sh's gunicorn.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import timedelta
from decimal import Decimal

import httpx

from benchmarks.inscriptions import CSRF_INPUT, KEY_INPUT, bench_centre, family_fields
from benchmarks.loadgen import percentile

BRACKETS = 40
UNITS = 6
RANKS = 4
COLUMNS = ("base", "caf", "msa")
DAYS = 10
THINK_S = (1.0, 3.0)
ARRIVAL_S = 5.0


def big_grid_period() -> dict:
    """A new activity with the big grid, and a period open today (in-process, through the services)."""
    from django.utils import timezone

    from csc.activities import capacity
    from csc.activities.models import (
        Activity,
        Group,
        Period,
        PeriodDay,
        TariffAid,
        TariffAidAmount,
        TariffFee,
        Unit,
    )
    from csc.activities.tariff_setup import GridSpec, save_grid
    from csc.activities.tariffs import Cell, age_reference_date

    today = timezone.localdate()
    centre = bench_centre()
    activity = Activity.objects.create(
        centre=centre, name=f"Grande grille {time.time_ns()}", resident_communes="Lille"
    )
    groups = [
        Group.objects.create(activity=activity, name=name, min_age=low, max_age=high, capacity=500)
        for name, low, high in (("3-5 ans", 3, 5), ("6-8 ans", 6, 8), ("9-12 ans", 9, 12))
    ]
    kinds = ["journee", "demi_journee", "demi_journee", "repas", "journee", "demi_journee"]
    units = [
        Unit.objects.create(activity=activity, name=f"Unité {i + 1}", kind=kinds[i], position=i)
        for i in range(UNITS)
    ]
    brackets = [
        (
            Decimal(0) if i == 0 else Decimal(i * 50) + Decimal("0.01"),
            Decimal((i + 1) * 50) if i < BRACKETS - 1 else None,
        )
        for i in range(BRACKETS)
    ]
    cells = {
        (row, unit.pk, column, rank): Cell(
            (
                Decimal("2.00")
                + Decimal(row) * Decimal("0.25")
                + Decimal(index)
                + Decimal(c) * Decimal("0.10")
                - Decimal(rank - 1) * Decimal("0.20")
            ).quantize(Decimal("0.01"))
        )
        for row in range(BRACKETS)
        for index, unit in enumerate(units)
        for c, column in enumerate(COLUMNS)
        for rank in range(1, RANKS + 1)
    }
    save_grid(
        activity=activity,
        spec=GridSpec(
            brackets=brackets,
            cells=cells,
            columns=list(COLUMNS),
            rank_mode="prix",
            rank_count=RANKS,
            daily_cap_unit_id=units[0].pk,
        ),
    )
    caf = TariffAid.objects.create(
        activity=activity, name="Aide aux temps libres", funder="caf", max_quotient=800
    )
    ccas = TariffAid.objects.create(activity=activity, name="Aide du CCAS", funder="ccas", mode="taux")
    for unit in units:
        TariffAidAmount.objects.create(aid=caf, unit=unit, value=Decimal("1.50"))
        TariffAidAmount.objects.create(aid=ccas, unit=unit, value=Decimal("20"))
    TariffFee.objects.create(
        activity=activity, kind="par_foyer", name="Frais de dossier", amount=Decimal("5")
    )
    start = today + timedelta(days=30)
    period = Period.objects.create(
        activity=activity,
        name="Vacances du benchmark",
        registration_opens_on=today - timedelta(days=1),
        registration_closes_on=today + timedelta(days=20),
    )
    PeriodDay.objects.bulk_create(
        PeriodDay(period=period, date=start + timedelta(days=i)) for i in range(DAYS)
    )
    capacity.ensure_group_days(period)
    return {
        "centre_slug": centre.slug,
        "period_id": period.pk,
        "groups": [(g.min_age, g.max_age) for g in groups],
        "days": list(period.days.values_list("pk", flat=True)),
        "units": [u.pk for u in units],
        "reference": age_reference_date(period),
        "cells": len(cells),
    }


async def _parent(index: int, base_url: str, period: dict, rng: random.Random, timings: dict, start) -> None:
    url = f"{base_url}/inscriptions/{period['centre_slug']}/periodes/{period['period_id']}/"
    async with httpx.AsyncClient(timeout=30) as client:
        page = await client.get(url)
        csrf = CSRF_INPUT.search(page.text).group(1)
        key = KEY_INPUT.search(page.text).group(1)
        headers = {"Referer": url, "X-CSRFToken": csrf, "HX-Request": "true"}
        children = rng.randint(2, 3)
        data = {
            "csrfmiddlewaretoken": csrf,
            "periode": str(period["period_id"]),
            "key": key,
            "nombre_enfants": str(children),
            "adulte-0-first_name": f"Parent{index}",
            "adulte-0-last_name": "Bench",
            **family_fields(f"tarifs{index}@bench.localhost", rng),
            "famille-benefits_regime": rng.choice(["caf", "msa", "autre", "ne_sait_pas"]),
        }
        reference = period["reference"]
        ticked = {}
        for child in range(children):
            low, high = period["groups"][child % 3]
            # Born in `reference.year - age - 1`: `age` or `age + 1` at the reference date, within the group.
            age = rng.randint(low, high - 1)
            data[f"enfant-{child}-first_name"] = f"Enfant{child}"
            data[f"enfant-{child}-last_name"] = "Bench"
            data[f"enfant-{child}-birth_date"] = (
                f"{reference.year - age - 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
            ticked[child] = []
        await start.wait()
        await asyncio.sleep(rng.uniform(0, ARRIVAL_S))
        for _ in range(6):
            await asyncio.sleep(rng.uniform(*THINK_S))
            child = rng.randrange(children)
            ticked[child].append(f"{rng.choice(period['days'])}:{rng.choice(period['units'])}")
            for number, choices in ticked.items():
                data[f"enfant-{number}-choices"] = sorted(set(choices))
            began = time.perf_counter()
            answer = await client.post(url + "tarif/", data=data, headers=headers)
            if answer.status_code == 200 and "Total" in answer.text:
                timings["fee_estimate"].append((time.perf_counter() - began) * 1000)
            else:
                timings["errors"].append(f"tarif {answer.status_code}")


async def _wave(base_url: str, parents: int, period: dict, seed: int) -> dict:
    rng = random.Random(seed)
    timings: dict = {"fee_estimate": [], "errors": []}
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(_parent(i, base_url, period, random.Random(rng.random()), timings, start))
        for i in range(parents)
    ]
    await asyncio.sleep(1.0)
    start.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    for task in tasks:
        if task.exception():
            timings["errors"].append(repr(task.exception()))
    return timings


def fee_estimate(base_url: str, parents: int = 50, runs: int = 3) -> dict:
    """`fee_estimate_p95_ms`: the median over `runs` waves of each wave's 95th percentile."""
    import statistics

    results = []
    for number in range(runs):
        period = big_grid_period()
        timings = asyncio.run(_wave(base_url, parents, period, seed=2020 + number))
        results.append(
            {
                "count": len(timings["fee_estimate"]),
                "p50_ms": percentile(timings["fee_estimate"], 50),
                "p95_ms": percentile(timings["fee_estimate"], 95),
                "errors": len(timings["errors"]),
                "error_samples": timings["errors"][:5],
                "cells": period["cells"],
            }
        )
    return {
        "fee_estimate_p95_ms": statistics.median(r["p95_ms"] for r in results),
        "runs": results,
        "dataset": {
            "parents": parents,
            "brackets": BRACKETS,
            "units": UNITS,
            "columns": len(COLUMNS),
            "ranks": RANKS,
        },
    }
