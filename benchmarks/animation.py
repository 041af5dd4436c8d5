"""The `animation` benchmark (issue 5, Anim'connect): searching 50,000 activity sheets and opening a
two-week holiday planning, on the `bench` network (`manage.py generate_animation_data`).

Animators (30 at once by default), each logged in on its own centre (`bench-anim-NNNN@bench.localhost`,
one per centre that has a planning), loop until the run ends:

    GET /fiches/?q=…&age=…&type=…        — what an animator looking for an idea types: one or two words,
                                           sometimes without accents or only their beginning, sometimes a
                                           filter only (age, kind, duration, materials, an objective of
                                           the centre's project), sometimes the second page
    (think)
    GET /plannings/<id>/[?semaine=…]     — its centre's planning: 4 groups × 10 days × morning and
                                           afternoon, one week shown (either of the two)
    (think)

Think times are exponential (1 s mean). A search counts as an error unless it answers 200 with the results
heading of the page; a planning unless it answers 200 with the planning's title and an activity placed in
the week shown. A warm-up, then runs of a fixed duration: each run computes its p95 and p50 per page, the
metric is the median over the runs. A run during which other programs took CPU is set aside and done again,
as for `socle`.

Run by benchmarks/run.sh against its gunicorn (BENCH_ONLY=animation); standalone:
    DATABASE_URL=postgres://…/csc_bench python benchmarks/animation.py --base-url http://127.0.0.1:8089 \
        --users 30 --runs 3 --duration 60 --output benchmarks/results/animation.json
"""

from __future__ import annotations

import argparse
import asyncio
import html
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import loadgen  # noqa: E402
from benchmarks.loadgen import Budget, CpuMeter, login_all, measure, median_of, strip_accents  # noqa: E402
from benchmarks.presences import Account, Client  # noqa: E402

TARGETS = {"sheet_search_p95_ms": 100, "planning_page_p95_ms": 150, "errors": 0}
ANIMATOR_EMAILS = "bench-anim-%@bench.localhost"
KINDS = ("sheet_search", "planning_page")
RESULTS_MARK = 'id="resultats"'  # the heading of the search page's results, found or not
SHEET_LINK = re.compile(r'href="/fiches/(\d+)/"')

# What animators look for: words of the sheets' titles, materials and themes (French, with accents).
WORDS = [
    "peinture", "pâte à sel", "masques", "origami", "fresque", "mandalas", "attrape-rêves", "récup",
    "galets", "cartes pop-up", "relais", "motricité", "balle au prisonnier", "foot", "parachute", "kin-ball",
    "olympiades", "crêpes", "cookies", "brochettes", "pizza", "gâteau", "soupe", "volcan", "slime",
    "fusées à eau", "couleurs", "expériences", "scratch", "robot", "roman photo", "stop motion", "QR codes",
    "cabanes", "hôtel à insectes", "land art", "jardinage", "balade", "chasse au trésor", "loup-garou",
    "kim", "escape game", "jeux de société", "blind test", "improvisation", "marionnettes", "percussions",
    "chorégraphie", "kamishibaï", "débat", "déchets", "médiathèque", "carton", "chocolat", "énigmes",
    "ballon", "coopération", "théâtre", "danse", "nature", "cuisine", "sport",
]  # fmt: skip
THEMES = [
    "automne", "printemps", "hiver", "été", "noël", "halloween", "carnaval", "pâques", "océan", "forêt",
    "pirates", "espace", "dinosaures", "ferme", "super-héros", "jungle", "chevaliers", "cirque", "contes",
    "banquise", "insectes", "far west", "égypte", "fées", "mer", "robots",
]  # fmt: skip
PAIRS = [
    "masques carnaval", "peinture automne", "gâteau chocolat", "jeu coopératif", "relais équipes",
    "chasse au trésor pirates", "fresque collective", "crêpes goûter", "expérience volcan", "jeu extérieur",
    "activité calme", "bricolage récup", "cuisine fruits", "grand jeu", "escape game espace",
    "parcours motricité", "théâtre impro", "jeu de piste", "pâte à sel noël", "land art forêt",
]  # fmt: skip
BROAD = ["jeu", "enfants", "groupe", "équipe", "colle", "eau"]  # many pages of results
MATERIALS = [
    "carton",
    "peinture",
    "colle",
    "ciseaux",
    "ballon",
    "farine",
    "laine",
    "plots",
    "tablette",
    "four",
]
SHEET_KINDS = [
    "manuelle", "sport", "cuisine", "sciences", "numerique", "nature", "jeu", "expression", "citoyennete",
]  # fmt: skip
DURATIONS = [30, 45, 60, 90, 120]


