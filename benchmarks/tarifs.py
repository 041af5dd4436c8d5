"""The `tarifs` benchmark (issue 20): the pages reception works from, on the Noethysweb-shaped dataset of
one centre (`manage.py generate_noethys_data`: 3,000 households, 12,000 people, one school-year activity
with 3 groups, 1,500 registrations, 150,000 booked units).

One request at a time, through the real HTTP server run.sh starts, as the centre's reception officer
logged in through the login form (`bench-noethys-accueil@bench.localhost`). Each measure makes one
warm-up request (not counted), then `--tries` requests (20 by default); it reports their median and p95,
and the size of the answer.

- `registrations_page_100_ms`: the list of the activity's registrations, 100 rows a page
  (`activities:registrations`, `?periode=…&par=100`), pages 1 to 15 in turn.
- `household_search_ms`: the household search (`people:household_search`, `?q=…`), for household
  names of the centre, whole or their beginning.
- `attendance_day_3_groups_ms`: the attendance of one day for the activity's 3 groups (the grid that
  copies a paper sheet, `activities:attendance_grid` with `du` = `au` = the last past day of the
  period): the three sessions of that day, every child booked, one choice per child and session.
- `registrations_xlsx_1500_ms`: the Excel export of the school-year period's 1,500 registrations in the
  layout offered by default for a long period (`enrolment:export_period`, whole body read). The other
  layouts are timed too and reported beside it (`export_layouts`).

A page whose URL does not resolve yet (built on another branch) is skipped: its metric is null with a
note. `fee_estimate_p95_ms` (50 parents at once on a 40 brackets × 6 units grid) and
`desk_registration_p95_ms` are measures of their own, filled in by `measure_fee_estimate` and
`measure_desk_registration` below: until they are written, their metrics are null with the reason.

Run by benchmarks/run.sh (BENCH_ONLY=tarifs); standalone:
    DJANGO_SETTINGS_MODULE=csc.settings DATABASE_URL=... python benchmarks/tarifs.py --base-url ...
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.loadgen import CSRF_INPUT, check_loopback, log_in, percentile, write_result  # noqa: E402  (after the path is set)

TARGETS = {
    "registrations_page_100_ms": 100,
    "household_search_ms": 30,
    "attendance_day_3_groups_ms": 100,
    "registrations_xlsx_1500_ms": 600,
    "fee_estimate_p95_ms": 30,
    "desk_registration_p95_ms": 150,
}
# The reference software, measured side by side on the same data (issue 20), for the README's table.
NOETHYSWEB_MS = {
    "registrations_page_100_ms": 1600,
    "household_search_ms": 30,
    "attendance_day_3_groups_ms": 1400,
    "registrations_xlsx_1500_ms": 5900,
}


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csc.settings")
    import django

    django.setup()


def workload() -> dict:
    """What the requests need, read from the database: the activity, its period, the day to call, the
    names to search, and each page's URL (None when it does not resolve)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from csc.activities.management.commands.generate_noethys_data import (
        CENTRE_SLUG,
        RECEPTION_EMAIL,
        Command,
    )
    from csc.activities.models import Activity, BookedUnit, Period, Registration, Session
    from csc.people.models import Household

    activity = Activity.objects.filter(centre__slug=CENTRE_SLUG).order_by("id").first()
    if activity is None:
        raise SystemExit("Pas de jeu de données : lancez d'abord `manage.py generate_noethys_data`.")
    period = Period.objects.filter(activity=activity).order_by("id").first()
    today = timezone.localdate()
    day = (
        Session.objects.filter(activity=activity, date__lt=today)
        .order_by("-date")
        .values_list("date", flat=True)
    ).first()

    def url(name, *args):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None

    names = list(
        Household.objects.filter(centre=activity.centre)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:400]
    )
    step = max(1, len(names) // 10)
    surnames = [name.removeprefix("Famille ") for name in names[::step]][:10]
    queries = surnames + [surname[:4] for surname in surnames]
    registrations = Registration.objects.filter(period=period, status=Registration.Status.ACTIVE)
    return {
        "email": RECEPTION_EMAIL,
        "activity": activity.pk,
        "period": period.pk,
        "day": day,
        "queries": queries,
        "registrations_url": url("activities:registrations", activity.pk),
        "household_search_url": url("people:household_search"),
        "grid_url": url("activities:attendance_grid", activity.pk),
        "export_url": url("enrolment:export_period", period.pk, "xlsx"),
        "dataset": {
            **Command.existing_counts(),
            "period_days": period.days.count(),
            "groups": activity.groups.count(),
            "attendance_day": day.isoformat() if day else None,
            "children_booked_that_day": (
                BookedUnit.objects.filter(registration__in=registrations, day__date=day)
                .values("registration_id")
                .distinct()
                .count()
                if day
                else 0
            ),
        },
    }


async def timed(http: httpx.AsyncClient, urls: list[str], tries: int, check=None) -> dict:
    """One warm-up request, then `tries` requests one after the other (the URLs in turn): the median,
    the p95 and the answer's size. Anything but a 200, or what `check` finds wrong, stops the measure."""
    times, sizes = [], []
    for index in range(tries + 1):
        target = urls[index % len(urls)]
        started = time.perf_counter()
        response = await http.get(target)
        body = response.content
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            location = response.headers.get("location", "")
            raise RuntimeError(
                f"HTTP {response.status_code} {target}" + (f" -> {location}" if location else "")
            )
        problem = check(response) if check else None
        if problem:
            raise RuntimeError(f"{problem} : {target}")
        if index:  # the first one warms the worker up
            times.append(elapsed)
            sizes.append(len(body))
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": percentile(times, 95),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "tries": len(times),
        "bytes": round(statistics.median(sizes)),
    }


