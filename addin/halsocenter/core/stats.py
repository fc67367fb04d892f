"""Typed tables -> ``Summary``: every figure of DESIGN §4, computed once for all writers.

Pure and vectorised: no I/O, no Excel, no per-row Python loops over the big tables, so a year of
a large hub (tens of thousands of rows) takes well under a second.

Decisions the design leaves open, made here once:

- Breakdowns list every value of the workbook's own (possibly extended) list in list order,
  zeros included, then ``INVALID`` for values typed outside the list and ``EMPTY`` for blank
  cells, each when there are any — so each breakdown sums to its total, and a value outside its
  list never becomes a category of its own (the check reports each one). The plan's Fokusområde
  and Status follow the same rule. Per Aktivitet, the activities held in the year are listed by
  name (the first spelling typed is shown); attendance for a name no session of the year has is
  counted under ``INVALID`` too (Aktiviteter is Närvaro's list).
- A row with an unreadable date (NaT) is in no year.
- Waiting times below zero days (first talk before Inkom, a typing error the validator reports)
  are left out of the median.
- Attendance is matched to sessions on Datum + Aktivitet ignoring case and spacing. When two
  sessions share date and name, their attendance rows are shared equally between them, so the
  activity's totals still equal the number of attendance rows.
- Tidigare år: rows for this year or later are ignored; when a year appears twice the last row
  wins.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from halsocenter.core import contract as C
from halsocenter.core.model import WorkbookData
from halsocenter.core.parse import norm_names
from halsocenter.core.summary import FigureRow, PlanRow, Summary

EMPTY = C.EMPTY_CATEGORY
INVALID = C.INVALID_CATEGORY

_R, _U, _A, _P = C.REMISSER, C.UPPFOLJNINGAR, C.AKTIVITETER, C.PLAN


def compute(wb: WorkbookData) -> Summary:
    """All figures of the year ``hc_ar`` of one workbook."""
    year = _year(wb.settings.get("hc_ar"))
    plan = _plan_rows(wb)
    if year is None:  # the validator reports the missing year; nothing is dated without it
        return Summary(kommun=wb.kommun, year=None, figures=(), plan=plan)
    out = _Figures()
    tables = {key: wb.tables[key].df if key in wb.tables else _empty(spec)
              for key, spec in C.TABLE_BY_KEY.items()}  # fmt: skip
    _referrals(out, wb, tables["remisser"], year)
    _followups(out, wb, tables["remisser"], tables["uppfoljningar"], year)
    _activities(out, wb, tables["aktiviteter"], tables["narvaro"], year)
    out.add("styrgruppsmoten", _in_year(tables["styrgrupp"]["datum"], year).sum())
    _plan(out, wb, tables["plan"])
    earlier = _earlier_years(wb, year)
    _since_start(out, earlier)
    _changes(out, earlier, year)
    history = _history(out, earlier, year)
    return Summary(kommun=wb.kommun, year=year, figures=tuple(out.rows), plan=plan,
                   history=history)  # fmt: skip


# --------------------------------------------------------------------------- helpers


class _Figures:
    """Collects rows in the order they are computed and keeps totals at hand."""

    def __init__(self) -> None:
        self.rows: list[FigureRow] = []
        self.totals: dict[str, float | None] = {}

    def add(self, key: str, value, dimension: str = "") -> None:
        value = _number(value)
        self.rows.append(FigureRow(key, dimension, value))
        if not dimension:
            self.totals[key] = value

    def breakdown(self, key: str, dim_name: str, counts: dict[str, Any]) -> None:
        for name, value in counts.items():
            self.add(key, value, f"{dim_name}={name}")


def _number(value) -> float | int | None:
    """A plain Python number; whole numbers as int so they print without decimals."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return None
    return int(value) if value.is_integer() else value


def _year(value) -> int | None:
    """The verksamhetsår, or None when there is none to count (the check reports a year outside
    the contract's range; no date can be made for 20245 or -1)."""
    try:
        year = int(value) if value is not None and not pd.isna(value) else None
    except (TypeError, ValueError):
        return None
    return year if year is not None and C.MIN_YEAR <= year <= C.MAX_YEAR else None


def _empty(spec: C.Table) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(dtype="object") for k in spec.keys})


