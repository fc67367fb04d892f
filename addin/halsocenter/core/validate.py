"""Typed tables -> every problem at once, each pointing at its cell.

``validate(wb)`` is pure: no files, no Excel. Rules are small functions registered with
``@rule``; each looks at whole columns with pandas and only builds a ``Finding`` for a row that is
actually wrong, so a 50,000-referral workbook is checked in well under a second. Wording lives in
``messages``; the personal-data scan in ``privacy``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from halsocenter.core import contract as C
from halsocenter.core import messages as M
from halsocenter.core import privacy as P
from halsocenter.core.a1 import cell_column, cell_row
from halsocenter.core.model import (
    COMMENT,
    UNREAD,
    Finding,
    FindingList,
    PackageText,
    TableData,
    TextCell,
    TextCells,
    WorkbookData,
    severity_counts,
)
from halsocenter.core.parse import EXCEL_ERRORS, norm_header, norm_names, normalize_text

MIN_YEAR, MAX_YEAR = C.MIN_YEAR, C.MAX_YEAR
"""Plausible verksamhetsår (hc_ar), from the contract."""
FAR_PAST_YEARS = 5
"""A table date more than this many years before hc_ar (or after hc_ar + 1) is a typo, not a
late entry."""
PREVIOUS_YEAR_COLUMNS = {("remisser", "inkom"), ("remisser", "forsta_samtal"),
                         ("remisser", "retur")}  # fmt: skip
"""Referrals still open at the turn of the year are carried over, so these may be last year."""
TIDPUNKT_TOLERANCE_MONTHS = 1.5
DAYS_PER_MONTH = 365.25 / 12
MAX_HOURS = 12
LARGE_SESSION = 1000
MAX_SHOWN_LIST = 8
MAX_SHOWN_KOMMUNER = 20
"""A region's municipalities named in a message; more are left to the list on Listor."""
"""Allowed values are spelled out in a message only for lists this short."""

_EXCEL_ERRORS = frozenset(EXCEL_ERRORS)
_SEVERITY_RANK = {s: i for i, s in enumerate(C.SEVERITY_ORDER)}
_MISSING = object()

