"""Fictional but realistic coach workbooks, generated deterministically.

Used as the bundled examples (``workbook_template/exempel/``, written by ``scripts/make-template``),
by tests and by the benchmarks (``scripts/bench_data.py`` asks for its own sizes). Part of the
build, not of the package: the wheel does not carry it.
Everything is drawn from a seeded ``random.Random``, so the same arguments give the same bytes.
No row describes a real person: referral numbers are ``ÅÅÅÅ-nnn``, participants ``D-nnn``.

``Vaggeryd_2023`` follows the published facts of Hälsocenter Vaggeryd 2023 (81 FaR prescriptions,
89 first conversations, 167 / 152 since the start in 2021, four steering-group meetings, 12 and
14 unique participants in the FaR and LSS training groups, 227 training hours in the FaR group,
two diet courses with 5 and 6 participants, four spontaneous visits and the plan's activities).
"""

from __future__ import annotations

import calendar
import os
import random
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from halsocenter.core import contract as C
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.xlsx import template

EXAMPLES: tuple[tuple[str, int], ...] = (
    ("Vaggeryd", 2023), ("Vaggeryd", 2024), ("Värnamo", 2024), ("Eksjö", 2024), ("Gislaved", 2024),
)  # fmt: skip
"""The bundled example workbooks, written as ``<Kommun>_<År>.xlsx``."""

@dataclass(frozen=True)
class Hub:
    """A fictional hub: when it opened and how many FaR prescriptions a year it gets."""

    start: date
    far: int


HUBS = {
    "Vaggeryd": Hub(date(2021, 10, 25), 81),
    "Värnamo": Hub(date(2019, 3, 4), 140),
    "Eksjö": Hub(date(2020, 9, 1), 95),
    "Gislaved": Hub(date(2022, 2, 7), 110),
}
DEFAULT_HUB = Hub(date(2020, 1, 13), 80)

# List values by meaning; every one is checked against the contract's lists at import.
L = {k: lst.values for k, lst in ((lst.key, lst) for lst in C.LISTS)}
MONTH_WEIGHTS = (1.1, 1.1, 1.1, 1.0, 1.0, 0.8, 0.3, 0.8, 1.1, 1.1, 1.1, 0.6)
KON_WEIGHTS = {"Kvinna": 64, "Man": 34, "Annat": 1, "Uppgift saknas": 1}
ALDER_WEIGHTS = {"under 18": 1, "18–29": 8, "30–44": 20, "45–64": 42, "65–79": 25, "80+": 4}
FOKUS_WEIGHTS = {"Fysisk aktivitet": 60, "Flera levnadsvanor": 15, "Matvanor": 10,
                 "Stress och återhämtning": 7, "Sömn": 4, "Socialt sammanhang": 3,
                 "Tobak och alkohol": 1}  # fmt: skip
TRANING_WEIGHTS = (35, 30, 15, 10, 5, 5)
VARDAG_WEIGHTS = (10, 20, 25, 20, 12, 10, 3)
SLUSS_WEIGHTS = {"Förening": 30, "Gym/träningsanläggning": 35, "Hälsocenter-grupp": 20,
                 "Bibliotek": 4, "Studieförbund": 6, "Annat": 5}  # fmt: skip
REFERRAL_COMMENTS = (
    "Vill börja i grupp.", "Önskar träna på kvällstid.", "Anpassad träning efter knäoperation.",
    "Intresserad av promenadgruppen.", "Behöver stöd att komma igång efter sjukskrivning.",
    "Vill ha tips om föreningar nära hemmet.", "Samtal via tolk.", "Har provat gym tidigare.",
    "Fokus på sömn och återhämtning.", "Önskar kostråd.",
)  # fmt: skip
FOLLOWUP_COMMENTS = (
    "Tränar nu två gånger i veckan.", "Går dagliga promenader.", "Har börjat i vattengympa.",
    "Svårt att komma igång, nytt samtal bokat.", "Nöjd med gruppträningen.",
    "Har köpt gymkort.", "Cyklar till arbetet.",
)  # fmt: skip
STEERING_NOTES = (
    "Genomgång av statistik och verksamhetsplan.", "Uppföljning av träningsgrupperna.",
    "Planering inför hösten och samverkan med föreningar.",
    "Verksamhetsberättelse och plan för nästa år.",
)  # fmt: skip


def _check_lists() -> None:
    for weights, key in ((KON_WEIGHTS, "kon"), (ALDER_WEIGHTS, "aldersgrupp"),
                         (FOKUS_WEIGHTS, "levnadsvana"), (SLUSS_WEIGHTS, "slussad")):  # fmt: skip
        assert set(weights) <= set(L[key]), key


_check_lists()


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def _seed(kommun: str, year: int) -> int:
    return zlib.crc32(f"{kommun}:{year}".encode())


