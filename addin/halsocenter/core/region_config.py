"""The region a workbook and a county workbook belong to: who collects the reports, the county
(län) the titles name, the region's public-health unit as the Styrgrupp column names it, and the
municipalities with their SCB codes and, where the region gives it, their population per year.

Jönköpings län is built in (``DEFAULT``, from the contract's ``DEFAULT_*``) and needs no file.
Another region writes its configuration as TOML and passes it with ``--region FILE``::

    [region]
    namn = "Region Exempel"        # who collects the reports
    lan = "Exempels län"           # titles: "Hälsocenter i Exempels län"
    folkhalsoenhet = "Folkhälsa Region Exempel"   # optional; the Styrgrupp column
    webbplats = "www.exempel.se"   # optional; the report's "more about Hälsocenter" (a link)
    konceptsida = "https://www.exempel.se/halsocenter"   # optional; the page on the concept
                                                          # that the report's introduction links
    lite_adress = "https://exempel.se/halsocenter/"   # optional; where xlwings Lite gets the
                                                      # package (``core.lite_setup``)

    [[kommun]]
    namn = "Storstad"
    kod = "9999"                   # SCB municipality code, four digits
    invanare = { 2023 = 97000, 2024 = 98000 }   # optional: population per year

``parse`` reads such a text and refuses anything it cannot trust with a Swedish message naming
the line: text that is not TOML, a missing ``namn``, a municipality or code given twice, a code
that is not four digits, a population that is not a positive whole number, an unknown key.

A workbook made for a region carries the configuration (without population, which changes
every year) in the named cell ``contract.REGION_CELL``; the reader parses it with the same
``parse``, so the workbook's own commands need no flag. Everything the contract derives from the
region -- the Kommun list and the Styrgrupp table -- comes from ``Region.lists`` and
``Region.tables``, which call the contract's ``kommun_list`` and ``styrgrupp_table``.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from halsocenter.core import contract as C
from halsocenter.core import lite_setup
from halsocenter.errors import UserError

MAX_CHARS = 1_000_000
"""A configuration of every Swedish municipality with fifty years of population is 150 000
characters; a text many times that is not a configuration."""
MAX_MUNICIPALITIES = 400
"""Sweden has 290 municipalities; a region has at most 49 (Västra Götaland)."""
MAX_NAME = 60
"""Characters of a municipality's name (the county's screening refuses longer names too)."""
MAX_TEXT = 120
MAX_URL = 300
YEAR_MIN, YEAR_MAX = 1900, 2100
MAX_INHABITANTS = 20_000_000

REGION_KEYS = {"namn": "vem som samlar in rapporterna, t.ex. ”Region Exempel”",
               "lan": "länet som rubrikerna nämner, t.ex. ”Exempels län”",
               "folkhalsoenhet": "regionens folkhälsoenhet som kolumnen på fliken Styrgrupp "
                                 "heter (valfri)",
               "webbplats": "var man läser mer om Hälsocenter (valfri)",
               "konceptsida": "https-adressen till regionens sida om konceptet Hälsocenter "
                              "(valfri)",
               "lite_adress": "https-adressen där regionen lägger paketet för xlwings Lite "
                              "(valfri)"}  # fmt: skip
KOMMUN_KEYS = {"namn": "kommunens namn", "kod": "kommunkoden från SCB, fyra siffror",
               "invanare": "invånare per år (valfri), t.ex. { 2024 = 98000 }"}  # fmt: skip


class RegionError(UserError):
    """A configuration that cannot be used; ``message`` names the source and the line."""


@dataclass(frozen=True)
class Municipality:
    name: str
    code: str
    inhabitants: tuple[tuple[int, int], ...] = ()
    """(year, population) pairs, oldest year first."""

    def inhabitants_in(self, year: int | None) -> int | None:
        return dict(self.inhabitants).get(year) if year is not None else None


@dataclass(frozen=True)
class Region:
    """A region's configuration; immutable and hashable, so derived tables are made once."""

    name: str
    county: str
    health_unit: str
    municipalities: tuple[Municipality, ...]
    website: str | None = None
    lite_address: str | None = None
    """Where the region hosts the package for xlwings Lite (``lite_setup.lite_address``)."""
    concept_page: str | None = None
    """The region's page on the Hälsocenter concept (an https address), linked from the Word
    report's introduction."""

    @property
    def website_url(self) -> str | None:
        """``website`` as a link's address: "www.rjl.se" -> "https://www.rjl.se"."""
        if not self.website:
            return None
        return self.website if re.match(r"https?://", self.website) else f"https://{self.website}"

    @cached_property
    def names(self) -> tuple[str, ...]:
        """The municipalities in the configuration's order (the region's own order)."""
        return tuple(m.name for m in self.municipalities)

    @cached_property
    def _by_folded(self) -> dict[str, Municipality]:
        return {fold(m.name): m for m in self.municipalities}

    def named(self, text: Any) -> str | None:
        """The municipality whose name ``text`` is, ignoring case and spacing; None for any
        other."""
        found = self._by_folded.get(fold(text))
        return found.name if found else None

    def municipality(self, name: str) -> Municipality | None:
        return self._by_folded.get(fold(name))

    def inhabitants(self, name: str, year: int | None) -> int | None:
        m = self.municipality(name)
        return m.inhabitants_in(year) if m else None

    @property
    def has_population(self) -> bool:
        return any(m.inhabitants for m in self.municipalities)

    def rank(self, name: str) -> int:
        """Position in the region's order; a municipality from elsewhere sorts after all."""
        return self._rank.get(name, len(self._rank))

    @cached_property
    def _rank(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}

    @property
    def title(self) -> str:
        """"Hälsocenter i Jönköpings län": the county workbook's and the county report's title."""
        return f"Hälsocenter i {self.county}"

    @property
    def is_default(self) -> bool:
        return self.without_population() == DEFAULT

    # ---- what the contract derives from the region

    @cached_property
    def lists(self) -> tuple[C.ListDef, ...]:
        kommun = C.kommun_list(self.names)
        return tuple(kommun if lst.key == C.KOMMUN_LIST else lst for lst in C.LISTS)

    @cached_property
    def list_by_key(self) -> dict[str, C.ListDef]:
        return {lst.key: lst for lst in self.lists}

    @cached_property
    def tables(self) -> tuple[C.Table, ...]:
        styrgrupp = C.styrgrupp_table(self.health_unit)
        return tuple(styrgrupp if t.key == styrgrupp.key else t for t in C.TABLES)

    @cached_property
    def table_by_key(self) -> dict[str, C.Table]:
        return {t.key: t for t in self.tables}

    # ---- as text

    def without_population(self) -> Region:
        return Region(self.name, self.county, self.health_unit,
                      tuple(Municipality(m.name, m.code) for m in self.municipalities),
                      self.website, self.lite_address, self.concept_page)  # fmt: skip

    def to_toml(self, *, population: bool = True, comment: str = "") -> str:
        """The configuration as TOML that ``parse`` reads back to an equal Region; ``comment``
        (lines without ``#``) goes on top."""
        out = [f"# {line}".rstrip() for line in comment.splitlines()]
        if out:
            out.append("")
        out += ["[region]", f"namn = {_quoted(self.name)}", f"lan = {_quoted(self.county)}",
                f"folkhalsoenhet = {_quoted(self.health_unit)}"]
        if self.website:
            out.append(f"webbplats = {_quoted(self.website)}")
        if self.concept_page:
            out.append(f"konceptsida = {_quoted(self.concept_page)}")
        if self.lite_address:
            out.append(f"lite_adress = {_quoted(self.lite_address)}")
        for m in self.municipalities:
            out += ["", "[[kommun]]", f"namn = {_quoted(m.name)}", f"kod = {_quoted(m.code)}"]
            if population and m.inhabitants:
                pairs = ", ".join(f"{y} = {n}" for y, n in m.inhabitants)
                out.append(f"invanare = {{ {pairs} }}")
        return "\n".join(out) + "\n"

    @property
    def workbook_text(self) -> str:
        """What a workbook carries: the configuration without population."""
        return self.to_toml(population=False)


