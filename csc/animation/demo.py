"""Anim'connect's demo data: a pedagogical project in every centre, about 150 activity sheets (originals
shared with the network, copies adapted by other centres, drafts), a few comments and favourites, and
the plannings of the demo centres for the coming holidays — published for one, in preparation for the
other, so that both states can be seen."""

from __future__ import annotations

import random

from django.utils import timezone

from csc.activities.models import Activity, Period
from csc.core.demo import DEMO_CENTRES, ROLE_LOGIN_NAMES, demo_email
from csc.core.models import Centre, User
from csc.core.roles import Role

from . import project, sheets
from .demo_content import GENERAL_OBJECTIVES, SHEETS
from .models import (
    ActivitySheet,
    Objective,
    Planning,
    PlanningEntry,
    SheetComment,
    SheetFavourite,
    SheetVersion,
)
from .search import refresh_search_columns

COPIES_PER_CENTRE = 7
DRAFTS_PER_CENTRE = 2
DRAFT_IDEAS = [
    "Idée : olympiades de fin de séjour",
    "Idée : atelier bijoux en capsules",
    "Idée : cinéma en plein air",
    "Idée : kermesse des familles",
    "Idée : rallye photo du quartier",
    "Idée : atelier slam",
]


def _user(role: str, slug: str) -> User | None:
    return User.objects.filter(email=demo_email(ROLE_LOGIN_NAMES[role], slug)).first()


def _project(centre: Centre) -> list[Objective]:
    """The centre's project; returns its general objectives in the order of GENERAL_OBJECTIVES."""
    centre_project = project.get_or_create_project(centre)
    centre_project.introduction = (
        "Un accueil où chaque enfant trouve sa place, choisit, coopère et découvre le monde qui l'entoure, "
        "avec les familles et les habitants du quartier."
    )
    centre_project.save()
    generals = []
    for text, operational in GENERAL_OBJECTIVES:
        general = project.add_objective(centre_project, text=text, level="general", user=None)
        for detail in operational:
            project.add_objective(
                centre_project, text=detail, level="operationnel", parent=general, user=None
            )
        generals.append(general)
    return generals


def _sheet(row, *, centre, author, **extra) -> tuple[ActivitySheet, list[int]]:
    (title, kind, min_age, max_age, duration, preparation, group_min, group_max, summary, materials, steps,
     variants, safety, aims) = row  # fmt: skip
    sheet = ActivitySheet.objects.create(
        centre=centre,
        author=author,
        title=title,
        kind=kind,
        min_age=min_age,
        max_age=max_age,
        duration_minutes=duration,
        preparation_minutes=preparation,
        group_min=group_min,
        group_max=group_max,
        summary=summary,
        materials=materials,
        steps=steps,
        variants=variants,
        safety_notes=safety,
        status=ActivitySheet.Status.PUBLISHED,
        **extra,
    )
    return sheet, aims


def load(faker, stdout):
    if ActivitySheet.objects.exists():
        stdout.write("Fiches d'activité déjà présentes.")
        return
    rng = random.Random(2017)
    centres = list(Centre.objects.order_by("slug"))
    objectives = {centre.pk: _project(centre) for centre in centres}
    authors = {
        centre.pk: _user(Role.ANIMATOR, centre.slug) or _user(Role.COORDINATOR, centre.slug)
        for centre in centres
    }
    links: list[tuple[ActivitySheet, list[int]]] = []
    originals = []
    for index, row in enumerate(SHEETS):
        centre = centres[index % len(centres)]
        sheet, aims = _sheet(
            row, centre=centre, author=authors[centre.pk], visibility=ActivitySheet.Visibility.NETWORK
        )
        originals.append(sheet)
        links.append((sheet, aims))
    for centre in centres:
        others = [s for s in originals if s.centre_id != centre.pk]
        for original in rng.sample(others, COPIES_PER_CENTRE):
            row = SHEETS[originals.index(original)]
            copy, aims = _sheet(row, centre=centre, author=authors[centre.pk], copied_from=original)
            links.append((copy, aims))
        for title in rng.sample(DRAFT_IDEAS, DRAFTS_PER_CENTRE):
            ActivitySheet.objects.create(
                centre=centre, author=authors[centre.pk], title=title, status=ActivitySheet.Status.DRAFT
            )
    through = ActivitySheet.objectives.through
    through.objects.bulk_create(
        through(activitysheet_id=sheet.pk, objective_id=objectives[sheet.centre_id][aim].pk)
        for sheet, aims in links
        for aim in aims
    )
    _comments_and_favourites(originals, authors, rng)
    refresh_search_columns(ActivitySheet.objects.values_list("pk", flat=True))
    # Their first version, as the sheets service writes it: the history starts with the sheet.
    SheetVersion.objects.bulk_create(
        SheetVersion(sheet=sheet, number=1, author=sheet.author, content=sheets.snapshot(sheet))
        for sheet in ActivitySheet.objects.select_related("author")
    )
    plannings = _plannings()
    stdout.write(
        f"{ActivitySheet.objects.count()} fiches d'activité, {Objective.objects.count()} objectifs, "
        f"{plannings} plannings des vacances."
    )