HOLIDAYS = {(1, 1), (1, 6), (5, 1), (6, 6), (12, 24), (12, 25), (12, 26), (12, 31)}
"""Fixed-date Swedish holidays (month, day) on which the hub is closed."""


def _closed(d: date) -> bool:
    return d.weekday() >= 5 or (d.month, d.day) in HOLIDAYS


def _workday(d: date) -> date:
    """The next open day in the same year, else the previous one."""
    step = timedelta(days=1)
    ahead = d
    while _closed(ahead) and ahead.year == d.year:
        ahead += step
    if ahead.year == d.year:
        return ahead
    while _closed(d):
        d -= step
    return d


def _random_day(rng: random.Random, year: int, months=range(1, 13), weights=MONTH_WEIGHTS) -> date:
    month = rng.choices(list(months), weights=[weights[m - 1] for m in months])[0]
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    return _workday(date(year, month, day))


def _weekly(year: int, weekday: int, weeks) -> list[date]:
    """ISO weekday (1 = Monday) of each ISO week in ``weeks``, skipping week numbers that do
    not exist in that year."""
    out = []
    for w in weeks:
        try:
            out.append(date.fromisocalendar(year, w, weekday))
        except ValueError:
            continue
    return [d for d in out if d.year == year]


VT = range(3, 24)  # spring term, ISO weeks
HT = range(34, 51)  # autumn term


# --------------------------------------------------------------------------- referrals


@dataclass
class _Person:
    lopnummer: str
    inkom: date
    typ: str
    utfall: str = C.UTFALL_GENOMFORT
    forsta: date | None = None
    traning: int | None = None
    vardag: int | None = None
    row: dict[str, Any] = field(default_factory=dict)


def _base_row(rng: random.Random, p: _Person) -> dict[str, Any]:
    if p.typ == C.TYP_FAR:
        remittent = rng.choices(("Vårdcentral", "Annan vårdgivare", "Kommun"), (93, 6, 1))[0]
    elif p.typ == "Egen kontakt":
        remittent = "Egen kontakt"
    else:
        remittent = rng.choice(("Annan vårdgivare", "Kommun", "Förening/civilsamhälle", "Övrigt"))
    return {
        "lopnummer": p.lopnummer, "inkom": p.inkom, "typ": p.typ, "remittent": remittent,
        "kon": _pick(rng, KON_WEIGHTS), "aldersgrupp": _pick(rng, ALDER_WEIGHTS),
        "fokus": _pick(rng, FOKUS_WEIGHTS), "utfall": p.utfall,
        "kommentar": rng.choice(REFERRAL_COMMENTS) if rng.random() < 0.12 else None,
    }  # fmt: skip


def _start_levels(rng: random.Random, p: _Person) -> None:
    if rng.random() < 0.92:
        p.traning = rng.choices(range(len(TRANING_WEIGHTS)), TRANING_WEIGHTS)[0]
        p.vardag = rng.choices(range(len(VARDAG_WEIGHTS)), VARDAG_WEIGHTS)[0]


def _improve(rng: random.Random, level: int | None, top: int) -> int | None:
    if level is None:
        return None
    step = rng.choices((-1, 0, 1, 2), (8, 37, 40, 15))[0]
    return max(0, min(top, level + step))


@dataclass
class _ReferralPlan:
    far: int
    other: int
    carry_wait: int  # previous year's referrals whose first talk is early this year
    carry_open: int  # previous year's referrals still in follow-up this year
    genomfort: int | None = None  # this year's referrals with a first talk (None: ~88 %)
    pending: tuple[str, ...] = (C.UTFALL_BOKAT, C.UTFALL_VANTAR, C.UTFALL_BOKAT)
    lost: Mapping[str, float] = field(default_factory=lambda: {
        C.UTFALL_UTEBLEV: 5, C.UTFALL_TACKADE_NEJ: 3, C.UTFALL_EJ_NABAR: 1})
    followups: int | None = None  # exact number of follow-ups (None: natural drop-out)
    prev_total: int | None = None  # referrals last year, so carried numbers stay within it


