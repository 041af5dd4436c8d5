"""The monthly report of the CAF « Point relais / Point numérique » agreement, from the reception's help
log and the kiosk's counts: how many people were helped, for which organisation and which procedure,
how many computer aids, how many were referred to the organisation and why, and how the kiosk was
used on its own. Per centre, and rolled up by territory for coordinators.

Anonymous counts only: no line names a person. « Personnes aidées » counts the helps recorded (one per
person and visit): the log is anonymous by default, so the same person coming twice counts twice, as
the CAF's own forms count « accompagnements ».
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from csc.activities.reports.queries import CentreInfo, TerritoryBlock, territory_blocks

from .models import AssistedProcedure, KioskEvent, Organisation
from .stats import bounds

AP = AssistedProcedure


@dataclass
class Figures:
    helped: int = 0
    computer_help: int = 0
    referred: int = 0
    kiosk_visits: int = 0

    def add(self, other: Figures) -> None:
        self.helped += other.helped
        self.computer_help += other.computer_help
        self.referred += other.referred
        self.kiosk_visits += other.kiosk_visits


@dataclass
class OrganisationLine:
    label: str
    helped: int
    referred: int
    kinds: list[tuple[str, int]]
    reasons: list[tuple[str, int]]


@dataclass
class CafReport:
    start: date
    end: date
    totals: Figures
    organisations: list[OrganisationLine]
    kinds: list[tuple[str, int]]
    autonomy: list[tuple[str, int]]
    durations: list[tuple[str, int]]
    reasons: list[tuple[str, int]]


def _helps(centre_ids: Iterable[int], start: date, end: date):
    return AP.objects.filter(centre_id__in=list(centre_ids), day__gte=start, day__lte=end)


def _visits(centre_ids: Iterable[int], start: date, end: date) -> Counter:
    since, until = bounds(start, end)
    rows = (
        KioskEvent.objects.filter(centre_id__in=list(centre_ids), kind=KioskEvent.Kind.VISIT)
        .filter(at__gte=since, at__lt=until)
        .values("centre_id")
        .annotate(number=Count("id"))
        .order_by()
    )
    return Counter({row["centre_id"]: row["number"] for row in rows})


def _labelled(counter: Counter, choices) -> list[tuple[str, int]]:
    """Every choice in its declared order, zeros included: a report reads the same every month."""
    return [(label, counter[value]) for value, label in choices]


def caf_report(centre_ids: Iterable[int], start: date, end: date) -> CafReport:
    """The report of one centre (or of several added together). Three queries."""
    centre_ids = list(centre_ids)
    by_org: dict[str, dict] = {}
    kinds, autonomy, durations, reasons = Counter(), Counter(), Counter(), Counter()
    totals = Figures()
    rows = (
        _helps(centre_ids, start, end)
        .values("organisation", "kind", "autonomy", "duration", "referral_reason")
        .annotate(number=Count("id"), computer=Count("id", filter=Q(computer_help=True)))
        .order_by()
    )
    for row in rows:
        number = row["number"]
        org = by_org.setdefault(
            row["organisation"], {"helped": 0, "referred": 0, "kinds": Counter(), "reasons": Counter()}
        )
        org["helped"] += number
        org["kinds"][row["kind"]] += number
        totals.helped += number
        totals.computer_help += row["computer"]
        kinds[row["kind"]] += number
        autonomy[row["autonomy"]] += number
        durations[row["duration"]] += number
        if row["referral_reason"]:
            org["referred"] += number
            org["reasons"][row["referral_reason"]] += number
            reasons[row["referral_reason"]] += number
            totals.referred += number
    totals.kiosk_visits = sum(_visits(centre_ids, start, end).values())
    organisations = [
        OrganisationLine(
            label,
            by_org[value]["helped"],
            by_org[value]["referred"],
            [(k_label, n) for k_label, n in _labelled(by_org[value]["kinds"], AP.Kind.choices) if n],
            [(r_label, n) for r_label, n in _labelled(by_org[value]["reasons"], AP.Referral.choices) if n],
        )
        for value, label in Organisation.choices
        if value in by_org
    ]
    return CafReport(
        start=start,
        end=end,
        totals=totals,
        organisations=organisations,
        kinds=_labelled(kinds, AP.Kind.choices),
        autonomy=_labelled(autonomy, AP.Autonomy.choices),
        durations=_labelled(durations, AP.Duration.choices),
        reasons=_labelled(reasons, AP.Referral.choices),
    )


@dataclass
class NetworkCafReport:
    start: date
    end: date
    territories: list[TerritoryBlock]  # of Figures
    totals: Figures
    overall: CafReport


def network_caf_report(centres: Iterable[CentreInfo], start: date, end: date) -> NetworkCafReport:
    """One line per centre (zeros included), territory subtotals, totals, and the details of all the
    centres added together. Five queries whatever the number of centres."""
    centres = list(centres)
    centre_ids = [c.centre_id for c in centres]
    per_centre = {c.centre_id: Figures() for c in centres}
    rows = (
        _helps(centre_ids, start, end)
        .values("centre_id")
        .annotate(
            number=Count("id"),
            computer=Count("id", filter=Q(computer_help=True)),
            referred=Count("id", filter=~Q(referral_reason="")),
        )
        .order_by()
    )
    for row in rows:
        figures = per_centre[row["centre_id"]]
        figures.helped, figures.computer_help, figures.referred = (
            row["number"],
            row["computer"],
            row["referred"],
        )
    for centre_id, number in _visits(centre_ids, start, end).items():
        per_centre[centre_id].kiosk_visits = number
    territories, totals = territory_blocks(centres, per_centre, Figures)
    return NetworkCafReport(start, end, territories, totals, caf_report(centre_ids, start, end))
