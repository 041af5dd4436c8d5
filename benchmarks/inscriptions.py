"""The `inscriptions` benchmark: 100 parents pre-register at the same moment for a period with few places.

For each run, a fresh holiday period (own activity, 12 places per group and day) is set up in a bench
centre. Then 100 virtual parents, all at once, do what the phone form does:

    GET  the pré-inscription page                         (CSRF cookie, submission key)
    POST /tarif/ × 4                                      the live fee as they tick days  -> fee_estimate
    POST action=verifier                                  the summary, with its signed draft
    POST action=envoyer                                   the request                     -> submit
    (one parent in four clicks "Envoyer" twice at once)

All ask for the same five days in the same group, so most end on the waiting list. Afterwards the
database is checked against what the parents were told:
- overbooked_places: children holding a place beyond a group-day's capacity, counted from the requests
  themselves (not from the counter), plus any drift between the counter and that count;
- lost_submissions: parents whose "Envoyer" did not answer with their follow page, or whose key has no
  request in the database, or who got two requests for one key.
Then the XLSX and CSV exports of a period of 10,000 registrations are timed (export_10k_registrations_s).

Run by benchmarks/run.sh against its gunicorn; standalone:
    DJANGO_SETTINGS_MODULE=csc.settings DATABASE_URL=... python benchmarks/inscriptions.py --base-url ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.loadgen import percentile  # noqa: E402  (after the path is set)

TARGETS = {
    "submit_p95_ms": 300,
    "fee_estimate_p95_ms": 50,
    "overbooked_places": 0,
    "lost_submissions": 0,
    "export_10k_registrations_s": 5,
}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_INPUT = re.compile(r'name="key" value="([^"]+)"')
DRAFT_INPUT = re.compile(r'name="brouillon" value="([^"]+)"')
PLACES = 12
DAYS_ASKED = 5
# How parents behave when the registrations open: all arrive within `arrival_s`, then read and tick for
# `think_s` between clicks. --burst sets both to 0: every request at once, the harshest case for places.
PACE = {"arrival_s": 10.0, "think_s": (1.0, 3.0)}


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csc.settings")
    import django

    django.setup()


# --- set-up and checks, in-process through the ORM ---------------------------------------------------


def bench_centre():
    from csc.core.models import Centre, Federation, Territory

    # A federation of its own: generate_scale_data owns the "bench" federation and rebuilds it at will.
    federation, _ = Federation.objects.get_or_create(
        slug="bench-inscriptions", defaults={"name": "Réseau du benchmark des inscriptions"}
    )
    territory, _ = Territory.objects.get_or_create(
        slug="bench-inscriptions", defaults={"name": "Territoire inscriptions", "federation": federation}
    )
    centre, _ = Centre.objects.get_or_create(
        slug="bench-inscriptions",
        defaults={"name": "Centre de benchmark des inscriptions", "territory": territory, "city": "Lille"},
    )
    return centre


def fresh_period():
    """A new activity and holiday period, open today, with PLACES places per group and day."""
    from django.utils import timezone

    from csc.activities.demo import build_leisure_centre
    from csc.activities.tariffs import age_reference_date

    today = timezone.localdate()
    leisure = build_leisure_centre(
        bench_centre(), today=today, places=PLACES, holiday_start=today + timedelta(days=30)
    )
    days = list(leisure.period.days.all())[:DAYS_ASKED]
    reference = age_reference_date(leisure.period)
    return {
        "centre_slug": leisure.activity.centre.slug,
        "period_id": leisure.period.pk,
        "group": leisure.groups[1],
        "days": [d.pk for d in days],
        "units": {k: u.pk for k, u in leisure.units.items()},
        "reference": reference,
    }


def check(period_id: int, keys: list[str], answered: dict[str, bool]) -> dict:
    """What the database says after the wave, against what each parent was told."""
    from collections import Counter

    from django.db.models import Count

    from csc.activities.models import GroupDay
    from csc.enrolment.models import Request, RequestBooking

    holding = Request.HOLDING
    held_now = Counter()
    for group_id, day_id, _child in (
        RequestBooking.objects.filter(child__request__period_id=period_id, child__request__status__in=holding)
        .exclude(unit__kind="repas")
        .values_list("child__group_id", "day_id", "child_id")
        .distinct()
    ):
        held_now[(group_id, day_id)] += 1
    overbooked = 0
    drift = 0
    for row in GroupDay.objects.filter(day__period_id=period_id):
        actual = held_now.get((row.group_id, row.day_id), 0)
        overbooked += max(0, actual - row.capacity)
        drift += abs(actual - row.held)
    per_key = dict(
        Request.objects.filter(period_id=period_id)
        .values_list("submission_key")
        .annotate(n=Count("id"))
        .values_list("submission_key", "n")
    )
    per_key = {str(k): n for k, n in per_key.items()}
    lost = sum(1 for key in keys if per_key.get(key, 0) != 1 or not answered.get(key))
    statuses = Counter(Request.objects.filter(period_id=period_id).values_list("status", flat=True))
    return {
        "overbooked_places": overbooked + drift,
        "counter_drift": drift,
        "lost_submissions": lost,
        "requests": sum(statuses.values()),
        "statuses": dict(statuses),
    }


# --- the parents, over HTTP ---------------------------------------------------------------------------


def child_fields(prefix: str, first_name: str, birth: str, period: dict) -> dict:
    day_unit = period["units"]["day"]
    return {
        f"{prefix}-first_name": first_name,
        f"{prefix}-last_name": "Bench",
        f"{prefix}-birth_date": birth,
        f"{prefix}-choices": [f"{d}:{day_unit}" for d in period["days"]],
    }


def family_fields(email: str, rng: random.Random) -> dict:
    """The family part both public forms ask (benchmarks/exploitation.py sends pré-adhésions with it)."""
    return {
        "famille-email": email,
        "famille-phone": "06 12 34 56 78",
        "famille-address": "1 rue du Test",
        "famille-postcode": "59000",
        "famille-city": "Lille",
        "famille-family_quotient": str(rng.randint(0, 2000)),
        "famille-consent_photos": "oui",
        "famille-consent_communications": "non",
        "famille-consent_data": "oui",
    }


async def parent(
    index: int, base_url: str, period: dict, rng: random.Random, timings: dict, keys, answered, start
):
    url = f"{base_url}/inscriptions/{period['centre_slug']}/periodes/{period['period_id']}/"
    group = period["group"]
    reference = period["reference"]
    async with httpx.AsyncClient(timeout=30, follow_redirects=False) as client:
        page = await client.get(url)
        csrf = CSRF_INPUT.search(page.text).group(1)
        key = KEY_INPUT.search(page.text).group(1)
        keys.append(key)
        headers = {"Referer": url, "X-CSRFToken": csrf}
        age = rng.randint(group.min_age, group.max_age)
        birth = f"{reference.year - age - 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        data = {
            "csrfmiddlewaretoken": csrf,
            "periode": str(period["period_id"]),
            "key": key,
            "nombre_enfants": "1",
            "adulte-0-first_name": f"Parent{index}",
            "adulte-0-last_name": "Bench",
            **family_fields(f"parent{index}@bench.localhost", rng),
            **child_fields("enfant-0", f"Enfant{index}", birth, period),
        }
        await start.wait()
        # Opening time: parents arrive within the first seconds, then tick days at a human pace.
        await asyncio.sleep(rng.uniform(0, PACE["arrival_s"]))
        for _ in range(4):
            await asyncio.sleep(rng.uniform(*PACE["think_s"]))
            began = time.perf_counter()
            estimate = await client.post(url + "tarif/", data=data, headers={**headers, "HX-Request": "true"})
            if estimate.status_code == 200 and "Total" in estimate.text:
                timings["fee_estimate"].append((time.perf_counter() - began) * 1000)
            else:
                timings["errors"].append(f"tarif {estimate.status_code}")
        await asyncio.sleep(rng.uniform(*PACE["think_s"]))
        summary = await client.post(url, data={**data, "action": "verifier"}, headers=headers)
        draft = DRAFT_INPUT.search(summary.text)
        if draft is None:
            timings["errors"].append(f"verifier {summary.status_code}")
            return
        send = {"csrfmiddlewaretoken": csrf, "brouillon": draft.group(1), "action": "envoyer"}
        await asyncio.sleep(rng.uniform(*PACE["think_s"]))
        clicks = 2 if index % 4 == 0 else 1

        async def click():
            began = time.perf_counter()
            response = await client.post(url, data=send, headers=headers)
            elapsed = (time.perf_counter() - began) * 1000
            ok = response.status_code == 302 and "/suivi/" in response.headers.get("location", "")
            timings["submit"].append(elapsed)
            if not ok:
                timings["errors"].append(f"envoyer {response.status_code}")
            return ok

        results = await asyncio.gather(*[click() for _ in range(clicks)])
        answered[key] = all(results)


async def wave(base_url: str, parents: int, period: dict, seed: int) -> dict:
    rng = random.Random(seed)
    timings = {"fee_estimate": [], "submit": [], "errors": []}
    keys: list[str] = []
    answered: dict[str, bool] = {}
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(
            parent(i, base_url, period, random.Random(rng.random()), timings, keys, answered, start)
        )
        for i in range(parents)
    ]
    await asyncio.sleep(0.5)
    while len(keys) < parents and not all(t.done() for t in tasks):
        await asyncio.sleep(0.05)
    began = time.perf_counter()
    start.set()  # every parent is on the page: they all start ticking and sending at once
    await asyncio.gather(*tasks, return_exceptions=True)
    seconds = time.perf_counter() - began
    for task in tasks:
        if task.exception():
            timings["errors"].append(repr(task.exception()))
    return {"timings": timings, "keys": keys, "answered": answered, "seconds": round(seconds, 2)}


def export_seconds() -> dict:
    from benchmarks.inscriptions_export import export_10k_seconds

    return export_10k_seconds()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--parents", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--git", default="unknown")
    parser.add_argument("--server-description", default="")
    parser.add_argument("--output")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--burst", action="store_true", help="no arrival spread, no think time")
    args = parser.parse_args(argv)
    if urlsplit(args.base_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("Le benchmark ne vise qu'une adresse locale.")
    django_setup()
    if args.burst:
        PACE.update(arrival_s=0.0, think_s=(0.0, 0.0))

    runs = []
    for number in range(args.runs):
        period = fresh_period()
        result = asyncio.run(wave(args.base_url, args.parents, period, seed=2017 + number))
        verdict = check(period["period_id"], result["keys"], result["answered"])
        timings = result["timings"]
        run = {
            "period_id": period["period_id"],
            "seconds": result["seconds"],
            "submit": {
                "count": len(timings["submit"]),
                "p50_ms": percentile(timings["submit"], 50),
                "p95_ms": percentile(timings["submit"], 95),
            },
            "fee_estimate": {
                "count": len(timings["fee_estimate"]),
                "p50_ms": percentile(timings["fee_estimate"], 50),
                "p95_ms": percentile(timings["fee_estimate"], 95),
            },
            "http_errors": len(timings["errors"]),
            "error_samples": timings["errors"][:10],
            **verdict,
        }
        runs.append(run)
        print(json.dumps(run, ensure_ascii=False))

    metrics = {
        "submit_p95_ms": statistics.median(r["submit"]["p95_ms"] for r in runs),
        "fee_estimate_p95_ms": statistics.median(r["fee_estimate"]["p95_ms"] for r in runs),
        "overbooked_places": sum(r["overbooked_places"] for r in runs),
        "lost_submissions": sum(r["lost_submissions"] for r in runs),
    }
    exports = {} if args.skip_export else export_seconds()
    if exports:
        metrics["export_10k_registrations_s"] = exports["export_10k_registrations_s"]
    result = {
        "benchmark": "inscriptions",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": args.git,
        "dataset": {
            "parents_per_run": args.parents,
            "double_clicks_per_run": (args.parents + 3) // 4,
            "places_per_group_day": PLACES,
            "days_asked": DAYS_ASKED,
            "runs": args.runs,
            "export_registrations": 10_000,
            "arrival_spread_s": PACE["arrival_s"],
            "think_time_s": list(PACE["think_s"]),
        },
        "metrics": metrics,
        "targets": TARGETS,
        "runs": runs,
        "exports": exports,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "server": args.server_description,
        },
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n")
    print(json.dumps(metrics, ensure_ascii=False))


if __name__ == "__main__":
    main()
