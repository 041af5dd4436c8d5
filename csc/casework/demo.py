"""Demo social follow-up at the two demo centres: the demo social worker in every scope, a few lines of
situation, and a dozen invented periods with exchanges, actions, tasks (late and upcoming), budgets and
contacts, so that `social.arbrisseau@demo.csc.localhost` finds files to open and the figures have
something to count."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from csc.core.demo import DEMO_CENTRES, demo_email
from csc.core.models import Centre, User
from csc.people.models import HouseholdMember

from . import services
from .models import Period

SITUATION_FIELDS = [
    ("Situation professionnelle", "choice", "Salarié(e)\nDemandeur(se) d'emploi\nSans activité\nRetraité(e)"),
    ("Titre de séjour", "text", ""),
    ("Enfants à charge", "number", ""),
    ("Date d'arrivée dans la commune", "date", ""),
]
NOTES = [
    "Dossier de demande de logement social à mettre à jour ; pièces manquantes : avis d'imposition.",
    "Retard de loyer de deux mois ; contact pris avec le bailleur pour un plan d'apurement.",
    "Accompagnement à la création de l'espace personnel sur le site de la CAF.",
    "Renouvellement de la complémentaire santé solidaire : dossier complet, envoyé ce jour.",
    "Recherche d'emploi : CV refait ensemble, inscription à l'atelier du jeudi.",
]
ACTIONS = [
    ("Obtenir un logement adapté", "Logement"),
    ("Ouvrir les droits à la complémentaire santé", "Accès aux droits"),
    ("Stabiliser le budget du foyer", "Budget"),
    ("Reprendre une formation", "Emploi et insertion"),
]
TASKS = ["Relancer la CAF", "Appeler le bailleur", "Préparer la commission FSL", "Vérifier le dossier MDPH"]
PERIODS_PER_CENTRE = 12


def load(faker, stdout):
    rng = random.Random(2017)
    today = timezone.localdate()
    for slug in DEMO_CENTRES:
        centre = Centre.objects.filter(slug=slug).first()
        worker = User.objects.filter(email=demo_email("social", slug)).first()
        if centre is None or worker is None:
            continue
        services.ensure_defaults(centre)
        for scope in centre.casework_scopes.all():
            scope.workers.add(worker)
        if Period.objects.filter(centre=centre).exists():
            continue
        for position, (label, kind, choices) in enumerate(SITUATION_FIELDS, start=1):
            services.save_situation_field(
                centre,
                label=label,
                kind=kind,
                choices=choices,
                help_text="",
                position=position,
                is_active=True,
            )
        issues = {issue.name: issue for issue in centre.casework_issues.all()}
        scopes = list(centre.casework_scopes.all())
        doctor = services.save_third_party(centre, kind="doctor", name="Dr Lefebvre", phone="03 20 00 11 22")
        landlord = services.save_third_party(
            centre, kind="landlord", name="Service locataires", organisation="Lille Métropole Habitat"
        )
        adults = (
            HouseholdMember.objects.filter(household__centre=centre, relation="responsable")
            .select_related("person", "household")
            .order_by("pk")[:PERIODS_PER_CENTRE]
        )
        for index, membership in enumerate(adults):
            person = membership.person
            opened_on = today - timedelta(days=rng.randint(30, 400))
            action_title, issue_name = ACTIONS[index % len(ACTIONS)]
            period = services.open_period(
                centre,
                by=worker,
                persons=[person],
                scope=scopes[index % len(scopes)],
                referent=worker,
                origin=rng.choice(["spontaneous", "partner", "internal"]),
                issues=[issues[issue_name], issues["Budget"]]
                if issue_name != "Budget"
                else [issues["Budget"]],
                opened_on=opened_on,
                is_confidential=index % 6 == 5,
            )
            for _ in range(rng.randint(2, 6)):
                services.log_exchange(
                    period,
                    author=worker,
                    kind=rng.choice(["interview", "interview", "call", "home_visit", "online_procedure"]),
                    happened_on=opened_on + timedelta(days=rng.randint(0, (today - opened_on).days)),
                    duration_minutes=rng.choice([15, 30, 45, 60, 90]),
                    persons=[person],
                    notes=rng.choice(NOTES),
                )
            action = services.start_action(
                period,
                by=worker,
                title=action_title,
                issue=issues[issue_name],
                goals=rng.choice(NOTES),
                started_on=opened_on,
            )
            services.evaluate_action(action, by=worker, progress=rng.choice(["better", "some", "still"]))
            services.assign_task(
                period,
                by=worker,
                assignee=worker,
                title=TASKS[index % len(TASKS)],
                due_on=today + timedelta(days=rng.randint(-10, 20)),
            )
            services.add_budget_line(
                person,
                by=worker,
                direction="income",
                category=rng.choice(["rsa", "salary", "unemployment"]),
                monthly_amount=Decimal(rng.randint(500, 1400)),
                started_on=opened_on,
            )
            services.add_budget_line(
                person,
                by=worker,
                direction="charge",
                category="rent",
                monthly_amount=Decimal(rng.randint(300, 700)),
                started_on=opened_on,
            )
            services.link_contact(person, third_party=rng.choice([doctor, landlord]))
            if index % 4 == 3:
                services.end_action(action, result="achieved")
                services.close_period(period, reason="goals_met")
        stdout.write(f"Accompagnement social : {len(adults)} parcours de démonstration à {centre.name}.")