Rule = Callable[["Context"], Iterable[Finding]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    """Register a rule; ``validate`` runs them in registration order."""
    RULES.append(fn)
    return fn


# --------------------------------------------------------------------------- presentation


def plain(value: Any) -> Any:
    """A cell value as a Finding carries it: dates without time, no pandas/numpy scalars."""
    kind = type(value)  # the common types first: a big workbook has tens of thousands
    if kind is str:
        return P.mask_text(value)
    if kind is pd.Timestamp or kind is datetime:
        return value.date()
    if value is None or kind is date or kind is bool:
        return value
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return plain(value.item())
    return P.mask_value(value)


def show(value: Any) -> str:
    """A value as written in a Swedish message (decimal comma, ISO dates)."""
    return _shown(plain(value))


def _shown(value: Any) -> str:
    """``show`` of a value that is already ``plain``."""
    if value is None:
        return "(tom)"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if value != int(value) else str(int(value))
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def sessions_text(n: int) -> str:
    return f"{n} tillfälle" if n == 1 else f"{n} tillfällen"


def _mask(mask: pd.Series) -> np.ndarray:
    return mask.fillna(False).to_numpy(dtype=bool)


def _rows(mask: pd.Series) -> list[int]:
    return mask.index[_mask(mask)].tolist()


def _duplicates(values: pd.Series) -> Iterator[tuple[int, Any, int]]:
    """(row, value, row of its first occurrence) for every repeat of a non-empty value."""
    dup = values.notna() & values.duplicated()
    if not dup.any():
        return
    firsts = values[values.notna() & ~dup]
    first = dict(zip(firsts.tolist(), firsts.index.tolist(), strict=True))
    for row, value in _items(dup, values):
        yield row, value, first[value]


def _items(mask: pd.Series, *columns: pd.Series) -> Iterator[tuple]:
    """(row, value of each column) for the rows where ``mask`` holds; one bulk selection per
    column instead of a scalar lookup per finding."""
    selected = _mask(mask)
    if not selected.any():
        return
    values = [col.iloc[selected].tolist() for col in columns]
    yield from zip(mask.index[selected].tolist(), *values, strict=True)


# --------------------------------------------------------------------------- context


class Context:
    """The workbook plus what several rules need, computed once."""

    def __init__(self, wb: WorkbookData):
        self.wb = wb
        year = wb.settings.get("hc_ar")
        self.year = year if isinstance(year, int) and MIN_YEAR <= year <= MAX_YEAR else None
        self.problem_cells = {(f.sheet, f.cell) for f in wb.problems if f.cell}
        self.listed = FindingList(left=FindingList.LIMIT - len(wb.problems),
                                  omitted=getattr(wb.problems, "omitted", None))  # fmt: skip
        """The budget of findings listed one by one, what the reader listed included."""
        self._raw: dict[tuple[str, str], dict[int, Any]] = {}
        self._headers: dict[tuple[str, str], str] = {}
        self._names: dict[tuple[str, str], pd.Series] = {}

    def header(self, td: TableData, key: str) -> str:
        try:
            return self._headers[(td.spec.key, key)]
        except KeyError:
            header = self._headers[(td.spec.key, key)] = td.header(key)
            return header

    def raw(self, td: TableData, row: int, key: str) -> Any:
        cache = self._raw.get((td.spec.key, key))
        if cache is None:
            cache = dict(zip(td.raw.index.tolist(), td.raw[key].tolist(), strict=True))
            self._raw[(td.spec.key, key)] = cache
        return cache.get(row)

    def names(self, td: TableData, key: str) -> pd.Series:
        """``norm_names`` of a column, folded once however many rules compare it."""
        cached = self._names.get((td.spec.key, key))
        if cached is None:
            cached = self._names[(td.spec.key, key)] = norm_names(td.df[key])
        return cached

    def unreadable(self, td: TableData, key: str) -> pd.Series:
        """Rows whose cell in ``key`` could not be typed (reported on read)."""
        header = td.header(key)
        rows = {f.row for f in self.wb.problems if f.sheet == td.sheet and f.column == header}
        return pd.Series(td.df.index.isin(list(rows)), index=td.df.index)

    def tables(self) -> Iterator[TableData]:
        for spec in C.TABLES:
            td = self.wb.tables.get(spec.key)
            if td is not None and len(td):
                yield td

    def table(self, key: str) -> TableData | None:
        td = self.wb.tables.get(key)
        return td if td is not None and len(td) else None

    @cached_property
    def texts(self) -> TextCells:
        return TextCells.of(self.wb.texts or texts_from_tables(self.wb))

    @cached_property
    def cell_values(self) -> list[str]:
        return self.texts.values()

    @cached_property
    def text_values(self) -> list[str]:
        return list(dict.fromkeys(self.cell_values))

    @cached_property
    def error_cells(self) -> list[TextCell]:
        bad = {v for v in self.text_values if "#" in v[:4] and v.strip() in _EXCEL_ERRORS}
        if not bad:
            return []
        return self.texts.with_values(bad)

    @cached_property
    def skip_cells(self) -> set[tuple[str, str]]:
        """Cells already reported as unreadable or holding an Excel error value."""
        return self.problem_cells | {(t.sheet, t.cell) for t in self.error_cells}

    @cached_property
    def headers(self) -> dict[tuple[str, str], tuple[str, int]]:
        """(sheet, column letter) -> (header, header row) for every table column."""
        out = {}
        for td in self.wb.tables.values():
            for key, letter in td.letters.items():
                out[(td.sheet, letter)] = (td.header(key), td.header_row)
        return out

    @cached_property
    def setting_labels(self) -> dict[tuple[str, str], str]:
        return {(sheet, cell.replace("$", "")): C.NAMED_CELL_BY_NAME[name].label
                for name, (sheet, cell) in self.wb.settings_cells.items()
                if name in C.NAMED_CELL_BY_NAME}  # fmt: skip

    def column_of(self, tc: TextCell) -> str | None:
        cell = tc.cell
        if label := self.setting_labels.get((tc.sheet, cell)):
            return label
        letter = cell.rstrip("0123456789")
        header = self.headers.get((tc.sheet, letter))
        return header[0] if header and tc.row > header[1] else None

    # ---- building findings

    def at(self, code: str, td: TableData, row: int, key: str, value: Any = _MISSING,
           **fields) -> Finding:  # fmt: skip
        """A finding at one table cell; ``value`` defaults to what the cell holds. None once
        as many findings are listed as a person can use (the rest are counted)."""
        header = self.header(td, key)
        if not self.listed.take(code, M.severity(code), td.sheet, header):
            return None
        if value is _MISSING:
            value = self.raw(td, row, key)
        value = plain(value)
        where = M.where_cell(td.sheet, row, header)
        message = M.render(code, where=where, column=header, value=_shown(value), **fields)
        return Finding(code, M.severity(code), td.sheet, int(row), header, td.cell(row, key),
                       value, message)  # fmt: skip

    def at_text(self, code: str, tc: TextCell, value: Any, **fields) -> Finding | None:
        column = self.column_of(tc)
        if not self.listed.take(code, M.severity(code), tc.sheet, column):
            return None
        where = M.where_cell(tc.sheet, tc.row, column) if column else f"{tc.sheet}, cell {tc.cell}"
        value = plain(value)
        message = M.render(code, where=where, column=column or tc.cell, value=_shown(value),
                           **fields)  # fmt: skip
        return Finding(code, M.severity(code), tc.sheet, tc.row, column, tc.cell, value,
                       message)  # fmt: skip

    def at_setting(self, code: str, name: str, value: Any = _MISSING, **fields) -> Finding:
        nc = C.NAMED_CELL_BY_NAME[name]
        sheet, cell = self.wb.settings_cells.get(name, (C.START_SHEET, nc.cell))
        cell = cell.replace("$", "")
        if value is _MISSING:
            value = self.wb.settings_raw.get(name)
        value = plain(value)
        where = M.where_setting(sheet, cell, nc.label)
        message = M.render(code, where=where, column=nc.label, value=_shown(value), **fields)
        return Finding(code, M.severity(code), sheet, cell_row(cell), nc.label, cell,
                       value, message)  # fmt: skip


def texts_from_tables(wb: WorkbookData) -> list[TextCell]:
    """Text cells rebuilt from the tables and named cells, for a WorkbookData that was not read
    from a file (the live-Excel adapter and tests build one from table values only)."""
    out: list[TextCell] = []
    for td in wb.tables.values():
        for number, key in enumerate(td.spec.keys, start=1):
            letter = td.letters.get(key)
            if letter is None:
                continue
            col = cell_column(f"{letter}1") or number
            for row, value in td.raw[key].items():
                if isinstance(value, str) and value:
                    out.append(TextCell(td.sheet, int(row), col, value))
    for name, (sheet, cell) in wb.settings_cells.items():
        value = wb.settings_raw.get(name)
        row = cell_row(cell)
        if isinstance(value, str) and value and row:
            out.append(TextCell(sheet, row, cell_column(cell), value))
    return out


# --------------------------------------------------------------------------- rules: every table


@rule
def required_fields(ctx: Context) -> Iterator[Finding]:
    for td in ctx.tables():
        for col in td.spec.columns:
            if not col.required or col.key not in td.letters:
                continue
            for row in _rows(td.df[col.key].isna()):
                if (td.sheet, td.cell(row, col.key)) not in ctx.skip_cells:
                    yield ctx.at("required_missing", td, row, col.key, None)


@rule
def list_membership(ctx: Context) -> Iterator[Finding]:
    for td in ctx.tables():
        for col in td.spec.columns:
            if col.list is None or col.key not in td.letters:
                continue
            allowed = ctx.wb.list_values(col.list)
            s = td.df[col.key]
            bad = s.notna() & ~s.isin(allowed)
            if not bad.any():
                continue
            folded = {normalize_text(v) for v in allowed}
            lst = C.LIST_BY_KEY[col.list]
            shown = f" ({', '.join(allowed)})" if len(allowed) <= MAX_SHOWN_LIST else ""
            known: dict = {}  # each distinct value folded once
            for row, value in _items(bad, s):
                ok = known.get(value)
                if ok is None:
                    ok = known[value] = normalize_text(value) in folded
                if not ok:
                    yield ctx.at("list_value_unknown", td, row, col.key, value,
                                 list_name=lst.header, allowed=shown)  # fmt: skip


@rule
def duplicate_rows(ctx: Context) -> Iterator[Finding]:
    for td in ctx.tables():
        if td.spec is C.TIDIGARE_AR:  # duplicate years are an error of their own
            continue
        df = td.df
        if td.spec is C.AKTIVITETER:  # two spontaneous visits on one day look alike, rightly
            df = df[df["typ"] != C.AKTIVITETSTYP_SPONTANT]
        if len(df) < 2:
            continue
        hashes = pd.util.hash_pandas_object(df, index=False)
        key = td.spec.columns[0].key
        for row, _, first_row in _duplicates(hashes):
            yield ctx.at("duplicate_row", td, row, key, first_row=first_row)


_YEAR_HINTS = {
    ("remisser", "inkom"): "Remisser från året före får vara med om de var öppna vid "
                           "årsskiftet; äldre rader hör hemma i en tidigare arbetsbok.",
    ("remisser", "avslutad"): "Ärenden som avslutades före verksamhetsåret hör hemma i den "
                              "årets arbetsbok; kontrollera årtalet.",
}
_DEFAULT_YEAR_HINT = "Rader från ett annat år hör hemma i det årets arbetsbok; kontrollera årtalet."


@rule
def dates_in_year(ctx: Context) -> Iterator[Finding]:
    year = ctx.year
    if year is None:
        return
    for td in ctx.tables():
        for col in td.spec.columns:
            if col.kind != "date" or col.key not in td.letters:
                continue
            s = td.df[col.key]
            years = s.dt.year
            back = 1 if (td.spec.key, col.key) in PREVIOUS_YEAR_COLUMNS else 0
            implausible = (years > year + 1) | (years < year - FAR_PAST_YEARS)
            other = ~implausible & ((years > year) | (years < year - back))
            for row, value in _items(implausible, s):
                yield ctx.at("date_implausible", td, row, col.key, value, year=year)
            hint = _YEAR_HINTS.get((td.spec.key, col.key), _DEFAULT_YEAR_HINT)
            for row, value in _items(other, s):
                yield ctx.at("date_out_of_year", td, row, col.key, value, year=year,
                             hint=hint)  # fmt: skip


@rule
def excel_errors(ctx: Context) -> Iterator[Finding]:
    for tc in ctx.error_cells:
        yield ctx.at_text("excel_error", tc, tc.value.strip())


# --------------------------------------------------------------------------- rules: Remisser


@rule
def unique_lopnummer(ctx: Context) -> Iterator[Finding]:
    td = ctx.table("remisser")
    if td is None:
        return
    for row, _, first_row in _duplicates(ctx.names(td, "lopnummer")):
        yield ctx.at("duplicate_id", td, row, "lopnummer", first_row=first_row)


@rule
def referral_date_order(ctx: Context) -> Iterator[Finding]:
    td = ctx.table("remisser")
    if td is None:
        return
    df = td.df
    inkom_after_talk = df["inkom"] > df["forsta_samtal"]
    talk_after_closed = df["forsta_samtal"] > df["avslutad"]
    checks = (
        ("inkom", "forsta_samtal", inkom_after_talk),
        ("forsta_samtal", "avslutad", talk_after_closed),
        ("inkom", "avslutad", (df["inkom"] > df["avslutad"]) & ~inkom_after_talk
         & ~talk_after_closed),
        ("inkom", "retur", df["inkom"] > df["retur"]),
    )  # fmt: skip
    for earlier, later, bad in checks:
        for row, value, other in _items(bad, df[later], df[earlier]):
            yield ctx.at("date_order", td, row, later, value, other_column=td.header(earlier),
                         other_value=show(other))


@rule
def outcome_consistency(ctx: Context) -> Iterator[Finding]:
    td = ctx.table("remisser")
    if td is None:
        return
    df = td.df
    talk = df["forsta_samtal"]
    done = (df["utfall"] == C.UTFALL_GENOMFORT) & talk.isna() & ~ctx.unreadable(td, "forsta_samtal")
    for row in _rows(done):
        yield ctx.at("completed_without_first_talk", td, row, "forsta_samtal", None,
                     utfall=C.UTFALL_GENOMFORT)  # fmt: skip
    for row, day in _items((df["utfall"] == C.UTFALL_VANTAR) & talk.notna(), talk):
        yield ctx.at("first_talk_but_waiting", td, row, "utfall", first_talk=show(day),
                     genomfort=C.UTFALL_GENOMFORT)  # fmt: skip
    no_show = df["utfall"].isin((C.UTFALL_UTEBLEV, C.UTFALL_TACKADE_NEJ))
    for row, utfall in _items(no_show & (df["typ"] == C.TYP_FAR) & df["retur"].isna(),
                              df["utfall"]):  # fmt: skip
        yield ctx.at("no_show_without_return", td, row, "retur", None, utfall=utfall)


# --------------------------------------------------------------------------- rules: Uppföljningar


def _other_tidpunkt() -> str:
    values = C.LIST_BY_KEY["tidpunkt"].values
    return next((v for v in values if v not in C.TIDPUNKT_MONTHS), values[-1])


@rule
def followups(ctx: Context) -> Iterator[Finding]:
    fu = ctx.table("uppfoljningar")
    if fu is None:
        return
    ref = ctx.wb.tables.get("remisser")
    ref_df = ref.df if ref is not None else pd.DataFrame(columns=["lopnummer", "forsta_samtal"])
    ref_sheet = ref.sheet if ref is not None else C.REMISSER.sheet
    names = ctx.names(ref, "lopnummer") if len(ref_df) else pd.Series(dtype="object")
    keep = names.notna() & ~names.duplicated()
    first = pd.DataFrame({"talk": ref_df["forsta_samtal"][keep],
                          "row": pd.Series(ref_df.index, index=ref_df.index)[keep]})
    first.index = names[keep].to_numpy()
    df = fu.df
    keys = ctx.names(fu, "lopnummer")
    known = keys.isin(first.index)
    for row in _rows(keys.notna() & ~known):
        yield ctx.at("followup_unknown_id", fu, row, "lopnummer", referral_sheet=ref_sheet)
    talk = pd.Series(keys.map(first["talk"]).to_numpy(), index=df.index, dtype="datetime64[ns]")
    ref_row = keys.map(first["row"])
    before = known & (df["datum"] < talk)
    for row, day, first_talk, ref in _items(before, df["datum"], talk, ref_row):
        yield ctx.at("followup_before_first_talk", fu, row, "datum", day,
                     first_talk=show(first_talk), referral_sheet=ref_sheet,
                     referral_row=int(ref))  # fmt: skip
    for row, number, ref in _items(known & talk.isna(), df["lopnummer"], ref_row):
        yield ctx.at("followup_without_first_talk", fu, row, "lopnummer",
                     lopnummer=show(number), referral_sheet=ref_sheet,
                     referral_row=int(ref))  # fmt: skip
    expected = df["tidpunkt"].map(C.TIDPUNKT_MONTHS).astype("float64")
    months = (df["datum"] - talk).dt.days / DAYS_PER_MONTH
    off = known & (months >= 0) & ((months - expected).abs() > TIDPUNKT_TOLERANCE_MONTHS)
    for row, elapsed in _items(off, months):
        nearest = min(C.TIDPUNKT_MONTHS, key=lambda t: abs(C.TIDPUNKT_MONTHS[t] - elapsed))
        if abs(C.TIDPUNKT_MONTHS[nearest] - elapsed) > TIDPUNKT_TOLERANCE_MONTHS:
            nearest = _other_tidpunkt()
        yield ctx.at("tidpunkt_mismatch", fu, row, "tidpunkt",
                     months=f"{elapsed:.1f}".replace(".", ","), suggestion=nearest)  # fmt: skip


# --------------------------------------------------------------------------- rules: Aktiviteter


@rule
def session_numbers(ctx: Context) -> Iterator[Finding]:
    td = ctx.table("aktiviteter")
    if td is not None:
        people = td.df["deltagare"]
        for row in _rows(people < 0):
            yield ctx.at("count_negative", td, row, "deltagare")
        for row in _rows(people > LARGE_SESSION):
            yield ctx.at("count_large", td, row, "deltagare")
        hours = td.df["timmar"]
        for row in _rows(hours <= 0):
            yield ctx.at("hours_not_positive", td, row, "timmar")
        for row in _rows(hours > MAX_HOURS):
            yield ctx.at("hours_too_long", td, row, "timmar")
    hist = ctx.table("tidigare_ar")
    if hist is not None:
        for col in hist.spec.columns:
            if col.kind == "int" and col.key != "ar" and col.key in hist.letters:
                for row in _rows(hist.df[col.key] < 0):
                    yield ctx.at("count_negative", hist, row, col.key)


def _sessions(td: TableData) -> pd.DataFrame:
    return pd.DataFrame({"datum": td.df["datum"], "name": norm_names(td.df["aktivitet"])},
                        index=td.df.index).dropna()  # fmt: skip


@rule
def attendance(ctx: Context) -> Iterator[Finding]:
    nar = ctx.table("narvaro")
    if nar is None:
        return
    akt = ctx.wb.tables.get("aktiviteter")
    sheet = akt.sheet if akt is not None else C.AKTIVITETER.sheet
    att = _sessions(nar)
    known_sessions = _sessions(akt) if akt is not None and len(akt) else att.iloc[:0]
    att_index = pd.MultiIndex.from_frame(att[["datum", "name"]])
    known = att_index.isin(pd.MultiIndex.from_frame(known_sessions[["datum", "name"]]))
    for row, day in _items(pd.Series(~known, index=att.index), att["datum"]):
        yield ctx.at("attendance_unknown_session", nar, row, "aktivitet", day=show(day),
                     activity_sheet=sheet)
    if not len(known_sessions):
        return
    counts = att.groupby(["datum", "name"]).size().rename("attendance")
    sessions = known_sessions.assign(people=akt.df["deltagare"], row=known_sessions.index)
    per = sessions.groupby(["datum", "name"]).agg(
        people=("people", "sum"), typed=("people", "count"), row=("row", "first"))
    per = per.join(counts, how="inner")
    bad = per[(per["typed"] > 0) & (per["people"] != per["attendance"])]
    for (day, _), item in bad.iterrows():
        row = int(item["row"])
        yield ctx.at("attendance_count_mismatch", akt, row, "deltagare", int(item["people"]),
                     attendance=int(item["attendance"]), day=show(day),
                     activity=show(ctx.raw(akt, row, "aktivitet")))  # fmt: skip


@rule
def activities_in_plan(ctx: Context) -> Iterator[Finding]:
    akt = ctx.table("aktiviteter")
    if akt is None:
        return
    df = akt.df[akt.df["typ"] != C.AKTIVITETSTYP_SPONTANT]
    names = norm_names(df["aktivitet"]).dropna()
    if names.empty:
        return
    plan = ctx.wb.tables.get("plan")
    plan_sheet = plan.sheet if plan is not None else C.PLAN.sheet
    planned = set(norm_names(plan.df["aktivitet"]).dropna()) if plan is not None else set()
    if not planned:
        row = int(names.index[0])
        yield ctx.at("plan_empty", akt, row, "aktivitet", activity_sheet=akt.sheet,
                     sessions=sessions_text(len(names)))  # fmt: skip
        return
    missing = names[~names.isin(planned)]
    if missing.empty:
        return
    sessions = missing.value_counts()
    for row, name in missing[~missing.duplicated()].items():
        yield ctx.at("activity_not_in_plan", akt, int(row), "aktivitet",
                     sessions=sessions_text(int(sessions[name])), plan_sheet=plan_sheet)  # fmt: skip


# --------------------------------------------------------------------------- rules: Tidigare år


@rule
def history_years(ctx: Context) -> Iterator[Finding]:
    td = ctx.table("tidigare_ar")
    if td is None:
        return
    years = td.df["ar"]
    for row, _, first_row in _duplicates(years):
        yield ctx.at("duplicate_year", td, row, "ar", first_row=first_row)
    if ctx.year is not None:
        for row in _rows(years >= ctx.year):
            yield ctx.at("history_year_not_before", td, row, "ar", year=ctx.year)


# --------------------------------------------------------------------------- rules: Start


@rule
def settings(ctx: Context) -> Iterator[Finding]:
    wb = ctx.wb
    unreadable = {f.column for f in wb.problems if f.sheet and norm_header(f.sheet)
                  == norm_header(C.START_SHEET)}  # fmt: skip

    def missing(name: str) -> bool:
        return wb.settings.get(name) is None and \
            C.NAMED_CELL_BY_NAME[name].label not in unreadable

    for name in ("hc_kommun", "hc_ar"):
        if missing(name):
            yield ctx.at_setting("setting_missing", name, None)
    for name in ("hc_startdatum", "hc_kontakt"):
        if missing(name):
            yield ctx.at_setting("setting_recommended", name, None)

    kommun = wb.settings.get("hc_kommun")
    names = wb.region.names
    if kommun is not None and normalize_text(kommun) not in {normalize_text(k) for k in names}:
        listed = (f"Välj en av kommunerna: {', '.join(names)}." if len(names) <= MAX_SHOWN_KOMMUNER
                  else f"Välj en av kommunerna i listan på fliken {C.LISTS_SHEET}.")
        yield ctx.at_setting("setting_invalid", "hc_kommun",
                             hint=f"{listed} Arbetsboken hör till {wb.region.name}.")
    year = wb.settings.get("hc_ar")
    if year is not None and ctx.year is None:
        yield ctx.at_setting("setting_invalid", "hc_ar",
                             hint=f"Skriv verksamhetsåret med fyra siffror, mellan {MIN_YEAR} och "
                                  f"{MAX_YEAR}, t.ex. 2025.")  # fmt: skip
    start = wb.settings.get("hc_startdatum")
    if start is not None and ctx.year is not None and start.year > ctx.year:
        yield ctx.at_setting("setting_invalid", "hc_startdatum", start,
                             hint=f"Startdatumet kan inte vara efter verksamhetsåret {ctx.year}.")
    version = wb.settings.get("hc_mallversion")
    if version is not None and version != C.TEMPLATE_VERSION:
        code = "template_old" if 0 < version < C.TEMPLATE_VERSION else "template_version"
        yield ctx.at_setting(code, "hc_mallversion", current=C.TEMPLATE_VERSION)


# --------------------------------------------------------------------------- rules: sheets


@rule
def generated_sheets_taken(ctx: Context) -> Iterator[Finding]:
    """A sheet with a generated sheet's name that the program did not write, or that someone
    changed since: the buttons and ``summary`` will leave it alone and stop, so say it now."""
    for c in ctx.wb.sheet_claims:
        if not c.ours:
            yield Finding("generated_sheet_taken", M.severity("generated_sheet_taken"), c.sheet,
                          None, None, None, None,
                          M.render("generated_sheet_taken", where=c.sheet, advice=c.advice))


# --------------------------------------------------------------------------- rules: personal data


def _kinds(hits: list[P.Hit]) -> str:
    labels = list(dict.fromkeys(P.KIND_LABELS[h.kind] for h in hits))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " och " + labels[-1]


def _split_hits(hits: list[P.Hit]) -> tuple[list[P.Hit], list[P.Hit]]:
    return ([h for h in hits if h.kind in P.IDENTITY_KINDS],
            [h for h in hits if h.kind in P.CONTACT_KINDS])  # fmt: skip


def _hit_fields(hits: list[P.Hit]) -> dict[str, str]:
    return {"kind": _kinds(hits), "masked": ", ".join(h.masked for h in hits)}


def numbers_from_tables(wb: WorkbookData) -> list[TextCell]:
    """Number cells of the id and text columns, for a WorkbookData not read from a file."""
    out: list[TextCell] = []
    for td in wb.tables.values():
        for col in td.spec.columns:
            letter = td.letters.get(col.key)
            if col.kind not in ("id", "text") or letter is None:
                continue
            number = cell_column(f"{letter}1")
            out.extend(TextCell(td.sheet, int(row), number, value)
                       for row, value in td.raw[col.key].items()
                       if P.may_be_identity_number(value))  # fmt: skip
    return out


def _package_finding(code: str, pt: PackageText, hits: list[P.Hit]) -> Finding:
    row = cell_row(pt.cell)
    return P.mask_finding(Finding(
        code, M.severity(code), pt.sheet, row, None,
        pt.cell if row else None, plain(pt.value),
        M.render(code, where=pt.place, **_hit_fields(hits))))  # fmt: skip


@rule
def personal_data(ctx: Context) -> Iterator[Finding]:
    """Identity numbers (error) and contact details (warning) in every text cell of every
    sheet; identity numbers in number cells, comments, names and document properties too."""
    found = P.scan_texts(ctx.text_values)
    if found:
        contact = ctx.wb.settings_cells.get("hc_kontakt")
        exempt = (contact[0], contact[1].replace("$", "")) if contact else None
        for tc in ctx.texts.with_values(found):
            identity, other = _split_hits(found[tc.value])
            if other and exempt and (tc.sheet, tc.cell) == exempt:
                other = []
            for code, group in ((P.PERSONAL_ID, identity), ("contact_info", other)):
                if group:
                    yield ctx.at_text(code, tc, tc.value, **_hit_fields(group))
    # A personnummer typed without separator is stored by Excel as a number, not as text.
    numbers = ctx.wb.numbers if ctx.wb.texts else numbers_from_tables(ctx.wb)
    for tc in numbers:
        if hit := P.number_identifier(tc.value):
            yield ctx.at_text(P.PERSONAL_ID, tc, tc.value, **_hit_fields([hit]))
    for pt in ctx.wb.package_texts:
        if pt.kind == UNREAD:
            yield Finding("hidden_unread", M.severity("hidden_unread"), pt.sheet, None, None, None,
                          None, M.render("hidden_unread", where=pt.place,
                                         inspect="Arkiv > Info > Sök efter problem > Granska "
                                                 "dokument"))  # fmt: skip
            continue
        if pt.kind == COMMENT and isinstance(pt.value, str):
            identity, other = _split_hits(P.find_identifiers(pt.value))
        else:
            identity, other = P.identity_hits(pt.value), []
        for code, group in ((P.PERSONAL_ID, identity), ("contact_info", other)):
            if group:
                yield _package_finding(code, pt, group)


# --------------------------------------------------------------------------- entry points


def sort_key(wb: WorkbookData) -> Callable[[Finding], tuple]:
    """Contract sheet order (Start, the tables, Listor, then any other sheet), row, column."""
    order = [C.START_SHEET, *(t.sheet for t in C.TABLES), C.LISTS_SHEET, *wb.sheet_names]
    rank: dict[str, int] = {}
    for sheet in order:
        rank.setdefault(norm_header(sheet), len(rank))
    by_name: dict[str | None, int] = {}

    def sheet_rank(sheet: str | None) -> int:
        if sheet not in by_name:
            by_name[sheet] = rank.get(norm_header(sheet), len(rank))
        return by_name[sheet]

    def key(f: Finding) -> tuple:
        return (sheet_rank(f.sheet), f.sheet or "", f.row or 0,
                cell_column(f.cell), _SEVERITY_RANK[f.severity], f.code)  # fmt: skip

    return key


def validate(wb: WorkbookData) -> list[Finding]:
    """Every problem in the workbook: the typing problems found on read plus what each rule
    finds, sorted by sheet, row and column. Pure: reads nothing but ``wb``."""
    ctx = Context(wb)
    findings = [P.mask_finding(f) for f in wb.problems]  # they quote the raw cell
    for check in RULES:
        findings.extend(f for f in check(ctx) if f is not None)
    findings += unlisted(ctx.listed.omitted)
    findings = _sheet_names_masked(wb, findings)
    findings.sort(key=sort_key(wb))
    return findings


def unlisted(omitted: dict[tuple, int]) -> list[Finding]:
    """One finding per kind (code, sheet, column) for the findings counted but not listed one
    by one (``FindingList``); it carries their number as ``count`` and keeps their severity,
    so counts, groups and the export's refusal see them all."""
    out = []
    for (code, severity, sheet, column), n in omitted.items():
        message = M.unlisted_sentence(M.where_column(sheet, column), n, M.rule(code).name,
                                      FindingList.LIMIT)  # fmt: skip
        out.append(P.mask_finding(Finding(code, severity, sheet, None, column, None, None,
                                          message, n)))  # fmt: skip
    return out


def _sheet_names_masked(wb: WorkbookData, findings: list[Finding]) -> list[Finding]:
    """Every message names its sheet (and some another one: "Remisser rad …"), so when a sheet
    name holds an identifier, every finding is masked; otherwise they are left as built."""
    if any(P.find_identifiers(name) for name in wb.sheet_names):
        return [P.mask_finding(f) for f in findings]
    return findings


def identity_findings(wb: WorkbookData) -> list[Finding]:
    """Only the identity-number findings (``personal_id``), for a command that must refuse
    while any exists (the Word report) without running every other check."""
    ctx = Context(wb)
    found = [f for f in personal_data(ctx) if f is not None and f.code == P.PERSONAL_ID]
    found += [f for f in unlisted(ctx.listed.omitted) if f.code == P.PERSONAL_ID]
    return sorted(_sheet_names_masked(wb, found), key=sort_key(wb))


counts = severity_counts  # the validator's own name for it, used by the CLI and tests