def fold(text: Any) -> str:
    """A name compared ignoring case and spacing."""
    return " ".join(str(text or "").split()).casefold()


def _quoted(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


DEFAULT = Region(C.DEFAULT_REGION_NAME, C.DEFAULT_COUNTY, C.DEFAULT_HEALTH_UNIT,
                 tuple(Municipality(name, code) for name, code in C.DEFAULT_MUNICIPALITIES),
                 C.DEFAULT_WEBSITE, concept_page=C.DEFAULT_CONCEPT_PAGE)  # fmt: skip
"""Jönköpings län, the built-in region."""

DEFAULT_FILE_COMMENT = """\
Regionens inställningar för halsocenter: Jönköpings län, som programmet har inbyggt.
Kopiera filen, ändra den för er region och ange den med --region FIL när ni skapar
arbetsböcker (halsocenter new-workbook) och sammanställer länet (halsocenter region).

[region]  namn = den som samlar in rapporterna, lan = länet som rubrikerna nämner,
          folkhalsoenhet = kolumnen på fliken Styrgrupp (valfri; annars "Folkhälsa <namn>"),
          webbplats = var man läser mer om Hälsocenter (valfri),
          konceptsida = https-adressen till regionens sida om konceptet (valfri; Word-rapportens
          inledning länkar dit),
          lite_adress = https-adressen där regionen lägger paketet för xlwings Lite (valfri;
          då står raderna för xlwings Lite på arbetsböckernas flik Start).
[[kommun]] en gång per kommun: namn, kod (SCB:s kommunkod, fyra siffror, inom citattecken)
          och valfritt invånare per år, t.ex.  invanare = { 2023 = 6812, 2024 = 6830 }
          Folkmängden den 31 december finns i SCB:s statistikdatabas, tabell BE0101N1
          (Folkmängden efter region, civilstånd, ålder och kön). Med invånare visar länets
          arbetsbok och rapport nyckeltal per 1 000 invånare."""


# --------------------------------------------------------------------------- parsing


def parse(text: str, source: str = "regionfilen") -> Region:
    """The Region a TOML text describes; ``source`` names it in messages ("region.toml",
    "fliken Region, cell A5"). Raises RegionError naming the line."""
    if not isinstance(text, str):
        raise RegionError(f"{source}: inställningarna saknas eller är inte text.")
    if len(text) > MAX_CHARS:
        raise RegionError(f"{source}: filen är för stor för att vara regionens inställningar "
                          f"(mer än {MAX_CHARS:,} tecken).".replace(",", " "))  # fmt: skip
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, reason = _toml_reason(str(exc))
        typed = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
        swedish = re.match(r"\s*([\w-]*[åäöÅÄÖ][\w-]*)\s*=", typed)
        if swedish:
            key = swedish.group(1)
            plain = key.translate(str.maketrans("åäöÅÄÖ", "aaoAAO"))
            reason = (f"nyckeln ”{key}” har å, ä eller ö, men nycklarna skrivs utan dem: "
                      f"{plain}")
        raise RegionError(f"{_where(source, line)}: texten följer inte TOML-formatet – "
                          f"{reason}.") from None  # fmt: skip
    return _Reader(text, source).region(data)


def _toml_reason(message: str) -> tuple[int | None, str]:
    """(line, Swedish reason) of a tomllib error message."""
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    line = int(found.group(1)) if found else None
    for english, swedish in (
        ("Cannot overwrite", "samma nyckel står två gånger"),
        ("Cannot declare", "samma tabell står två gånger"),
        ("Cannot mutate", "samma nyckel står två gånger"),
        ("Unterminated string", "en text saknar sitt avslutande citattecken"),
        ("Illegal character '\\n'", "en text saknar sitt avslutande citattecken på raden"),
        ("Unclosed", "en klammer stängs inte"),
        ("Expected '='", "likhetstecken saknas efter nyckeln"),
        ("Invalid value", "värdet går inte att läsa; skriv text inom citattecken, "
                          "t.ex. namn = \"Storstad\""),
        ("Illegal character", "raden har ett otillåtet tecken"),
        ("Invalid initial character for a key", "en nyckel börjar med ett otillåtet tecken"),
        ("Expected ']", "en hakparentes stängs inte"),
    ):  # fmt: skip
        if english in message:
            return line, swedish
    return line, "raden går inte att läsa"


def _where(source: str, line: int | None) -> str:
    return f"{source}, rad {line}" if line else source


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.[^=]*)?=""")


class _Lines:
    """Where things stand in the text, for messages: the line of each table header and of each
    key under it. TOML is read by tomllib; this only points at lines, and a layout it does not
    follow gives a message without a line, never a wrong one."""

    def __init__(self, text: str):
        self.headers: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[str, int, str], int] = {}
        counts: dict[str, int] = {}
        section = ("", 0)
        for n, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                name = re.sub(r"\s*\.\s*", ".", header.group(2)).strip('"')
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, 0) + 1
                    section = (name, counts[name] - 1)
                    self.headers[section] = n
                elif "." in name:  # [kommun.invanare]: a sub-table of the latest element
                    parent, _, sub = name.partition(".")
                    section = (f"{parent}.{sub}", max(counts.get(parent, 1) - 1, 0))
                    self.headers.setdefault(section, n)
                else:
                    section = (name, 0)
                    self.headers.setdefault(section, n)
                continue
            key = _KEY.match(line)
            if key:
                name = key.group(1).strip("\"'")
                self.keys.setdefault((*section, name), n)

    def key(self, table: str, index: int, key: str) -> int | None:
        return self.keys.get((table, index, key)) or self.headers.get((table, index))

    def header(self, table: str, index: int = 0) -> int | None:
        return self.headers.get((table, index))


class _Reader:
    def __init__(self, text: str, source: str):
        self.source = source
        self.lines = _Lines(text)

    def fail(self, line: int | None, message: str):
        raise RegionError(f"{_where(self.source, line)}: {message}")

    def region(self, data: dict[str, Any]) -> Region:
        for key in data:
            if key not in ("region", "kommun"):
                self.fail(self.lines.key("", 0, key) or self.lines.header(key),
                          f"okänd nyckel eller tabell ”{_shown(key)}”. Filen har tabellen "
                          "[region] och en tabell [[kommun]] per kommun.")  # fmt: skip
        head = data.get("region")
        if not isinstance(head, dict):
            self.fail(self.lines.key("", 0, "region"),
                      "tabellen [region] saknas. Skriv [region] med namn och lan överst i "
                      "filen." if head is None else "region ska vara en tabell: skriv [region] "
                      "på en egen rad och namn och lan under.")  # fmt: skip
        self._unknown(head, REGION_KEYS, "region", 0, "[region]")
        name = self._text(head, "namn", "region", 0, "[region]", MAX_TEXT)
        county = self._text(head, "lan", "region", 0, "[region]", MAX_TEXT)
        unit = self._text(head, "folkhalsoenhet", "region", 0, "[region]", MAX_NAME,
                          required=False) or f"Folkhälsa {name}"  # fmt: skip
        website = self._text(head, "webbplats", "region", 0, "[region]", MAX_TEXT,
                             required=False)  # fmt: skip
        lite = self._text(head, "lite_adress", "region", 0, "[region]", MAX_TEXT,
                          required=False)  # fmt: skip
        concept = self._text(head, "konceptsida", "region", 0, "[region]", MAX_URL,
                             required=False)  # fmt: skip
        if concept is not None and not re.fullmatch(r"https?://[^\s\"<>]+\.[^\s\"<>]+", concept):
            self.fail(self.lines.key("region", 0, "konceptsida"),
                      "konceptsida ska vara en hel webbadress som börjar med https://, t.ex. "
                      "konceptsida = \"https://www.exempel.se/halsocenter\".")  # fmt: skip
        if lite is not None:
            try:
                lite = lite_setup.lite_address(lite)
            except lite_setup.LiteAddressError as exc:
                self.fail(self.lines.key("region", 0, "lite_adress"), exc.message)
        items = data.get("kommun")
        if items is None:
            self.fail(None, "kommunerna saknas. Skriv en tabell [[kommun]] med namn och kod för "
                            "varje kommun i regionen.")  # fmt: skip
        if not isinstance(items, list) or not all(isinstance(k, dict) for k in items):
            self.fail(self.lines.key("", 0, "kommun") or self.lines.header("kommun"),
                      "kommun ska vara en tabell per kommun: skriv [[kommun]] (med dubbla "
                      "hakparenteser) före varje kommuns namn och kod.")  # fmt: skip
        if not items:
            self.fail(None, "ingen kommun är angiven.")
        if len(items) > MAX_MUNICIPALITIES:
            self.fail(self.lines.header("kommun", MAX_MUNICIPALITIES),
                      f"fler än {MAX_MUNICIPALITIES} kommuner; en region har färre.")
        municipalities, names, codes = [], {}, {}
        for i, item in enumerate(items):
            m = self._municipality(item, i)
            folded = fold(m.name)
            if folded in names:
                self.fail(self.lines.key("kommun", i, "namn"),
                          f"kommunen ”{m.name}” står redan på rad {names[folded]}; varje kommun "
                          "ska stå en gång.")  # fmt: skip
            if m.code in codes:
                self.fail(self.lines.key("kommun", i, "kod"),
                          f"kommunkoden {m.code} står redan på rad {codes[m.code]}; varje kommun "
                          "har sin egen kod.")  # fmt: skip
            names[folded] = self.lines.key("kommun", i, "namn") or "?"
            codes[m.code] = self.lines.key("kommun", i, "kod") or "?"
            municipalities.append(m)
        return Region(name, county, unit, tuple(municipalities), website, lite, concept)

    def _unknown(self, table: dict, known: dict[str, str], name: str, index: int,
                 shown: str) -> None:  # fmt: skip
        for key in table:
            if key not in known:
                listed = ", ".join(known)
                self.fail(self.lines.key(name, index, key),
                          f"okänd nyckel ”{_shown(key)}” i {shown}. Kända nycklar: {listed}.")

    def _text(self, table: dict, key: str, name: str, index: int, shown: str, limit: int, *,
              required: bool = True) -> str | None:  # fmt: skip
        value = table.get(key)
        line = self.lines.key(name, index, key)
        if value is None:
            if required:
                self.fail(self.lines.header(name, index) or line,
                          f"{key} saknas i {shown}. Skriv {key} = \"…\" ({_purpose(name, key)}).")
            return None
        if not isinstance(value, str):
            self.fail(line, f"{key} ska vara text inom citattecken, t.ex. {key} = \"…\".")
        text = " ".join(value.split())
        if not text:
            self.fail(line, f"{key} är tomt i {shown}.")
        if re.search(r"[\x00-\x1f\x7f\ufffe\uffff]", text):
            self.fail(line, f"{key} innehåller styrtecken.")
        if len(text) > limit:
            self.fail(line, f"{key} har {len(text)} tecken; högst {limit} går.")
        return text

    def _municipality(self, item: dict, i: int) -> Municipality:
        shown = f"kommun nummer {i + 1}"
        self._unknown(item, KOMMUN_KEYS, "kommun", i, shown)
        name = self._text(item, "namn", "kommun", i, shown, MAX_NAME)
        if fold(name) == fold(C.COUNTY_ROW):
            self.fail(self.lines.key("kommun", i, "namn"),
                      f"”{C.COUNTY_ROW}” är länets egen rad i sammanställningen och kan inte "
                      "vara namnet på en kommun.")  # fmt: skip
        code = self._code(item.get("kod"), self.lines.key("kommun", i, "kod"), name)
        return Municipality(name, code, self._inhabitants(item.get("invanare"), i, name))

    def _code(self, value: Any, line: int | None, name: str) -> str:
        if value is None:
            self.fail(line, f"kod saknas för {name}. Skriv SCB:s kommunkod inom citattecken, "
                            "t.ex. kod = \"0604\".")  # fmt: skip
        if isinstance(value, int) and not isinstance(value, bool):
            if 1000 <= value <= 9999:
                return str(value)
            self.fail(line, f"kommunkoden {value} för {name} har inte fyra siffror. Skriv koden "
                            "inom citattecken så att en inledande nolla står kvar, t.ex. kod = "
                            "\"0604\".")  # fmt: skip
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}", value.strip()):
            self.fail(line, f"kommunkoden ”{_shown(value)}” för {name} ska vara fyra siffror, "
                            "t.ex. kod = \"0604\" (SCB:s kommunkod).")  # fmt: skip
        return value.strip()

    def _inhabitants(self, value: Any, i: int, name: str) -> tuple[tuple[int, int], ...]:
        if value is None:
            return ()
        line = self.lines.key("kommun", i, "invanare")
        if not isinstance(value, dict):
            self.fail(line, f"invanare för {name} ska vara år och antal, t.ex. invanare = "
                            "{ 2024 = 98000 }.")  # fmt: skip
        pairs = {}
        for year_text, n in value.items():
            at = self.lines.key("kommun.invanare", i, year_text) or line
            if not re.fullmatch(r"[0-9]{4}", year_text) or not YEAR_MIN <= int(year_text) <= YEAR_MAX:
                self.fail(at, f"”{_shown(year_text)}” i invanare för {name} är inget årtal; skriv "
                              "året med fyra siffror, t.ex. { 2024 = 98000 }.")  # fmt: skip
            if isinstance(n, bool) or not isinstance(n, int):
                self.fail(at, f"invånarantalet {year_text} för {name} ska vara ett heltal utan "
                              "citattecken och mellanslag, t.ex. 98000.")  # fmt: skip
            if n <= 0:
                self.fail(at, f"invånarantalet {year_text} för {name} är {n}; det ska vara "
                              "större än 0.")  # fmt: skip
            if n > MAX_INHABITANTS:
                self.fail(at, f"invånarantalet {year_text} för {name} ({n}) är orimligt stort.")
            pairs[int(year_text)] = n
        return tuple(sorted(pairs.items()))


def _purpose(table: str, key: str) -> str:
    return (REGION_KEYS if table == "region" else KOMMUN_KEYS).get(key, key)


def _shown(value: Any, limit: int = 40) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