def _referrals(rng: random.Random, year: int, plan: _ReferralPlan
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    """Rows for Remisser and Uppföljningar."""
    year_end = date(year, 12, 31)
    n = plan.far + plan.other
    others = ["Annan remiss" if rng.random() < 0.55 else "Egen kontakt" for _ in range(plan.other)]
    types = [C.TYP_FAR] * plan.far + others
    rng.shuffle(types)
    days = sorted(_random_day(rng, year) for _ in range(n))
    width = max(3, len(str(n)))
    people = [_Person(f"{year}-{i:0{width}d}", d, t)
              for i, (d, t) in enumerate(zip(days, types, strict=True), start=1)]  # fmt: skip

    # Outcomes: the last few referrals of the year are still waiting; of the rest, a set number
    # (or ~88 %) had their first talk and the others were lost (only FaR ones, which get a Retur).
    n_pending = min(len(plan.pending), n)
    for p, utfall in zip(people[n - n_pending:], plan.pending, strict=True):
        p.utfall = utfall
    settled = people[: n - n_pending]
    far_settled = [p for p in settled if p.typ == C.TYP_FAR]
    n_done = plan.genomfort if plan.genomfort is not None else round(len(settled) * 0.88)
    n_lost = max(0, min(len(settled) - n_done, len(far_settled)))
    for p in rng.sample(far_settled, n_lost):
        p.utfall = _pick(rng, plan.lost)

    # Previous year's people: waiting over the new year, and still being followed up.
    prev_n = max(plan.prev_total or n, plan.carry_wait + plan.carry_open + 1)
    prev_numbers = sorted(rng.sample(range(1, prev_n - plan.carry_wait + 1), plan.carry_open))
    prev_numbers += list(range(prev_n - plan.carry_wait + 1, prev_n + 1))
    prev_dates = sorted(_random_day(rng, year - 1, range(2, 11)) for _ in range(plan.carry_open))
    prev_dates += sorted(_workday(min(date(year - 1, 11, 20) + timedelta(days=rng.randint(0, 40)),
                                      date(year - 1, 12, 30))) for _ in range(plan.carry_wait))
    carried = [_Person(f"{year - 1}-{num:0{width}d}", d,
                       C.TYP_FAR if rng.random() < 0.9 else "Egen kontakt")
               for num, d in zip(prev_numbers, prev_dates, strict=True)]  # fmt: skip

    rows, candidates = [], []
    for idx, p in enumerate(carried + people):
        row = _base_row(rng, p)
        is_wait = plan.carry_open <= idx < plan.carry_open + plan.carry_wait
        if p.utfall == C.UTFALL_GENOMFORT:
            if is_wait:
                p.forsta = _workday(date(year, 1, 8) + timedelta(days=rng.randint(0, 35)))
            else:
                wait = rng.randint(6, 35)
                p.forsta = min(_workday(p.inkom + timedelta(days=wait)), year_end)
                if p.forsta < p.inkom:
                    p.forsta = p.inkom
            _start_levels(rng, p)
            row["forsta_samtal"] = p.forsta
            row["traning_start"] = L["traning"][p.traning] if p.traning is not None else None
            row["vardag_start"] = L["vardagsaktivitet"][p.vardag] if p.vardag is not None else None
            if rng.random() < 0.35:
                row["slussad_till"] = _pick(rng, SLUSS_WEIGHTS)
            candidates.extend(_followup_candidates(rng, year, p))
        elif p.utfall in plan.lost:
            retur = min(_workday(p.inkom + timedelta(days=rng.randint(12, 40))), year_end)
            row["retur"] = row["avslutad"] = max(retur, p.inkom)
        p.row = row
        rows.append(row)

    if plan.followups is None:
        chosen = [c for c in candidates if c[0]]
    else:
        chosen = rng.sample(candidates, min(plan.followups, len(candidates)))
    chosen.sort(key=lambda c: (c[2]["datum"], c[2]["lopnummer"]))
    followups = [c[2] for c in chosen]
    last_fu: dict[str, dict[str, Any]] = {}
    for fu in followups:
        last_fu[fu["lopnummer"]] = fu
    for p in carried + people:
        if p.forsta is None:
            continue
        fu = last_fu.get(p.lopnummer)
        if fu and fu["tidpunkt"] == "12 mån":
            p.row["avslutad"] = fu["datum"]
        elif fu is None and p.forsta + timedelta(days=290) <= year_end and rng.random() < 0.7:
            # A carried-over referral was still open on 1 January, so it closes this year.
            closed = max(p.forsta + timedelta(days=rng.randint(240, 290)),
                         date(year, 1, 9) + timedelta(days=rng.randint(0, 30)))
            p.row["avslutad"] = _workday(closed)
    return rows, followups


def _followup_candidates(rng: random.Random, year: int, p: _Person) -> list[tuple]:
    """(kept by natural drop-out?, months, row) for each follow-up due within the year."""
    out = []
    traning, vardag = p.traning, p.vardag
    stay = 1.0
    for tidpunkt, months in C.TIDPUNKT_MONTHS.items():
        when = _workday(p.forsta + timedelta(days=round(months * 30.44) + rng.randint(-10, 14)))
        stay *= (0.8, 0.8, 0.75)[(3, 6, 12).index(months)]
        kept = rng.random() < stay
        traning = _improve(rng, traning, len(TRANING_WEIGHTS) - 1)
        vardag = _improve(rng, vardag, len(VARDAG_WEIGHTS) - 1)
        if when.year != year:
            continue
        row = {
            "lopnummer": p.lopnummer, "datum": when, "tidpunkt": tidpunkt,
            "traning": L["traning"][traning] if traning is not None else None,
            "vardag": L["vardagsaktivitet"][vardag] if vardag is not None else None,
            "slussad_till": _pick(rng, SLUSS_WEIGHTS) if rng.random() < 0.15 else None,
            "kommentar": rng.choice(FOLLOWUP_COMMENTS) if rng.random() < 0.1 else None,
        }  # fmt: skip
        out.append((kept, months, row))
    return out


# --------------------------------------------------------------------------- activities


@dataclass
class _Activity:
    name: str
    fokus: str
    typ: str
    malgrupp: str | None
    timmar: float
    dates: list[date]
    deltagare: tuple[int, int] | list[int] = (4, 10)
    pool: int = 0  # > 0: attendance is kept with this many pseudonymous participants
    samarbetspart: str | None = None
    kommentar: str | None = None


def _spread(rng: random.Random, total: int, n: int, low: int, high: int) -> list[int]:
    """``n`` counts in [low, high] that sum to ``total``."""
    if not low * n <= total <= high * n:
        raise ValueError(f"cannot spread {total} over {n} sessions in [{low}, {high}]")
    counts = [low] * n
    rest = total - low * n
    while rest:
        i = rng.randrange(n)
        if counts[i] < high:
            counts[i] += 1
            rest -= 1
    return counts


def _sessions(rng: random.Random, activities: list[_Activity], first_id: int = 1
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    """Rows for Aktiviteter and Närvaro. Attendance rows per session equal its Deltagare, and
    every participant of a group's pool comes at least once."""
    sessions, attendance = [], []
    next_id = first_id
    for act in activities:
        n = len(act.dates)
        if isinstance(act.deltagare, list):
            counts = list(act.deltagare)
        else:
            counts = [rng.randint(*act.deltagare) for _ in range(n)]
        if act.pool:
            counts = [min(c, act.pool) for c in counts]
            ids = [f"D-{i:03d}" for i in range(next_id, next_id + act.pool)]
            next_id += act.pool
            keen = [rng.uniform(0.3, 1.0) for _ in ids]
            lists = []
            for k in counts:
                order = sorted(range(len(ids)), key=lambda i: rng.random() ** (1 / keen[i]),
                               reverse=True)  # fmt: skip
                lists.append(set(order[:k]))
            seen: dict[int, int] = {}
            for chosen in lists:
                for i in chosen:
                    seen[i] = seen.get(i, 0) + 1
            for missing in (i for i in range(len(ids)) if i not in seen):
                for chosen in rng.sample(lists, len(lists)):
                    spare = [i for i in chosen if seen[i] > 1]
                    if spare:
                        out = rng.choice(sorted(spare))
                        chosen.discard(out)
                        seen[out] -= 1
                        chosen.add(missing)
                        seen[missing] = 1
                        break
        for s, day in enumerate(act.dates):
            sessions.append({
                "datum": day, "aktivitet": act.name, "fokusomrade": act.fokus, "typ": act.typ,
                "deltagare": counts[s], "timmar": act.timmar, "malgrupp": act.malgrupp,
                "samarbetspart": act.samarbetspart, "kommentar": act.kommentar if s == 0 else None,
            })  # fmt: skip
            if act.pool:
                attendance.extend({"datum": day, "aktivitet": act.name, "deltagar_id": ids[i]}
                                  for i in sorted(lists[s]))  # fmt: skip
    sessions.sort(key=lambda r: (r["datum"], r["aktivitet"]))
    attendance.sort(key=lambda r: (r["datum"], r["aktivitet"], r["deltagar_id"]))
    return sessions, attendance


FA, MAT, STRESS, GEMENSKAP, SPONTANT, FORELASN = C.LIST_BY_KEY["fokusomrade"].values
assert (SPONTANT, FORELASN) == ("Spontana besök", "Föreläsningar")


def _vaggeryd_2023_activities(rng: random.Random) -> list[_Activity]:
    y = 2023
    far_dates = _weekly(y, 2, [w for w in (*VT, *HT) if w not in (15, 20, 44)])
    return [
        _Activity("FaR träningsgrupp", FA, "Träningsgrupp", "FaR-deltagare", 1.0, far_dates,
                  _spread(rng, 227, len(far_dates), 3, 10), pool=12,
                  samarbetspart="Fritidsförvaltningen",
                  kommentar="För den som står längst från gym och förening."),
        _Activity("LSS träningsgrupp", FA, "Träningsgrupp", "LSS", 1.0, _weekly(y, 4, HT),
                  (6, 11), pool=14, samarbetspart="Daglig verksamhet",
                  kommentar="Lokalhyra betald med stiftelsebidrag."),
        _Activity("Träningsgrupp AME", FA, "Träningsgrupp", "AME", 1.0,
                  _weekly(y, 3, range(38, 44)), (5, 8), samarbetspart="Arbetsmarknadsenheten"),
        _Activity("Hälsosamma matvanor", MAT, "Kurs", "Allmänhet", 2.0, [date(y, 3, 14)], [5],
                  samarbetspart="Studieförbund"),
        _Activity("Hälsosamma matvanor", MAT, "Kurs", "AME", 2.0, [date(y, 10, 17)], [6],
                  samarbetspart="Arbetsmarknadsenheten"),
        _Activity("Gemensam XRunda", GEMENSKAP, "Promenad", "Allmänhet", 1.5,
                  [date(y, 5, 13), date(y, 6, 10), date(y, 8, 26), date(y, 9, 23)], (4, 14),
                  samarbetspart="Samhällsföreningen"),
        _Activity("Suicidprevention – Att välja livet", GEMENSKAP, "Kurs", "Allmänhet", 3.0,
                  [date(y, 10, 4), date(y, 10, 11), date(y, 10, 18)], (8, 12),
                  samarbetspart="Recovery College"),
        _Activity("Föreläsning Jacob Gudiol", FORELASN, "Föreläsning", "Allmänhet", 1.5,
                  [date(y, 9, 19)], [72], samarbetspart="Biblioteket", kommentar="Kvällstid."),
        _Activity("Föreläsning Jacob Gudiol", FORELASN, "Föreläsning", "Elever", 1.0,
                  [date(y, 9, 20)], [400], samarbetspart="Gymnasieskolan",
                  kommentar="Dagtid för elever."),
        _Activity("Presentation av Hälsocenter", FORELASN, "Föreläsning", "Föreningar", 1.0,
                  [date(y, 2, 21), date(y, 4, 18), date(y, 9, 5), date(y, 11, 14)], (8, 30)),
        _Activity("Seniorveckan", FORELASN, "Evenemang", "Seniorer", 3.0, [date(y, 10, 3)], [45],
                  samarbetspart="Aktivitetssamordnare för äldre"),
        _Activity("Bok och Hopp", FA, "Evenemang", "Allmänhet", 1.0,
                  [date(y, 4, 15), date(y, 11, 11)], (15, 30), samarbetspart="Biblioteket"),
        _Activity("Spontana besök", SPONTANT, "Spontant besök", "Allmänhet", 0.5,
                  sorted(_random_day(rng, y) for _ in range(4)), [1, 1, 1, 1]),
    ]  # fmt: skip


def _generic_activities(rng: random.Random, kommun: str, year: int) -> list[_Activity]:
    spontaneous = sorted({_random_day(rng, year) for _ in range(rng.randint(3, 14))})
    acts = [
        _Activity("FaR träningsgrupp", FA, "Träningsgrupp", "FaR-deltagare", 1.0,
                  _weekly(year, rng.randint(1, 4), (*VT, *HT)), (3, 11), pool=rng.randint(10, 18),
                  samarbetspart="Fritidsförvaltningen"),
        _Activity("Promenadgrupp", FA, "Promenad", "Allmänhet", 1.0,
                  _weekly(year, 5, range(15, 40)), (3, 12), samarbetspart="Friluftsfrämjandet"),
        _Activity("Hälsosamma matvanor", MAT, "Kurs", "Allmänhet", 2.0,
                  _weekly(year, 3, range(9, 14)) + _weekly(year, 3, range(40, 45)), (5, 10),
                  samarbetspart="Studieförbund"),
        _Activity("Stresshantering i vardagen", STRESS, "Kurs", "Allmänhet", 2.0,
                  _weekly(year, 2, range(37, 41)), (6, 12)),
        _Activity("Samtalscafé", GEMENSKAP, "Samtalsgrupp", "Allmänhet", 1.5,
                  [_workday(date(year, m, 10)) for m in (1, 2, 3, 4, 5, 9, 10, 11, 12)], (4, 10),
                  samarbetspart="Svenska kyrkan"),
        _Activity("Föreläsning om sömn", FORELASN, "Föreläsning", "Allmänhet", 1.5,
                  [_workday(date(year, 3, 20))], (25, 90), samarbetspart="Biblioteket"),
        _Activity("Föreläsning om rörelse i vardagen", FORELASN, "Föreläsning", "Seniorer", 1.5,
                  [_workday(date(year, 10, 2))], (30, 120)),
        _Activity("Spontana besök", SPONTANT, "Spontant besök", "Allmänhet", 0.5, spontaneous,
                  [1] * len(spontaneous)),
    ]  # fmt: skip
    if rng.random() < 0.7 or kommun == "Vaggeryd":
        acts.append(_Activity("LSS träningsgrupp", FA, "Träningsgrupp", "LSS", 1.0,
                              _weekly(year, 4, VT if kommun == "Vaggeryd" else (*VT, *HT)),
                              (5, 11), pool=rng.randint(9, 15),
                              samarbetspart="Daglig verksamhet"))  # fmt: skip
    return acts


def _big_activities(rng: random.Random, year: int, sessions: int, attendance: int
                    ) -> list[_Activity]:  # fmt: skip
    """Many weekly groups: about 70 % of sessions keep attendance, which sums to ``attendance``."""
    weeks = [w for w in range(2, 52) if w not in (28, 29, 30, 31)]
    per_group = len(weeks)
    attended = min(sessions, max(1, round(sessions * 0.7))) if attendance else 0
    pool = max(12, -(-2 * attendance // max(attended, 1)))
    counts = _spread(rng, attendance, attended, 1, pool) if attended else []
    acts: list[_Activity] = []
    made, g = 0, 0
    while made < sessions:
        g += 1
        n = min(per_group, sessions - made)
        dates = _weekly(year, 1 + g % 5, weeks)[:n]
        n = len(dates)
        if made < attended:
            n = min(n, attended - made)
            acts.append(_Activity(f"Träningsgrupp {g:03d}", FA, "Träningsgrupp", "FaR-deltagare",
                                  1.0, dates[:n], counts[made:made + n], pool=pool))  # fmt: skip
        else:
            fokus = (MAT, STRESS, GEMENSKAP)[g % 3]
            acts.append(_Activity(f"Grupp {g:03d}", fokus, "Kurs", "Allmänhet", 1.5, dates,
                                  (3, 15)))  # fmt: skip
        made += n
    return acts


# --------------------------------------------------------------------------- plan, narrative


def _vaggeryd_2023_plan() -> list[dict[str, Any]]:
    rows = [
        (FA, "FaR träningsgrupp", "Pågår", "Gruppen har gått varje vecka och är uppskattad.",
         "Gruppen fortsätter under 2024."),
        (FA, "LSS träningsgrupp", "Pågår", "Startade under hösten; utvärdering pågår.",
         "Fortsätter våren 2024, nytt stöd söks för två terminer."),
        (FA, "Promenadgrupper", "Delvis", "Ingen egen grupp ännu, men gemensamma XRundor har "
         "prövats. Volontärer behövs.", "Fler promenadtillfällen 2024."),
        (MAT, "Hälsosamma matvanor", "Genomförd", "Ett kurstillfälle för allmänheten och ett "
         "för ett arbetslag på AME.", "Nya kurser våren 2024 för både AME och allmänheten."),
        (MAT, "Hälsosamma matvanor med familjecentralen", "Ej genomförd",
         "Ingen lämplig grupp kom fram under året.", "Nytt försök i början av 2024."),
        (STRESS, "Samverkan med Värnamo", "Ej genomförd", "Hann inte starta under året.",
         "Planeras att starta under våren 2024."),
        (STRESS, "Utbildning i mindfulness", "Ej genomförd", "Ingen utbildning genomförd.",
         "Prioriteras 2024."),
        (GEMENSKAP, "More to life – samtalscafé", "Ej genomförd", "Planerna är klara men "
         "caféet har inte öppnat.", "Caféet öppnar under 2024."),
        (GEMENSKAP, "Gemensam XRunda", "Delvis", "Fyra tillfällen med varierande uppslutning.",
         "Fortsätter 2024 med en ny runda."),
        (GEMENSKAP, "Suicidprevention – Att välja livet", "Genomförd",
         "Kursen genomfördes under hösten med gott resultat.", "Ny kurs våren 2024."),
        (SPONTANT, "Spontana besök", "Genomförd", "Fyra besök under året.",
         "Tar emot spontana besök även 2024."),
        (FORELASN, "Föreläsning Jacob Gudiol", "Genomförd", "Välbesökt kvällsföreläsning och "
         "en föreläsning för gymnasieelever dagtid.", "En ny föreläsare bjuds in 2024."),
        (FORELASN, "Föreläsning Henrik Widegren", "Planerad", None, "Hösten 2024."),
        (FORELASN, "Seniorveckan", "Genomförd", "Lyckad medverkan.",
         "Hälsocenter medverkar igen 2024."),
    ]  # fmt: skip
    return [dict(zip(C.PLAN.keys, r, strict=True)) for r in rows]


_STATUS_TEXT = {
    "Genomförd": ("Genomfört enligt plan.", "Fortsätter nästa år i samma form."),
    "Pågår": ("Pågår och fungerar bra.", "Fortsätter, utvärderas i vår."),
    "Delvis": ("Delvis genomfört; färre tillfällen än planerat.", "Ny satsning under hösten."),
    "Ej genomförd": ("Blev inte av under året.", "Nytt försök nästa år."),
    "Planerad": (None, "Planeras till nästa år."),
}
_EXTRA_PLAN = {
    FA: "Cykelgrupp för nybörjare", MAT: "Matlagning för seniorer",
    STRESS: "Avslappningsgrupp", GEMENSKAP: "Träffpunkt i biblioteket",
    SPONTANT: "Öppet hus på Hälsocenter", FORELASN: "Föreläsning om hjärthälsa",
}  # fmt: skip


def _generic_plan(rng: random.Random, activities: list[_Activity]) -> list[dict[str, Any]]:
    rows = []
    for fokus in C.LIST_BY_KEY["fokusomrade"].values:
        names = list(dict.fromkeys(a.name for a in activities if a.fokus == fokus))[:3]
        items = [(n, rng.choice(("Genomförd", "Pågår", "Genomförd"))) for n in names]
        if len(items) < 3:
            items.append((_EXTRA_PLAN[fokus], rng.choice(("Planerad", "Ej genomförd", "Delvis"))))
        for name, status in items:
            follow, future = _STATUS_TEXT[status]
            rows.append({"fokusomrade": fokus, "aktivitet": name, "status": status,
                         "uppfoljning": follow, "framtidsplan": future})  # fmt: skip
    return rows


_NARRATIVE = {
    "Arbetssätt och metoder": (
        "Samtalen bygger på motiverande samtal och små steg som personen själv väljer.",
        "Vi använder Folkhälsomyndighetens indikatorfrågor för att följa fysisk aktivitet.",
    ),
    "Samverkan i närsamhället": (
        "Hälsocenter {kommun} slussar vidare till föreningar, gym och biblioteket.",
        "Under året har samarbetet med studieförbunden vuxit.",
    ),
    "Vägar in till Hälsocenter": (
        "De flesta kommer via FaR från vårdcentralen; några tar kontakt på eget initiativ.",
    ),
    "Målgrupp": (
        "Vi når främst vuxna som vill förändra sina levnadsvanor, många över 45 år.",
    ),
    "Styrgrupp": (
        "Styrgruppen har träffats regelbundet och följt verksamheten under {year}.",
        "Invånarrepresentationen i styrgruppen har stärkts under året.",
    ),
    "Beskrivning av lokalt Hälsocenter": (
        "Hälsocenter {kommun} öppnade {start:%Y} och har sedan dess byggt upp ett nätverk av "
        "föreningar och företag att slussa vidare till.",
    ),
    "Utbildning och kompetens": (
        "Hälsocoachen har deltagit i de länsgemensamma utbildningsdagarna.",
    ),
    "Övrigt": (
        "Inför nästa år vill vi nå fler män och fler yngre vuxna.",
    ),
}  # fmt: skip
assert set(_NARRATIVE) <= set(C.LIST_BY_KEY["avsnitt"].values)


def _narrative(kommun: str, year: int, start: date) -> list[dict[str, Any]]:
    return [{"avsnitt": avsnitt, "text": text.format(kommun=kommun, year=year, start=start)}
            for avsnitt, texts in _NARRATIVE.items() for text in texts]  # fmt: skip


def _steering(rng: random.Random, year: int, invanare_from: int = 0) -> list[dict[str, Any]]:
    rows = []
    for i, month in enumerate((2, 5, 9, 11)):
        rows.append({
            "datum": _workday(date(year, month, rng.randint(8, 22))),
            "kommun": C.JA, "vardcentral": C.JA if rng.random() < 0.9 else C.NEJ,
            "folkhalsa": C.JA if rng.random() < 0.85 else C.NEJ,
            "invanare": C.JA if i >= invanare_from else C.NEJ, "anteckning": STEERING_NOTES[i],
        })  # fmt: skip
    return rows


def _history(rng: random.Random, hub: Hub, year: int) -> list[dict[str, Any]]:
    """Tidigare år: totals for every year since the hub opened, growing towards this year."""
    rows = []
    for y in range(hub.start.year, year):
        share = (13 - hub.start.month) / 12 if y == hub.start.year else 1.0
        ramp = min(1.0, 0.6 + 0.2 * (y - hub.start.year))
        far = max(1, round(hub.far * share * ramp * rng.uniform(0.9, 1.05)))
        rows.append({"ar": y, "remisser": far + round(far * rng.uniform(0.08, 0.2)),
                     "remisser_far": far, "forsta_samtal": round(far * rng.uniform(0.8, 1.0))})
    return rows


VAGGERYD_HISTORY = (
    {"ar": 2021, "remisser": 9, "remisser_far": 8, "forsta_samtal": 5},
    {"ar": 2022, "remisser": 84, "remisser_far": 78, "forsta_samtal": 58},
)
"""Vaggeryd before 2023: 86 prescriptions and 63 first talks, so that with 2023 the totals since
the start are 167 and 152."""
VAGGERYD_2023 = {"ar": 2023, "remisser": 88, "remisser_far": 81, "forsta_samtal": 89}


# --------------------------------------------------------------------------- public API


def example_tables(kommun: str, year: int, seed: int | None = None,
                   size: Mapping[str, int] | None = None, region: Region = DEFAULT,
                   ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:  # fmt: skip
    """The rows of every table (keyed by contract table and column keys) and the Start values,
    for a municipality of ``region`` (default: the built-in one).

    ``size`` (any of ``referrals``, ``followups``, ``sessions``, ``attendance``) asks for a
    workbook of that many rows instead of the hub's natural year."""
    if kommun not in region.names:
        raise ValueError(f"okänd kommun {kommun!r}")
    rng = random.Random(_seed(kommun, year) if seed is None else seed)
    hub = HUBS.get(kommun, DEFAULT_HUB)
    if hub.start.year >= year:
        hub = Hub(date(year - 2, hub.start.month, hub.start.day), hub.far)
    counts = dict(size) if size is not None else None
    seed_facts = (kommun, year) == ("Vaggeryd", 2023) and counts is None

    if counts is not None:
        n_ref = counts.get("referrals", hub.far)
        carry_wait, carry_open = min(50, n_ref // 10), min(200, n_ref // 5)
        this_year = n_ref - carry_wait - carry_open
        far = round(this_year * 0.85)
        plan = _ReferralPlan(far, this_year - far, carry_wait, carry_open,
                             followups=counts.get("followups"))
        activities = _big_activities(rng, year, counts.get("sessions", 100),
                                     counts.get("attendance", 0))
    elif seed_facts:
        plan = _ReferralPlan(far=81, other=7, carry_wait=12, carry_open=15, genomfort=77,
                             pending=(C.UTFALL_BOKAT, C.UTFALL_BOKAT, C.UTFALL_VANTAR,
                                      C.UTFALL_BOKAT))  # fmt: skip
        activities = _vaggeryd_2023_activities(rng)
    else:
        far = round(hub.far * (1 + 0.05 * (year - 2023)) * rng.uniform(0.9, 1.1))
        other = max(2, round(far * 0.15 / 0.85 * rng.uniform(0.7, 1.3)))
        plan = _ReferralPlan(far, other, carry_wait=round(far * 0.1), carry_open=round(far * 0.2))
        activities = _generic_activities(rng, kommun, year)

    if seed_facts:
        history = list(VAGGERYD_HISTORY)
    elif kommun == "Vaggeryd" and year == 2024:
        history = [*VAGGERYD_HISTORY, VAGGERYD_2023]
    else:
        history = _history(rng, hub, year)
    if history and history[-1]["ar"] == year - 1 and counts is None:
        plan.prev_total = history[-1]["remisser"]
    remisser, uppfoljningar = _referrals(rng, year, plan)
    aktiviteter, narvaro = _sessions(rng, activities)
    if seed_facts:
        plan_rows = _vaggeryd_2023_plan()
        steering = _steering(rng, year, invanare_from=2)
    else:
        plan_rows = _generic_plan(rng, activities)
        steering = _steering(rng, year)
    tables = {
        "remisser": remisser, "uppfoljningar": uppfoljningar, "aktiviteter": aktiviteter,
        "narvaro": narvaro, "styrgrupp": steering, "plan": plan_rows,
        "berattelse": _narrative(kommun, year, hub.start), "tidigare_ar": history,
    }  # fmt: skip
    settings = {"hc_kommun": kommun, "hc_ar": year, "hc_startdatum": hub.start,
                "hc_kontakt": f"Hälsocoach, Hälsocenter {kommun}"}  # fmt: skip
    return tables, settings


def workbook_from_tables(tables: Mapping[str, list[dict[str, Any]]],
                         settings: Mapping[str, Any], region: Region = DEFAULT) -> Workbook:  # fmt: skip
    """A workbook of ``region`` from the template holding these rows (as ``example_tables``
    gives them)."""
    wb = template.build_workbook(kommun=settings["hc_kommun"], year=settings["hc_ar"],
                                 startdatum=settings["hc_startdatum"],
                                 kontakt=settings["hc_kontakt"], region=region)  # fmt: skip
    for spec in region.tables:
        if tables.get(spec.key):
            template.fill_table(wb, spec, tables[spec.key])
    return wb


def generate(kommun: str, year: int, seed: int | None = None,
             size: Mapping[str, int] | None = None) -> Workbook:  # fmt: skip
    """A filled-in workbook from the template (``size`` as in ``example_tables``)."""
    return workbook_from_tables(*example_tables(kommun, year, seed, size))


def example_bytes(kommun: str, year: int, seed: int | None = None,
                  size: Mapping[str, int] | None = None) -> bytes:  # fmt: skip
    return template.workbook_bytes(generate(kommun, year, seed, size))


def example_filename(kommun: str, year: int) -> str:
    return f"{kommun}_{year}.xlsx"


def write_examples(folder: str | os.PathLike) -> list[Path]:
    """Write the bundled examples (``EXAMPLES``) into ``folder``; returns the paths."""
    folder = Path(folder)
    return [template.write_bytes_atomic(folder / example_filename(k, y), example_bytes(k, y))
            for k, y in EXAMPLES]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """``python scripts/examples.py FOLDER``: write the bundled examples into FOLDER."""
    import argparse

    parser = argparse.ArgumentParser(description="Skriv exempelarbetsböckerna.")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    for path in write_examples(args.folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