# --- the workload, from the database -------------------------------------------------------------------


@dataclass
class Animator:
    email: str
    centre_id: int
    planning_id: int
    planning_title: str
    weeks: list[str]  # Mondays of the planning, ISO
    titles_by_week: dict[str, list[str]]  # activity titles placed in each week
    objectives: list[int]


def load_workload(database_url: str, users: int) -> tuple[list[Animator], dict]:
    import psycopg

    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT u.email, r.centre_id, p.id, p.title FROM core_user u "
            "JOIN core_staffrole r ON r.user_id = u.id AND r.is_active AND r.role = 'animator' "
            "JOIN animation_planning p ON p.centre_id = r.centre_id "
            "WHERE u.is_active AND u.email LIKE %s ORDER BY u.email, p.id",
            [ANIMATOR_EMAILS],
        )
        seen, rows = set(), []
        for email, centre_id, planning_id, title in cur.fetchall():
            if email not in seen:  # one planning per animator: the first of its centre
                seen.add(email)
                rows.append((email, centre_id, planning_id, title))
        if len(rows) < users:
            raise SystemExit(
                f"{len(rows)} animateurs avec un planning pour {users} utilisateurs : lancez "
                "`manage.py generate_animation_data --plannings N`."
            )
        animators = []
        for email, centre_id, planning_id, title in rows[:users]:
            cur.execute(
                "SELECT date, title FROM animation_planningentry WHERE planning_id = %s", [planning_id]
            )
            by_week: dict[str, list[str]] = {}
            for day, entry_title in cur.fetchall():
                monday = (day - timedelta(days=day.weekday())).isoformat()
                by_week.setdefault(monday, []).append(entry_title)
            if not by_week:
                raise SystemExit(f"Le planning {planning_id} de {email} est vide.")
            cur.execute("SELECT id FROM animation_objective WHERE centre_id = %s ORDER BY id", [centre_id])
            objectives = [row[0] for row in cur.fetchall()]
            animators.append(
                Animator(email, centre_id, planning_id, title, sorted(by_week), by_week, objectives)
            )
        dataset = describe_dataset(cur, [a.planning_id for a in animators])
    return animators, dataset


def describe_dataset(cur, planning_ids: list[int]) -> dict:
    cur.execute(
        "SELECT c.id FROM core_centre c JOIN core_territory t ON t.id = c.territory_id "
        "JOIN core_federation f ON f.id = t.federation_id WHERE f.slug = 'bench'"
    )
    centres = [row[0] for row in cur.fetchall()]
    cur.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'publiee'), "
        "count(*) FILTER (WHERE status = 'publiee' AND visibility = 'reseau'), count(DISTINCT centre_id) "
        "FROM animation_activitysheet WHERE centre_id = ANY(%s)",
        [centres],
    )
    sheets, published, shared, writing_centres = cur.fetchone()
    cur.execute(
        "SELECT max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), min(n) FROM "
        "(SELECT count(*) AS n FROM animation_activitysheet WHERE centre_id = ANY(%s) GROUP BY centre_id) s",
        [centres],
    )
    most, median, least = cur.fetchone()
    dataset = {
        "centres": len(centres),
        "sheets": sheets,
        "published_sheets": published,
        "shared_sheets": shared,
        "draft_sheets": sheets - published,
        "centres_with_sheets": writing_centres,
        "sheets_per_centre": {"max": most, "median": median, "min": least},
    }
    for key, sql in {
        "objectives": "SELECT count(*) FROM animation_objective WHERE centre_id = ANY(%s)",
        "sheet_objective_links": "SELECT count(*) FROM animation_activitysheet_objectives l "
        "JOIN animation_activitysheet s ON s.id = l.activitysheet_id WHERE s.centre_id = ANY(%s)",
        "favourites": "SELECT count(*) FROM animation_sheetfavourite f "
        "JOIN animation_activitysheet s ON s.id = f.sheet_id WHERE s.centre_id = ANY(%s)",
        "plannings": "SELECT count(*) FROM animation_planning WHERE centre_id = ANY(%s)",
    }.items():
        cur.execute(sql, [centres])
        dataset[key] = cur.fetchone()[0]
    cur.execute(
        "SELECT avg(entries), avg(groups), avg(days), avg(animators) FROM ("
        "SELECT e.planning_id, count(*) AS entries, count(DISTINCT e.group_id) AS groups, "
        "count(DISTINCT e.date) AS days, avg(a.n) AS animators FROM animation_planningentry e "
        "LEFT JOIN (SELECT planningentry_id, count(*) AS n FROM animation_planningentry_animators "
        "GROUP BY planningentry_id) a ON a.planningentry_id = e.id "
        "WHERE e.planning_id = ANY(%s) GROUP BY e.planning_id) p",
        [planning_ids],
    )
    entries, groups, days, animators = (float(v or 0) for v in cur.fetchone())
    dataset["planning"] = {
        "plannings_opened": len(planning_ids),
        "entries_per_planning": round(entries, 1),
        "groups": round(groups, 1),
        "days": round(days, 1),
        "slots_per_day": 2,
        "animators_per_entry": round(animators, 2),
    }
    cur.execute("SELECT pg_size_pretty(pg_total_relation_size('animation_activitysheet'))")
    dataset["sheet_table_size"] = cur.fetchone()[0]
    cur.execute("SHOW server_version")
    dataset["postgresql"] = cur.fetchone()[0]
    return dataset