def _dates(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    return pd.to_datetime(series, errors="coerce")


def _in_year(series: pd.Series, year: int) -> pd.Series:
    return (_dates(series).dt.year == year).fillna(False).astype(bool)


def _norm(series: pd.Series) -> pd.Series:
    """Case- and spacing-insensitive key for names typed by hand; "" for a blank."""
    return norm_names(series).fillna("")


def _header(spec: C.Table, key: str) -> str:
    return spec.column(key).header


def _categories(values: pd.Series, order: tuple[str, ...]) -> pd.Series:
    """Each value as the category it is counted under: itself when it is a value of the list
    ``order``, ``INVALID`` when it is any other value, ``EMPTY`` when the cell is blank."""
    blank = values.isna() | (values.astype(str) == "")
    labels = values.astype("object").where(~blank, EMPTY)
    return labels.where(blank | labels.isin(order), INVALID)


def _counts_by_list(values: pd.Series, order: tuple[str, ...],
                    weights: pd.Series | None = None) -> dict[str, Any]:  # fmt: skip
    """Count (or sum ``weights``) per value: list values in list order with zeros, then
    ``INVALID`` and ``EMPTY`` when there are any."""
    labels = _categories(values, order)
    counts = (labels.value_counts() if weights is None
              else weights.groupby(labels.to_numpy()).sum())  # fmt: skip
    out: dict[str, Any] = {v: counts.get(v, 0) for v in order}
    for own in C.OWN_CATEGORIES:
        if own not in out and counts.get(own, 0):
            out[own] = counts[own]
    return out


def _list_breakdown(out: _Figures, wb: WorkbookData, key: str, spec: C.Table, column: str,
                    values: pd.Series, weights: pd.Series | None = None) -> None:  # fmt: skip
    col = spec.column(column)
    order = wb.list_values(col.list) if col.list else ()
    out.breakdown(key, col.header, _counts_by_list(values, order, weights))


# --------------------------------------------------------------------------- referrals


def _referrals(out: _Figures, wb: WorkbookData, df: pd.DataFrame, year: int) -> None:
    inkom = _dates(df["inkom"])
    first = _dates(df["forsta_samtal"])
    closed = _dates(df["avslutad"])
    in_year = _in_year(inkom, year)
    year_end = pd.Timestamp(date(year, 12, 31))
    rem = df[in_year]

    out.add("remisser", len(rem))
    for column in ("typ", "remittent", "kon", "aldersgrupp", "fokus"):
        _list_breakdown(out, wb, "remisser", _R, column, rem[column])
    months = inkom[in_year].dt.month.value_counts()
    out.breakdown("remisser", C.DIM_MONTH,
                  {f"{year}-{m:02d}": months.get(m, 0) for m in range(1, 13)})

    out.add("remisser_far", (rem["typ"] == C.TYP_FAR).sum())
    first_in_year = _in_year(first, year)
    out.add("forsta_samtal", first_in_year.sum())
    out.add("uteblev", (rem["utfall"] == C.UTFALL_UTEBLEV).sum())
    out.add("tackade_nej", (rem["utfall"] == C.UTFALL_TACKADE_NEJ).sum())
    out.add("ej_nabar", (rem["utfall"] == C.UTFALL_EJ_NABAR).sum())
    waiting = (
        (inkom <= year_end)
        & ~(first <= year_end)  # no first talk, or one only after the year
        & ~(closed <= year_end)
        & df["utfall"].isin((C.UTFALL_VANTAR, C.UTFALL_BOKAT))
    )
    out.add("vantar_vid_arsskifte", waiting.sum())
    out.add("retur", _in_year(df["retur"], year).sum())
    days = (first[first_in_year] - inkom[first_in_year]).dt.days.dropna()
    days = days[days >= 0]
    out.add("vantetid_median_dagar", days.median() if len(days) else None)


# --------------------------------------------------------------------------- follow-ups


def _activity_minutes(training: pd.Series, everyday: pd.Series) -> pd.Series:
    """2 × training + everyday minutes; NaN when either answer is missing or not a category."""
    t = training.map(C.TRANING_MINUTES).astype("float64")
    e = everyday.map(C.VARDAG_MINUTES).astype("float64")
    return 2 * t + e


def _active_in_year(df: pd.DataFrame, year: int) -> pd.Series:
    """Referrals that belong to the year: in, first talk or closed in it, or carried over open."""
    inkom, closed = _dates(df["inkom"]), _dates(df["avslutad"])
    start, end = pd.Timestamp(date(year, 1, 1)), pd.Timestamp(date(year, 12, 31))
    carried = (inkom <= end) & ~(closed < start)
    return (carried | _in_year(inkom, year) | _in_year(df["forsta_samtal"], year)
            | _in_year(closed, year))  # fmt: skip


def _followups(out: _Figures, wb: WorkbookData, rem: pd.DataFrame, fu: pd.DataFrame,
               year: int) -> None:  # fmt: skip
    fu_year = fu[_in_year(fu["datum"], year)].copy()
    out.add("uppfoljningar", len(fu_year))
    _list_breakdown(out, wb, "uppfoljningar", _U, "tidpunkt", fu_year["tidpunkt"])

    fu_year["_id"] = _norm(fu_year["lopnummer"])
    fu_year["_pos"] = range(len(fu_year))  # ties on the same date: the lower row is later
    fu_year = fu_year[fu_year["_id"] != ""].sort_values(["datum", "_pos"], kind="stable")

    # Activity minutes: start from the referral, follow-up from the latest measured one.
    rem_ids = rem.assign(_id=_norm(rem["lopnummer"]))
    rem_ids = rem_ids[rem_ids["_id"] != ""].drop_duplicates("_id", keep="first")
    start = pd.Series(_activity_minutes(rem_ids["traning_start"], rem_ids["vardag_start"]).to_numpy(),
                      index=rem_ids["_id"].to_numpy()).dropna()  # fmt: skip
    fu_min = _activity_minutes(fu_year["traning"], fu_year["vardag"])
    measured = fu_year.assign(_min=fu_min)[fu_min.notna()]
    latest = measured.drop_duplicates("_id", keep="last").set_index("_id")["_min"]
    both = start.index.intersection(latest.index)
    n = len(both)
    threshold = C.ACTIVITY_MINUTES_THRESHOLD
    out.add("andel_tillrackligt_aktiva_start",
            (start.loc[both] >= threshold).sum() / n if n else None)
    out.add("andel_tillrackligt_aktiva_uppfoljning",
            (latest.loc[both] >= threshold).sum() / n if n else None)
    out.add("matta_start_och_uppfoljning", n)

    # Bridged on: the latest follow-up destination of the year, else the referral's own.
    fu_dest = fu_year[fu_year["slussad_till"].notna() & (fu_year["slussad_till"] != "")]
    dest = fu_dest.drop_duplicates("_id", keep="last").set_index("_id")["slussad_till"]
    own = rem_ids[_active_in_year(rem_ids, year) & rem_ids["slussad_till"].notna()
                  & (rem_ids["slussad_till"] != "")]  # fmt: skip
    own = own.set_index("_id")["slussad_till"]
    dest = pd.concat([dest, own[~own.index.isin(dest.index)]])
    out.add("slussade", len(dest))
    _list_breakdown(out, wb, "slussade", _U, "slussad_till", dest)


# --------------------------------------------------------------------------- activities


def _activities(out: _Figures, wb: WorkbookData, akt: pd.DataFrame, nar: pd.DataFrame,
                year: int) -> None:  # fmt: skip
    s = akt[_in_year(akt["datum"], year)]
    sessions = pd.DataFrame({
        "name": _norm(s["aktivitet"]),
        "day": _dates(s["datum"]).dt.normalize(),
        "fokus": s["fokusomrade"],
        "typ": s["typ"],
        "deltagare": pd.to_numeric(s["deltagare"], errors="coerce").astype("float64").fillna(0.0),
        "timmar": pd.to_numeric(s["timmar"], errors="coerce").astype("float64").fillna(0.0),
    }, index=s.index)  # fmt: skip
    shown = _first_spelling(sessions["name"], s["aktivitet"])  # the first spelling is shown

    a = nar[_in_year(nar["datum"], year)]
    att = pd.DataFrame({"name": _norm(a["aktivitet"]), "day": _dates(a["datum"]).dt.normalize(),
                        "pid": _norm(a["deltagar_id"])}, index=a.index)  # fmt: skip
    # Närvaro's Aktivitet is one of the year's activities on Aktiviteter, as a list column is
    # one of its list: a name no session has (the check reports it) is counted as INVALID.
    unknown = (att["name"] != "") & ~att["name"].isin(set(sessions["name"]))
    att["name"] = att["name"].where(~unknown, _UNKNOWN_ACTIVITY)
    rows_per_key = att.groupby(["day", "name"]).size().rename("att")
    sessions_per_key = sessions.groupby(["day", "name"])["name"].transform("size")
    joined = sessions.join(rows_per_key, on=["day", "name"])
    has_att = joined["att"].notna()
    sessions["attendees"] = joined["deltagare"].where(
        ~has_att, joined["att"] / sessions_per_key).astype("float64")
    sessions["hours"] = sessions["attendees"] * sessions["timmar"]

    # Focus area of each attendance row: its session's, else that activity's first session's.
    key_focus = sessions.drop_duplicates(["day", "name"]).set_index(["day", "name"])["fokus"]
    name_focus = sessions.drop_duplicates("name").set_index("name")["fokus"]
    att["fokus"] = att.join(key_focus.rename("kf"), on=["day", "name"])["kf"]
    att["fokus"] = att["fokus"].where(att["fokus"].notna(), att["name"].map(name_focus))
    for name, label in _first_spelling(att["name"], a["aktivitet"]).items():
        shown.setdefault(name, INVALID if name == _UNKNOWN_ACTIVITY else label)

    by_name = sessions.groupby("name", sort=False)
    by_name_att = att[att["pid"] != ""].groupby("name", sort=False)["pid"].nunique()
    order = sorted(set(sessions["name"]) | set(by_name_att.index), key=lambda n: shown[n].casefold())
    sizes, att_sum, hour_sum = by_name.size(), by_name["attendees"].sum(), by_name["hours"].sum()
    dim_akt = _header(_A, "aktivitet")
    fokus_col = _A.column("fokusomrade")
    fokus_order = wb.list_values(fokus_col.list)

    def per_focus(weights: pd.Series | None) -> dict[str, Any]:
        return _counts_by_list(sessions["fokus"], fokus_order, weights)

    for key, total, per_name, focus in (
        ("tillfallen", len(sessions), sizes, per_focus(None)),
        ("deltagartillfallen", sessions["attendees"].sum(), att_sum, per_focus(sessions["attendees"])),
        ("deltagartimmar", sessions["hours"].sum(), hour_sum, per_focus(sessions["hours"])),
    ):
        out.add(key, total)
        out.breakdown(key, dim_akt, {shown[n]: per_name.get(n, 0) for n in order
                                     if n in per_name.index})
        out.breakdown(key, fokus_col.header, focus)

    with_id = att[att["pid"] != ""]
    if len(with_id):
        out.add("unika_deltagare", with_id["pid"].nunique())
        out.breakdown("unika_deltagare", dim_akt,
                      {shown[n]: by_name_att[n] for n in order if n in by_name_att.index})
        fokus_labels = _categories(with_id["fokus"], fokus_order)
        per = with_id.groupby(fokus_labels.to_numpy())["pid"].nunique()
        out.breakdown("unika_deltagare", fokus_col.header,
                      {f: per[f] for f in (*fokus_order, *C.OWN_CATEGORIES) if f in per.index})

    out.add("forelasningar_deltagare",
            sessions.loc[sessions["typ"] == C.AKTIVITETSTYP_FORELASNING, "deltagare"].sum())
    out.add("spontana_besok", (sessions["typ"] == C.AKTIVITETSTYP_SPONTANT).sum())


_UNKNOWN_ACTIVITY = "OGILTIG"
"""The normalised name of attendance rows whose activity no session of the year has: in
capitals, which no casefolded name can be."""


def _first_spelling(keys: pd.Series, labels: pd.Series) -> dict[str, str]:
    """Normalised name -> the first spelling typed for it (``EMPTY`` for a blank name)."""
    frame = pd.DataFrame({"k": keys.to_numpy(), "v": labels.to_numpy()})
    frame = frame.drop_duplicates("k", keep="first")
    return {k: (str(v).strip() if k else EMPTY) for k, v in zip(frame["k"], frame["v"], strict=True)}


# --------------------------------------------------------------------------- plan


def _plan(out: _Figures, wb: WorkbookData, df: pd.DataFrame) -> None:
    out.add("plan_aktiviteter", len(df))
    _list_breakdown(out, wb, "plan_aktiviteter", _P, "fokusomrade", df["fokusomrade"])
    _list_breakdown(out, wb, "plan_aktiviteter", _P, "status", df["status"])


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _listed(value, allowed: tuple[str, ...]) -> str | None:
    """A plan cell of a list column: its value when it is in the list, ``INVALID`` when it is
    any other value, None when blank."""
    text = _text(value)
    if text is None or text == "":
        return None
    return text if text in allowed else INVALID


def _plan_rows(wb: WorkbookData) -> tuple[PlanRow, ...]:
    """The plan as written, its Fokusområde and Status as list values (``INVALID`` when outside
    the list): a misspelled focus area never becomes a heading of its own."""
    td = wb.tables.get("plan")
    if td is None:
        return ()
    focus = wb.list_values(_P.column("fokusomrade").list)
    status = wb.list_values(_P.column("status").list)
    return tuple(
        PlanRow(_listed(r.fokusomrade, focus) or "", _text(r.aktivitet) or "",
                _listed(r.status, status), _text(r.uppfoljning), _text(r.framtidsplan))
        for r in td.df.itertuples(index=False)
    )  # fmt: skip


# --------------------------------------------------------------------------- earlier years


def _history_columns(df: pd.DataFrame) -> dict[str, str]:
    """Rapportdata key -> column of Tidigare år: the fixed ones, plus extra columns headed by a
    Rapportdata key or its Swedish label (kept by the reader under their header)."""
    columns = {key: key for key in C.HISTORY_KEYS if key in df.columns}
    by_name = {}
    for f in C.FIGURES:
        if not f.key.startswith(C.CHANGE_PREFIX):
            by_name[f.key.casefold()] = f.key
            by_name[f.label.strip().casefold()] = f.key
    fixed = set(C.TIDIGARE_AR.keys)
    for column in df.columns:
        if column in fixed:
            continue
        key = by_name.get(" ".join(str(column).split()).casefold())
        if key and key not in columns:
            columns[key] = column
    return columns


def _earlier_years(wb: WorkbookData, year: int) -> dict[int, dict[str, float]]:
    """{year: {key: value}} from Tidigare år, before this year only, oldest first."""
    td = wb.tables.get("tidigare_ar")
    if td is None or td.df.empty:
        return {}
    df = td.df
    years = pd.to_numeric(df["ar"], errors="coerce")
    keep = years.notna() & (years < year)
    columns = _history_columns(df)
    out: dict[int, dict[str, float]] = {}
    values = {key: pd.to_numeric(df[col], errors="coerce").astype("float64")[keep]
              for key, col in columns.items()}  # fmt: skip
    for i, y in years[keep].items():
        row = {key: _number(v[i]) for key, v in values.items()}
        out[int(y)] = {k: v for k, v in row.items() if v is not None}
    return dict(sorted(out.items()))


def _since_start(out: _Figures, earlier: dict[int, dict[str, float]]) -> None:
    for key, source in (("remisser_sedan_start", "remisser"), ("far_sedan_start", "remisser_far"),
                        ("forsta_samtal_sedan_start", "forsta_samtal")):  # fmt: skip
        before = sum(row.get(source, 0) for row in earlier.values())
        out.add(key, before + (out.totals.get(source) or 0))


def _changes(out: _Figures, earlier: dict[int, dict[str, float]], year: int) -> None:
    previous = earlier.get(year - 1)
    if previous is None:
        return
    for key, before in previous.items():
        now = out.totals.get(key)
        change = None if now is None else now - before
        out.add(C.CHANGE_PREFIX + key, change)
        share = change / before if change is not None and before else None
        out.add(C.CHANGE_PREFIX + key + C.CHANGE_SHARE_SUFFIX, share)


def _history(out: _Figures, earlier: dict[int, dict[str, float]],
             year: int) -> tuple[tuple[int, dict[str, float]], ...]:  # fmt: skip
    this = {k: v for k, v in out.totals.items()
            if v is not None and not k.startswith(C.CHANGE_PREFIX)}  # fmt: skip
    return (*earlier.items(), (year, this))