def is_html(response) -> str | None:
    return None if response.headers.get("content-type", "").startswith("text/html") else "pas une page HTML"


def is_xlsx(response) -> str | None:
    if response.content[:2] != b"PK":
        return f"pas un fichier Excel ({response.headers.get('content-type')})"
    return None


def export_not_answered(error: str) -> str:
    """Why an export layout gave no file at once: a job, a refusal, or a real error."""
    if "-> /travaux/" in error:
        return (
            "Préparé en arrière-plan (plus de lignes que CSC_XLSX_IN_REQUEST_ROWS) : le temps du "
            f"travailleur est sous `worker_seconds`. ({error})"
        )
    if "-> /demandes/" in error:
        return f"Refusé au-delà de 31 jours, avec un message qui propose les deux autres. ({error})"
    return error


def worker_seconds(period_id: int, layout: str, runs: int = 3) -> dict:
    """What the task worker spends on a layout prepared in the background (in-process, same database):
    the rows read and the workbook written, median of `runs`."""
    import io

    from csc.activities.models import Period
    from csc.enrolment import exports

    period = Period.objects.get(pk=period_id)
    times, rows = [], 0
    for _ in range(runs + 1):
        started = time.perf_counter()
        rows = exports.write_xlsx(exports.period_registrations(period, layout=layout), io.BytesIO())
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times[1:]), 3), "rows": rows, "runs": runs}


def skipped(reason: str) -> dict:
    return {"median_ms": None, "p95_ms": None, "skipped": reason}


async def measure_pages(base_url: str, password: str, load: dict, tries: int) -> dict:
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=60, limits=limits, follow_redirects=False
    ) as http:
        await log_in(http, load["email"], password)
        results = {}
        if load["registrations_url"]:
            base = f"{load['registrations_url']}?periode={load['period']}&par=100"
            urls = [base] + [f"{base}&page={page}" for page in range(2, 16)]
            results["registrations_page_100"] = await timed(http, urls, tries, is_html)
        else:
            results["registrations_page_100"] = skipped(
                "L'URL activities:registrations ne se résout pas : la liste des inscrits (branche « lists ») "
                "n'est pas encore là."
            )
        if load["household_search_url"]:
            urls = [f"{load['household_search_url']}?q={query}" for query in load["queries"]]
            results["household_search"] = await timed(http, urls, tries, is_html)
        else:
            results["household_search"] = skipped(
                "L'URL people:household_search ne se résout pas : la recherche de foyers (branche « lists ») "
                "n'est pas encore là."
            )
        if load["day"]:
            day = load["day"].isoformat()
            url = f"{load['grid_url']}?du={day}&au={day}"
            results["attendance_day_3_groups"] = await timed(http, [url], tries, is_html)
        else:
            results["attendance_day_3_groups"] = skipped("Aucun jour passé dans la période : rien à appeler.")
        layouts = {}
        for layout in ("", "resume", "lignes", "jours"):
            url = load["export_url"] + (f"?presentation={layout}" if layout else "")
            try:
                layouts[layout or "default"] = await timed(http, [url], tries, is_xlsx)
            except RuntimeError as error:
                layouts[layout or "default"] = skipped(export_not_answered(str(error)))
        results["export_layouts"] = layouts
        results["registrations_xlsx_1500"] = layouts["default"]
    return results