# --- what animators type ----------------------------------------------------------------------------------


def typed(text: str, rng: random.Random) -> str:
    """As typed: often without accents, sometimes in lower case or only the beginning of the word."""
    roll = rng.random()
    if roll < 0.3:
        text = strip_accents(text)
    if rng.random() < 0.5:
        text = text.lower()
    if " " not in text and len(text) > 6 and rng.random() < 0.15:
        text = text[: rng.randint(4, 6)]  # « peint » finds « peinture »
    return text


def search_params(animator: Animator, rng: random.Random) -> dict[str, str | int]:
    """The query string of one search of the sheets page."""
    roll = rng.random()
    params: dict[str, str | int] = {}
    if roll < 0.40:  # one word or expression
        params["q"] = typed(rng.choice(WORDS), rng)
    elif roll < 0.55:  # two words
        params["q"] = typed(rng.choice(PAIRS), rng)
    elif roll < 0.63:  # an activity and a theme
        params["q"] = typed(f"{rng.choice(WORDS[:30])} {rng.choice(THEMES)}", rng)
    elif roll < 0.73:  # words and the age of the group
        params["q"] = typed(rng.choice(WORDS), rng)
        params["age"] = rng.randint(3, 14)
    elif roll < 0.83:  # filters only: what can I do with my 6-8 this afternoon?
        params["age"] = rng.randint(3, 14)
        params["type"] = rng.choice(SHEET_KINDS)
        if rng.random() < 0.4:
            params["duree"] = rng.choice(DURATIONS)
    elif roll < 0.88:  # materials we have
        params["materiel"] = typed(rng.choice(MATERIALS), rng)
        if rng.random() < 0.5:
            params["type"] = rng.choice(SHEET_KINDS)
    elif roll < 0.93 and animator.objectives:  # sheets serving an objective of our project
        params["objectif"] = rng.choice(animator.objectives)
        if rng.random() < 0.5:
            params["q"] = typed(rng.choice(THEMES), rng)
    else:  # the second page of a broad search
        if rng.random() < 0.5:
            params["q"] = rng.choice(BROAD)
        else:
            params["type"] = rng.choice(SHEET_KINDS)
        params["page"] = 2
    return params


# --- measuring ------------------------------------------------------------------------------------------


@dataclass
class Run(loadgen.Run):
    kinds: tuple[str, ...] = KINDS
    empty_searches: int = 0  # searches that found no sheet: a workload that asks for nothing is no test

    def summary(self) -> dict:
        return super().summary() | {"searches_without_result": self.empty_searches}


