"""Is a restored installation whole? What `manage.py verify_restore` checks after a restore drill
(docs/sauvegardes.md): the database answers, every migration of the code is applied and none is
unknown to it, the main tables hold rows, the files the rows point at are in storage — and what modules
add: the casework module checks that a sample of its encrypted notes and documents decrypt with the
configured keys.

A module adds its checks with `register_check(name, check)` from its `AppConfig.ready()` (as it gives
notify a channel): core never imports a module. A check returns `Result`s — one line each of the
command's output, in French, never the content of a row (a note, a name): counts only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

# Rows read per check: a restore drill must end in minutes on a network's database (a sample, not a
# scan); `--tout` lifts it for the files.
DEFAULT_SAMPLE = 200


@dataclass(frozen=True)
class Options:
    sample: int = DEFAULT_SAMPLE
    all_files: bool = False
    database: str = DEFAULT_DB_ALIAS


@dataclass(frozen=True)
class Result:
    label: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'OK    ' if self.ok else 'ÉCHEC '} {self.label} : {self.detail}"


Check = Callable[[Options], list[Result]]
_checks: dict[str, Check] = {}


def register_check(name: str, check: Check) -> None:
    """Add a module's check (`check(options) -> list[Result]`), run after core's, in registration order.
    Called from the module's `AppConfig.ready()`; `name` is « app.what »."""
    _checks[name] = check


def run(options: Options | None = None) -> list[Result]:
    """Every check, core's first. A database that does not answer stops there: nothing else can be read."""
    options = options or Options()
    database = check_database(options)
    if not database.ok:
        return [database]
    results = [database]
    core = {"Migrations": lambda o: [check_migrations(o)], "Contenu": lambda o: [check_rows(o)]}
    core["Fichiers déposés"] = check_files
    for name, check in [*core.items(), *_checks.items()]:
        try:
            results.extend(check(options))
        except Exception as error:  # noqa: BLE001 — a restore missing a table must still list the rest
            results.append(Result(name, False, f"le contrôle n'a pas pu se faire ({type(error).__name__})."))
    return results


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def check_database(options: Options) -> Result:
    connection = connections[options.database]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 — whatever the driver raises, the answer is « injoignable »
        return Result("Base de données", False, f"injoignable ({type(error).__name__}).")
    name = connection.settings_dict.get("NAME")
    return Result("Base de données", True, f"{connection.vendor} répond (base « {name} »).")


def check_migrations(options: Options) -> Result:
    """Every migration of the code recorded as applied, and no recorded migration the code lacks (a
    backup of a newer version restored under an older code)."""
    connection = connections[options.database]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(MigrationRecorder(connection).applied_migrations())
    known = set(loader.graph.nodes)
    # A squashed migration is recorded under the names it replaces, or under its own: either counts.
    replaced = {old: key for key, migration in loader.disk_migrations.items() for old in migration.replaces}
    pending = sorted(
        key for key in known if key not in applied and not _replaced_applied(key, loader, applied)
    )
    unknown = sorted(key for key in applied if key not in known and key not in replaced)
    if not pending and not unknown:
        return Result(
            "Migrations", True, f"{_count(len(applied))} appliquées, aucune en attente ni inconnue."
        )
    parts = []
    if pending:
        parts.append(f"{len(pending)} non appliquée(s) ({_names(pending)})")
    if unknown:
        parts.append(f"{len(unknown)} inconnue(s) du code installé ({_names(unknown)})")
    return Result("Migrations", False, " ; ".join(parts) + ".")


def _replaced_applied(key, loader, applied) -> bool:
    migration = loader.disk_migrations.get(key)
    return bool(migration and migration.replaces and all(old in applied for old in migration.replaces))


def _names(keys, shown: int = 5) -> str:
    names = ", ".join(f"{app}.{name}" for app, name in keys[:shown])
    return names + (f" et {len(keys) - shown} autre(s)" if len(keys) > shown else "")


# The tables without which an installation is empty: a restore that brought back no centre or no
# account restored nothing usable. Modules say theirs through their own checks.
EXPECTED_ROWS = (("core", "Centre", "centre(s)"), ("core", "User", "compte(s)"))


def check_rows(options: Options) -> Result:
    counts, empty = [], []
    for app_label, model_name, noun in EXPECTED_ROWS:
        model = apps.get_model(app_label, model_name)
        number = model._default_manager.using(options.database).count()
        counts.append(f"{_count(number)} {noun}")
        if not number:
            empty.append(noun)
    if empty:
        return Result("Contenu", False, f"{', '.join(counts)} : aucune ligne pour {', '.join(empty)}.")
    return Result("Contenu", True, ", ".join(counts) + ".")


def check_files(options: Options) -> list[Result]:
    """The files every FileField of every installed model points at, in its storage: the newest rows of
    each (a sample) or all of them (`all_files`). Counts per kind of file, never a path (a name could
    say something of a person)."""
    checked = missing = total = 0
    missing_by_model: dict[str, int] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            rows = model._default_manager.using(options.database).exclude(**{field.name: ""})
            rows = rows.exclude(**{f"{field.name}__isnull": True})
            total += rows.count()
            names = rows.order_by("-pk").values_list(field.name, flat=True)
            if not options.all_files:
                names = names[: options.sample]
            for name in names.iterator(chunk_size=500):
                checked += 1
                if not field.storage.exists(name):
                    missing += 1
                    label = str(model._meta.verbose_name_plural)
                    missing_by_model[label] = missing_by_model.get(label, 0) + 1
    scope = (
        "tous"
        if options.all_files or checked == total
        else f"les {_count(options.sample)} plus récents de chaque sorte"
    )
    detail = f"{_count(checked)} vérifié(s) sur {_count(total)} ({scope})"
    if missing:
        where = ", ".join(f"{label} : {number}" for label, number in sorted(missing_by_model.items()))
        return [
            Result("Fichiers déposés", False, f"{detail}, {_count(missing)} absent(s) du stockage ({where}).")
        ]
    return [Result("Fichiers déposés", True, f"{detail}, aucun absent.")]