def _comments_and_favourites(originals, authors, rng):
    remarks = [
        "Testée mercredi avec les 6-8 ans : un vrai succès, prévoir plus de temps pour ranger.",
        "Nous l'avons faite avec les familles, les parents ont adoré.",
        "Astuce : préparer le matériel par table avant l'arrivée des enfants.",
    ]
    for sheet in originals[:10]:
        commenters = [pk for pk, user in authors.items() if user and pk != sheet.centre_id]
        if not commenters:
            continue
        centre_id = rng.choice(commenters)
        SheetComment.objects.create(
            sheet=sheet, author=authors[centre_id], centre_id=centre_id, text=rng.choice(remarks)
        )
    for user in authors.values():
        if user is None:
            continue
        for sheet in rng.sample(originals, 4):
            SheetFavourite.objects.get_or_create(user=user, sheet=sheet)


def _plannings() -> int:
    """The coming holidays of the demo centres' leisure centres, morning and afternoon for every group."""
    today = timezone.localdate()
    made = 0
    for slug in DEMO_CENTRES:
        centre = Centre.objects.filter(slug=slug).first()
        period = (
            Period.objects.filter(
                activity__centre=centre,
                activity__kind=Activity.Kind.LEISURE_CENTRE,
                kind=Period.Kind.HOLIDAYS,
                days__date__gte=today,
            )
            .order_by("days__date")
            .select_related("activity")
            .first()
        )
        if centre is None or period is None:
            continue
        planning = _holiday_planning(centre, period)
        made += 1
        if slug == DEMO_CENTRES[0]:
            from .plannings import publish_planning

            publish_planning(planning, user=_user(Role.COORDINATOR, slug))
    return made


def _holiday_planning(centre: Centre, period: Period) -> Planning:
    days = list(period.days.order_by("date").values_list("date", flat=True))
    planning = Planning.objects.create(
        centre=centre,
        activity=period.activity,
        period=period,
        kind=Planning.Kind.PERIOD,
        title=f"Programme — {period.name}",
        starts_on=days[0],
        ends_on=days[-1],
        created_by=_user(Role.COORDINATOR, centre.slug),
    )
    sheets = list(
        ActivitySheet.objects.readable_in(centre.pk)
        .filter(status=ActivitySheet.Status.PUBLISHED, min_age__isnull=False)
        .exclude(kind=ActivitySheet.Kind.OUTING)
        .order_by("id")
    )
    # One adult per group, as on a real holiday: the warnings stay for real mistakes. The demo keeps one,
    # the animator also placed with the middle group on the first afternoon, to show what it looks like.
    team = [_user(role, centre.slug) for role in (Role.ANIMATOR, Role.DIGITAL_MEDIATOR, Role.COORDINATOR)]
    rng = random.Random(centre.pk)
    entries, animators = [], []
    for group_index, group in enumerate(period.activity.groups.order_by("min_age")):
        fitting = [s for s in sheets if s.min_age <= group.max_age and (s.max_age or 99) >= group.min_age]
        for day in days:
            for slot in (PlanningEntry.Slot.MORNING, PlanningEntry.Slot.AFTERNOON):
                sheet = rng.choice(fitting) if fitting else None
                entries.append(
                    PlanningEntry(
                        planning=planning,
                        centre=centre,
                        group=group,
                        date=day,
                        slot=slot,
                        sheet=sheet,
                        title=sheet.title if sheet else "Jeux libres",
                    )
                )
                assigned = [team[group_index % len(team)]]
                if group_index == 1 and day == days[0] and slot == PlanningEntry.Slot.AFTERNOON:
                    assigned.append(team[0])
                animators.append([user for user in assigned if user is not None])
    PlanningEntry.objects.bulk_create(entries)
    through = PlanningEntry.animators.through
    through.objects.bulk_create(
        through(planningentry_id=entry.pk, user_id=user.pk)
        for entry, users in zip(entries, animators, strict=True)
        for user in users
    )
    return planning