class User(Client):
    def __init__(self, animator: Animator, base_url: str, timeout: float, rng: random.Random):
        super().__init__(Account(animator.email, animator.centre_id), base_url, timeout)
        self.http.headers["User-Agent"] = "csc-animation-bench/1"
        self.animator = animator
        self.rng = rng

    async def timed_get(self, kind: str, url: str, run: Run, check) -> None:
        await loadgen.timed_get(self.http, kind, url, run, check)

    async def search(self, run: Run):
        url = "/fiches/?" + urlencode(search_params(self.animator, self.rng))

        def check(text: str) -> str | None:
            if RESULTS_MARK not in text:
                return "page de recherche sans résultats affichés"
            if not SHEET_LINK.search(text):
                run.empty_searches += 1
            return None

        await self.timed_get("sheet_search", url, run, check)

    async def planning(self, run: Run):
        animator = self.animator
        week = self.rng.choice(animator.weeks)
        url = f"/plannings/{animator.planning_id}/"
        if week != animator.weeks[0]:
            url += f"?semaine={week}"
        expected = {html.escape(t) for t in animator.titles_by_week[week]}
        title = html.escape(animator.planning_title)

        def check(text: str) -> str | None:
            if title not in text:
                return "planning sans son titre"
            if not any(t in text for t in expected):
                return "planning sans les activités de la semaine"
            return None

        await self.timed_get("planning_page", url, run, check)

    async def think(self, mean_ms: float):
        if mean_ms > 0:
            await asyncio.sleep(min(self.rng.expovariate(1000 / mean_ms), mean_ms * 5 / 1000))

    async def loop(self, run: Run, budget: Budget, think_ms: float):
        await asyncio.sleep(self.rng.uniform(0, think_ms / 1000))  # users do not start in step
        while budget.take():
            await self.search(run)
            await self.think(think_ms)
            if not budget.take():
                break
            await self.planning(run)
            await self.think(think_ms)


async def main_async(args, animators: list[Animator]) -> tuple[list[dict], list[dict], dict | None]:
    rng = random.Random(args.seed)
    users = [User(a, args.base_url, args.timeout, random.Random(rng.random())) for a in animators]
    port = urlsplit(args.base_url).port or 80
    meter = CpuMeter(port, urlsplit(args.database_url).path.lstrip("/"))
    try:
        started = time.monotonic()
        failures = await login_all(users, args.password, args.login_parallel)
        if failures:
            raise SystemExit("Échec de connexion :\n" + "\n".join(failures[:5]))
        print(f"{len(users)} animateurs connectés en {time.monotonic() - started:.1f} s", file=sys.stderr)
        runs, disturbed, warmup = await measure(users, args, meter, Run)
    finally:
        await asyncio.gather(*(u.close() for u in users))
    return runs, disturbed, warmup


def build_result(args, dataset: dict, runs: list[dict], set_aside: list[dict], warmup: dict | None) -> dict:
    errors = sum(r["errors"] for r in runs + set_aside) + (warmup["errors"] if warmup else 0)
    metrics = {
        "sheet_search_p95_ms": median_of(runs, "sheet_search", "p95_ms"),
        "planning_page_p95_ms": median_of(runs, "planning_page", "p95_ms"),
        "throughput_rps": median_of(runs, "throughput_rps"),
        "errors": errors,
        "sheet_search_p50_ms": median_of(runs, "sheet_search", "p50_ms"),
        "planning_page_p50_ms": median_of(runs, "planning_page", "p50_ms"),
    }
    met = {
        key: metrics[key] is not None and (metrics[key] == 0 if target == 0 else metrics[key] < target)
        for key, target in TARGETS.items()
    }
    if args.generation_seconds is not None:
        dataset["generation_seconds"] = args.generation_seconds
    return {
        "benchmark": "animation",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": args.git,
        "dataset": dataset,
        "metrics": metrics,
        "targets": TARGETS,
        "targets_met": met,
        "method": {
            "workload": f"{args.users} animators at once, each logged in on its own centre, alternately "
            "searching the sheets (GET /fiches/?q=…: one or two words, an activity and a theme, words and "
            "an age, filters only, materials, an objective of the centre's project, a second page; accents "
            "and word endings often left out) and opening its centre's two-week planning (GET "
            "/plannings/<id>/, either week), think time exponential. A search is an error unless 200 with "
            "the results heading; a planning unless 200 with its title and an activity of the week shown.",
            "aggregation": "p95 (and p50) computed per run; the metric is the median over the runs. "
            "errors = all errors, warm-up and runs set aside included. throughput_rps = median of the "
            "runs' completed requests per second, both pages. A run during which other programs used more "
            f"than {args.disturbed_cores:g} core is set aside and done again (at most {args.retries} times).",
            **loadgen.run_method(args, "animation.py"),
        },
        "runs": runs,
        "disturbed_runs_set_aside": set_aside,
        "warmup": warmup,
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    loadgen.add_load_arguments(parser, users=30, users_help="Animateurs à la fois (un par centre).")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    loadgen.check_loopback(args.base_url)
    animators, dataset = load_workload(args.database_url, args.users)
    runs, set_aside, warmup = asyncio.run(main_async(args, animators))
    result = build_result(args, dataset, runs, set_aside, warmup)
    loadgen.write_result(result, args.output)


if __name__ == "__main__":
    main()