# --- The measures the integrator fills in ---------------------------------------------------------------


def measure_fee_estimate(base_url: str, args) -> dict:
    """`fee_estimate_p95_ms`: 50 parents at once asking the live fee on a grid of 40 brackets × 6 units
    × 3 columns × 4 ranks with aids (benchmarks/tarifs_concurrent.py)."""
    from benchmarks.tarifs_concurrent import fee_estimate

    result = fee_estimate(base_url, parents=args.parents, runs=args.fee_runs)
    return {"p95_ms": result["fee_estimate_p95_ms"], **result}


def desk_candidates(period_id: int, count: int) -> list[dict]:
    """Children of the bench centre's households, of an age one of the period's groups takes and not
    registered on it, each with ten days of a group's unit: what reception registers at the desk."""
    from csc.activities.models import Period, Registration
    from csc.activities.tariffs import age_reference_date, group_for
    from csc.people.models import HouseholdMember

    period = Period.objects.select_related("activity").get(pk=period_id)
    groups = list(period.activity.groups.all())
    reference = age_reference_date(period)
    from csc.activities.capacity import free_places

    unit = period.activity.units.filter(kind="journee").order_by("position").first()
    all_days = list(period.days.order_by("date").values_list("pk", flat=True))
    # The dataset fills most group-days to the last place: each child takes up to ten days that still
    # have room in their group, counted down as the children are planned.
    free = free_places(period)
    registered = set(
        Registration.objects.filter(period=period, status="active").values_list("child_id", flat=True)
    )
    found = []
    members = (
        HouseholdMember.objects.filter(household__centre_id=period.activity.centre_id, relation="enfant")
        .exclude(person_id__in=registered)
        .select_related("person")
        .order_by("id")
    )
    for member in members.iterator():
        group = group_for(groups, member.person.birth_date, reference) if member.person.birth_date else None
        if group is None:
            continue
        days = [day for day in all_days if free.get((group.pk, day), 0) > 0][:10]
        if not days:
            continue
        for day in days:
            free[(group.pk, day)] -= 1
        found.append(
            {
                "household": member.household_id,
                "child": member.person_id,
                "group": group.pk,
                "days": len(days),
                "bookings": [f"{day}-{unit.pk}" for day in days],
            }
        )
        if len(found) == count:
            break
    return found


def undo_desk_registrations(period_id: int, children: list[int]) -> None:
    """Take back what the measure registered, places included, so the dataset stays as generated."""
    from csc.activities import registrations
    from csc.activities.models import Registration

    for registration in Registration.objects.filter(
        period_id=period_id, child_id__in=children, status="active"
    ):
        registrations.cancel(registration=registration, by=None, reason="benchmark")
    Registration.objects.filter(period_id=period_id, child_id__in=children).delete()


async def measure_desk_registration(base_url: str, password: str, load: dict, tries: int) -> dict:
    """`desk_registration_p95_ms`: reception registers a child from the household's page, one after the
    other: the POST « Inscrire » of the desk screen (10 days, fee computed, places held, journaled),
    timed to its redirect to the household's page. The registrations are taken back afterwards."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("activities:desk_register", args=[1])
    except NoReverseMatch:
        return skipped("L'URL activities:desk_register ne se résout pas : pas d'inscription au guichet.")
    candidates = await asyncio.to_thread(desk_candidates, load["period"], tries + 1)
    times = []
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=60, follow_redirects=False) as http:
            await log_in(http, load["email"], password)
            for index, child in enumerate(candidates):
                url = reverse("activities:desk_register", args=[child["household"]])
                page = await http.get(url, params={"enfant": child["child"], "periode": load["period"]})
                csrf = CSRF_INPUT.search(page.text)
                if page.status_code != 200 or csrf is None:
                    raise RuntimeError(f"HTTP {page.status_code} {url}")
                data = {
                    "csrfmiddlewaretoken": csrf.group(1),
                    "enfant": child["child"],
                    "periode": load["period"],
                    "groupe": child["group"],
                    "reservations": child["bookings"],
                    "action": "inscrire",
                }
                started = time.perf_counter()
                answer = await http.post(url, data=data, headers={"Referer": base_url + url})
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 302:
                    said = re.findall(r"<li[^>]*>([^<]{5,300})</li>", answer.text)[:5]
                    raise RuntimeError(f"inscrire : HTTP {answer.status_code} {url} {said}")
                if index:  # the first one warms the worker up
                    times.append(elapsed)
    finally:
        await asyncio.to_thread(undo_desk_registrations, load["period"], [c["child"] for c in candidates])
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": percentile(times, 95),
        "max_ms": round(max(times), 1),
        "tries": len(times),
        "days_per_registration": statistics.median(c["days"] for c in candidates),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8089")
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--parents", type=int, default=50, help="parents at once asking the live fee")
    parser.add_argument("--fee-runs", type=int, default=3)
    parser.add_argument("--password", default=os.environ.get("CSC_BENCH_PASSWORD", "bench-csc-2026"))
    parser.add_argument("--git", default="unknown")
    parser.add_argument("--generation-seconds", type=float, default=None)
    parser.add_argument("--server-description", default="")
    parser.add_argument("--output")
    args = parser.parse_args(argv)
    check_loopback(args.base_url)
    django_setup()
    load = workload()
    pages = asyncio.run(measure_pages(args.base_url, args.password, load, args.tries))
    pages["export_layouts"]["worker_seconds"] = {"lignes": worker_seconds(load["period"], "lignes")}
    fee = measure_fee_estimate(args.base_url, args)
    desk = asyncio.run(measure_desk_registration(args.base_url, args.password, load, args.tries * 2))
    metrics = {
        "registrations_page_100_ms": pages["registrations_page_100"]["median_ms"],
        "household_search_ms": pages["household_search"]["median_ms"],
        "attendance_day_3_groups_ms": pages["attendance_day_3_groups"]["median_ms"],
        "registrations_xlsx_1500_ms": pages["registrations_xlsx_1500"]["median_ms"],
        "fee_estimate_p95_ms": fee["p95_ms"],
        "desk_registration_p95_ms": desk["p95_ms"],
    }
    notes = {
        key: part["skipped"]
        for key, part in [
            ("registrations_page_100_ms", pages["registrations_page_100"]),
            ("household_search_ms", pages["household_search"]),
            ("attendance_day_3_groups_ms", pages["attendance_day_3_groups"]),
            ("registrations_xlsx_1500_ms", pages["registrations_xlsx_1500"]),
            ("fee_estimate_p95_ms", fee),
            ("desk_registration_p95_ms", desk),
        ]
        if part.get("skipped")
    }
    result = {
        "benchmark": "tarifs",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": args.git,
        "dataset": {**load["dataset"], "generation_seconds": args.generation_seconds},
        "metrics": metrics,
        "targets": TARGETS,
        "targets_met": {
            key: (metrics[key] < target if metrics[key] is not None else None)
            for key, target in TARGETS.items()
        },
        "notes": notes,
        "reference_noethysweb_ms": NOETHYSWEB_MS,
        "loads": {"fee_estimate": fee, "desk_registration": desk},
        "method": {
            "statistic": "one request at a time after one warm-up request; the *_ms metric is the median "
            f"of {args.tries} tries (p95 beside it under `pages`); *_p95_ms metrics are a load's p95",
            "as": "the centre's reception officer, logged in through the login form",
            "server": args.server_description,
            "client": f"tarifs.py, httpx {httpx.__version__}, Python {platform.python_version()}",
            "cpus": os.cpu_count(),
        },
        "pages": {**pages, "fee_estimate": fee, "desk_registration": desk},
    }
    write_result(result, args.output)


if __name__ == "__main__":
    main()
