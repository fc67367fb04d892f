"""The workbook contract: the single source of truth for every sheet, table, column, list,
named cell, generated sheet and Rapportdata key.

Every other module takes names, headers and list values from here, so a header is spelled in
exactly one place. Identifiers (``key``) are English; everything a person sees is Swedish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TEMPLATE_VERSION = 1
"""Version of the workbook layout. Bumped when a table or column changes; older versions are
read through the migrations in ``MIGRATIONS``."""

Kind = Literal["text", "id", "date", "int", "number", "list"]


# --------------------------------------------------------------------------- lists


@dataclass(frozen=True)
class ListDef:
    """A drop-down list kept as a one-column Excel table on sheet ``Listor``.

    The coach may add values at the bottom; the defined name grows with the table, so the
    drop-downs pick the new value up and the validator accepts it.
    """

    key: str
    header: str
    values: tuple[str, ...]

    @property
    def table(self) -> str:
        return "lst" + "".join(p.capitalize() for p in self.key.split("_"))

    @property
    def defined_name(self) -> str:
        return "lista_" + self.key


DEFAULT_REGION_NAME = "Region Jönköpings län"
DEFAULT_COUNTY = "Jönköpings län"
DEFAULT_HEALTH_UNIT = "Folkhälsa RJL"
DEFAULT_WEBSITE = "www.rjl.se"
DEFAULT_CONCEPT_PAGE = ("https://www.rjl.se/konceptet-halsocenter-i-jonkopings-lan-folkhalsa-"
                        "och-sjukvard")
"""The county's page on the Hälsocenter concept, which the Word report's introduction links."""
FOCUS_AREAS = ("Fysisk aktivitet", "Matvanor", "Stress och återhämtning",
               "Gemenskap/psykiskt välbefinnande/existentiell hälsa")
"""The four focus areas the county's hubs share: the first values of the Fokusområde list,
which adds Spontana besök and Föreläsningar for the activities that are not one of them."""
DEFAULT_MUNICIPALITIES = (
    ("Aneby", "0604"), ("Eksjö", "0686"), ("Gislaved", "0662"), ("Gnosjö", "0617"),
    ("Habo", "0643"), ("Jönköping", "0680"), ("Mullsjö", "0642"), ("Nässjö", "0682"),
    ("Sävsjö", "0684"), ("Tranås", "0687"), ("Vaggeryd", "0665"), ("Vetlanda", "0685"),
    ("Värnamo", "0683"),
)  # fmt: skip
"""The built-in region, Jönköpings län: its 13 municipalities with their SCB codes. Another
region brings its own configuration (``core.region_config``); every name, header and text that
depends on the region is derived from one ``Region`` through ``kommun_list`` and
``styrgrupp_table`` below, so nothing else spells a municipality or the region's unit."""

COUNTY_ROW = "Länet"
"""The county's own row in Rapportdata and the county workbook; never a municipality's name."""

KOMMUN_LIST = "kommun"
"""Key of the list of the region's municipalities (the drop-down of ``hc_kommun``)."""


def kommun_list(names: tuple[str, ...]) -> ListDef:
    """The drop-down list of a region's municipalities."""
    return ListDef(KOMMUN_LIST, "Kommun", tuple(names))


TRANING_MINUTES = {
    "0 min": 0, "<30 min": 15, "30–59 min": 45, "60–89 min": 75, "90–119 min": 105,
    "≥120 min": 120,
}  # fmt: skip
"""Folkhälsomyndigheten's indicator question on training (pulshöjande träning) per week; the value
is the minute figure each answer counts as when activity minutes are computed."""

VARDAG_MINUTES = {
    "0 min": 0, "<30 min": 15, "30–59 min": 45, "60–89 min": 75, "90–149 min": 120,
    "150–299 min": 225, "≥300 min": 300,
}  # fmt: skip
"""Folkhälsomyndigheten's indicator question on everyday activity (vardagsmotion) per week."""

ACTIVITY_MINUTES_THRESHOLD = 150
"""Activity minutes = 2 × training + everyday; below this a person is insufficiently active."""

LISTS: tuple[ListDef, ...] = (
    kommun_list(tuple(name for name, _ in DEFAULT_MUNICIPALITIES)),
    ListDef("remisstyp", "Typ", ("FaR", "Annan remiss", "Egen kontakt")),
    ListDef("remittent", "Remittent", (
        "Vårdcentral", "Annan vårdgivare", "Kommun", "Förening/civilsamhälle", "Egen kontakt",
        "Övrigt")),
    ListDef("kon", "Kön", ("Kvinna", "Man", "Annat", "Uppgift saknas")),
    ListDef("aldersgrupp", "Åldersgrupp", ("under 18", "18–29", "30–44", "45–64", "65–79", "80+")),
    ListDef("levnadsvana", "Fokus (levnadsvana)", (
        "Fysisk aktivitet", "Matvanor", "Sömn", "Stress och återhämtning", "Socialt sammanhang",
        "Tobak och alkohol", "Flera levnadsvanor")),
    ListDef("utfall", "Utfall", ("Väntar", "Bokat", "Genomfört", "Uteblev", "Tackade nej",
                                 "Ej nåbar")),
    ListDef("traning", "Träning per vecka", tuple(TRANING_MINUTES)),
    ListDef("vardagsaktivitet", "Vardagsaktivitet per vecka", tuple(VARDAG_MINUTES)),
    ListDef("slussad", "Slussad till", (
        "Förening", "Gym/träningsanläggning", "Hälsocenter-grupp", "Bibliotek", "Studieförbund",
        "Annat")),
    ListDef("tidpunkt", "Tidpunkt", ("3 mån", "6 mån", "12 mån", "Annan")),
    ListDef("fokusomrade", "Fokusområde", (*FOCUS_AREAS, "Spontana besök", "Föreläsningar")),
    ListDef("aktivitetstyp", "Aktivitetstyp", (
        "Träningsgrupp", "Kurs", "Föreläsning", "Samtalsgrupp", "Promenad", "Evenemang",
        "Spontant besök", "Annat")),
    ListDef("malgrupp", "Målgrupp", (
        "Allmänhet", "FaR-deltagare", "LSS", "AME", "Seniorer", "Elever", "Föreningar", "Personal",
        "Annan")),
    ListDef("status", "Status", ("Planerad", "Pågår", "Genomförd", "Delvis", "Ej genomförd")),
    ListDef("janej", "Ja/Nej", ("Ja", "Nej")),
    ListDef("avsnitt", "Avsnitt", (
        "Arbetssätt och metoder", "Samverkan i närsamhället", "Vägar in till Hälsocenter",
        "Målgrupp", "Styrgrupp", "Beskrivning av lokalt Hälsocenter", "Utbildning och kompetens",
        "Övrigt")),
)  # fmt: skip

LIST_BY_KEY = {lst.key: lst for lst in LISTS}

# Values the statistics refer to by meaning. Kept here so no module spells them again.
TYP_FAR = "FaR"
UTFALL_GENOMFORT = "Genomfört"
UTFALL_UTEBLEV = "Uteblev"
UTFALL_TACKADE_NEJ = "Tackade nej"
UTFALL_EJ_NABAR = "Ej nåbar"
UTFALL_VANTAR = "Väntar"
UTFALL_BOKAT = "Bokat"
AKTIVITETSTYP_FORELASNING = "Föreläsning"
AKTIVITETSTYP_SPONTANT = "Spontant besök"
STATUS_PLANERAD = "Planerad"
STATUS_PAGAR = "Pågår"
JA = "Ja"
NEJ = "Nej"
TIDPUNKT_MONTHS = {"3 mån": 3, "6 mån": 6, "12 mån": 12}


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    """One column of a data table.

    ``key`` is the DataFrame column name in code; ``header`` is what the coach sees; ``help`` is
    the input message Excel shows when the cell is selected (at most 255 characters).
    """

    key: str
    header: str
    kind: Kind = "text"
    required: bool = False
    list: str | None = None
    help: str = ""
    width: float = 14
    unique: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    name: str
    sheet: str
    columns: tuple[Column, ...]
    description: str = ""

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.name} has no column {key!r}")

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def _c(key, header, kind="text", required=False, list=None, help="", width=14, unique=False):
    return Column(key, header, kind, required, list, help, width, unique)


REMISSER = Table("remisser", "tblRemisser", "Remisser", (
    _c("lopnummer", "Löpnummer", "id", True, unique=True, width=12,
       help="Eget löpnummer, t.ex. 2024-017. Aldrig personnummer eller namn."),
    _c("inkom", "Inkom", "date", True, width=12, help="Datum då remissen/kontakten kom in."),
    _c("typ", "Typ", "list", True, "remisstyp", width=14,
       help="FaR, annan remiss eller egen kontakt."),
    _c("remittent", "Remittent", "list", True, "remittent", width=20,
       help="Vem som skickade remissen."),
    _c("kon", "Kön", "list", False, "kon", width=12),
    _c("aldersgrupp", "Åldersgrupp", "list", False, "aldersgrupp", width=12),
    _c("fokus", "Fokus", "list", False, "levnadsvana", width=20,
       help="Den levnadsvana samtalet främst gäller."),
    _c("forsta_samtal", "Första samtal", "date", False, width=13,
       help="Datum för första samtalet (tom om det inte ägt rum)."),
    _c("utfall", "Utfall", "list", True, "utfall", width=13,
       help="Läget för remissen: väntar, bokat, genomfört, uteblev, tackade nej, ej nåbar."),
    _c("retur", "Retur", "date", False, width=12,
       help="Datum då receptet skickades i retur till förskrivaren."),
    _c("traning_start", "Träning start", "list", False, "traning", width=13,
       help="Pulshöjande träning per vecka vid första samtalet (Folkhälsomyndighetens fråga)."),
    _c("vardag_start", "Vardagsaktivitet start", "list", False, "vardagsaktivitet", width=17,
       help="Vardagsaktivitet per vecka vid första samtalet (Folkhälsomyndighetens fråga)."),
    _c("slussad_till", "Slussad till", "list", False, "slussad", width=20,
       help="Vart personen slussades vidare, om någonstans."),
    _c("avslutad", "Avslutad", "date", False, width=12, help="Datum då ärendet avslutades."),
    _c("kommentar", "Kommentar", "text", False, width=30,
       help="Fri text. Skriv aldrig namn, personnummer eller telefonnummer."),
), "En rad per inkommen remiss eller kontakt.")  # fmt: skip

UPPFOLJNINGAR = Table("uppfoljningar", "tblUppfoljningar", "Uppföljningar", (
    _c("lopnummer", "Löpnummer", "id", True, width=12,
       help="Samma löpnummer som på fliken Remisser."),
    _c("datum", "Datum", "date", True, width=12, help="Datum för uppföljningen."),
    _c("tidpunkt", "Tidpunkt", "list", True, "tidpunkt", width=10,
       help="Ungefär hur lång tid efter första samtalet: 3, 6 eller 12 månader."),
    _c("traning", "Träning", "list", False, "traning", width=13,
       help="Pulshöjande träning per vecka vid uppföljningen."),
    _c("vardag", "Vardagsaktivitet", "list", False, "vardagsaktivitet", width=17,
       help="Vardagsaktivitet per vecka vid uppföljningen."),
    _c("slussad_till", "Slussad till", "list", False, "slussad", width=20),
    _c("kommentar", "Kommentar", "text", False, width=30,
       help="Fri text. Skriv aldrig namn, personnummer eller telefonnummer."),
), "En rad per uppföljande samtal.")  # fmt: skip

AKTIVITETER = Table("aktiviteter", "tblAktiviteter", "Aktiviteter", (
    _c("datum", "Datum", "date", True, width=12),
    _c("aktivitet", "Aktivitet", "text", True, width=26,
       help="Gruppens eller aktivitetens namn, samma stavning varje gång (t.ex. FaR träningsgrupp)."),
    _c("fokusomrade", "Fokusområde", "list", True, "fokusomrade", width=24),
    _c("typ", "Typ", "list", True, "aktivitetstyp", width=15),
    _c("deltagare", "Deltagare", "int", True, width=10, help="Antal deltagare vid tillfället."),
    _c("timmar", "Timmar", "number", False, width=8, help="Tillfällets längd i timmar, t.ex. 1,5."),
    _c("malgrupp", "Målgrupp", "list", False, "malgrupp", width=14),
    _c("samarbetspart", "Samarbetspart", "text", False, width=20),
    _c("kommentar", "Kommentar", "text", False, width=30,
       help="Fri text. Skriv aldrig namn, personnummer eller telefonnummer."),
), "En rad per tillfälle: grupp, kurs, föreläsning, evenemang eller spontant besök.")  # fmt: skip

NARVARO = Table("narvaro", "tblNarvaro", "Närvaro", (
    _c("datum", "Datum", "date", True, width=12),
    _c("aktivitet", "Aktivitet", "text", True, width=26,
       help="Samma namn som på fliken Aktiviteter."),
    _c("deltagar_id", "Deltagar-ID", "id", True, width=14,
       help="Pseudonym eller löpnummer – aldrig namn eller personnummer."),
), "Frivillig närvarolista: en rad per deltagare och tillfälle, för unika deltagare.")  # fmt: skip

STYRGRUPP_HEALTH_UNIT = "folkhalsa"
"""Key of Styrgrupp's column for the region's public-health unit."""


def styrgrupp_table(health_unit: str) -> Table:
    """Styrgrupp, whose third Ja/Nej column is the region's public-health unit (``Folkhälsa RJL``
    in Jönköpings län): the one table whose headers depend on the region."""
    return Table("styrgrupp", "tblStyrgrupp", "Styrgrupp", (
        _c("datum", "Datum", "date", True, width=12),
        _c("kommun", "Kommun", "list", False, "janej", width=10,
           help="Var kommunen representerad?"),
        _c("vardcentral", "Vårdcentral", "list", False, "janej", width=12),
        _c(STYRGRUPP_HEALTH_UNIT, health_unit, "list", False, "janej",
           width=max(13, min(len(health_unit), 30))),
        _c("invanare", "Invånarrepresentant", "list", False, "janej", width=18),
        _c("anteckning", "Anteckning", "text", False, width=40),
    ), "En rad per styrgruppsmöte.")  # fmt: skip


STYRGRUPP = styrgrupp_table(DEFAULT_HEALTH_UNIT)

PLAN = Table("plan", "tblPlan", "Plan", (
    _c("fokusomrade", "Fokusområde", "list", True, "fokusomrade", width=28),
    _c("aktivitet", "Aktivitet", "text", True, width=30, help="Vad ska göras?"),
    _c("status", "Status", "list", True, "status", width=13),
    _c("uppfoljning", "Uppföljning", "text", False, width=40, help="Hur blev det?"),
    _c("framtidsplan", "Framtidsplan", "text", False, width=40, help="Hur jobbar vi vidare?"),
), "Verksamhetsplanen: aktiviteter per fokusområde.")  # fmt: skip

PLAN_FIELDS = tuple(key for key in PLAN.keys if key != "fokusomrade")
"""The plan's fields as the summary sheet and the Word report show them under each focus
area, in this order (Aktivitet, Status, Uppföljning, Framtidsplan)."""

BERATTELSE = Table("berattelse", "tblBerattelse", "Berättelse", (
    _c("avsnitt", "Avsnitt", "list", True, "avsnitt", width=30),
    _c("text", "Text", "text", True, width=100,
       help="Er egen text till verksamhetsberättelsen. Inga namn på deltagare."),
), "Hälsocentrets egen berättelse per avsnitt i verksamhetsberättelsen.")  # fmt: skip

TIDIGARE_AR = Table("tidigare_ar", "tblTidigareAr", "Tidigare år", (
    _c("ar", "År", "int", True, width=8),
    _c("remisser", "Remisser", "int", False, width=10),
    _c("remisser_far", "FaR", "int", False, width=10),
    _c("forsta_samtal", "Första samtal", "int", False, width=13),
), "Tidigare års totaler. Fler nyckeltal kan läggas till som kolumner med Rapportdata-nyckeln "
   "som rubrik.")  # fmt: skip

TABLES: tuple[Table, ...] = (
    REMISSER, UPPFOLJNINGAR, AKTIVITETER, NARVARO, STYRGRUPP, PLAN, BERATTELSE, TIDIGARE_AR,
)
TABLE_BY_KEY = {t.key: t for t in TABLES}

# Sheets that must exist for a workbook to be ours; Närvaro and Tidigare år are optional inputs,
# but their sheets are still part of the template.
REQUIRED_TABLES = ("remisser", "uppfoljningar", "aktiviteter", "styrgrupp", "plan")


# --------------------------------------------------------------------------- named cells

START_SHEET = "Start"
LISTS_SHEET = "Listor"


@dataclass(frozen=True)
class NamedCell:
    name: str
    label: str
    kind: Kind
    cell: str
    list: str | None = None
    help: str = ""


NAMED_CELLS: tuple[NamedCell, ...] = (
    NamedCell("hc_kommun", "Kommun", "list", "B4", "kommun", "Välj kommun i listan."),
    NamedCell("hc_ar", "Verksamhetsår", "int", "B5", None, "Året som arbetsboken gäller, t.ex. 2024."),
    NamedCell("hc_startdatum", "Hälsocentret startade", "date", "B6", None,
              "Datum då hälsocentret öppnade."),
    NamedCell("hc_kontakt", "Kontaktperson", "text", "B7", None,
              "Hälsocoach eller ansvarig som regionen kan kontakta."),
    NamedCell("hc_mallversion", "Mallversion", "int", "B8", None,
              "Ändra inte. Visar vilken version av mallen arbetsboken följer."),
)  # fmt: skip
NAMED_CELL_BY_NAME = {c.name: c for c in NAMED_CELLS}
MIN_YEAR, MAX_YEAR = 2015, 2100
"""The verksamhetsår (hc_ar) a workbook may have: the check, ``new-workbook``, every writer and
the file names built from the year agree on it."""

REGION_SHEET = "Region"
"""Hidden sheet holding the region a workbook belongs to (``core.region_config``)."""
REGION_CELL = NamedCell("hc_region", "Regionens inställningar", "text", "A5", None,
                        "Regionen som arbetsboken hör till, i regionens inställningsformat. "
                        "Ändra inte; regionen skickar en ny mall när något ändras.")  # fmt: skip
"""The named cell on ``REGION_SHEET`` with the region's configuration (TOML text). A workbook
without it belongs to the built-in region (every workbook made before regions could be
configured is from Jönköpings län)."""


# --------------------------------------------------------------------------- generated sheets

SUMMARY_SHEET = "Årssammanställning"
CHECK_SHEET = "Kontroll"
MOVED_CELLS_SHEET = "Flyttade celler"
"""Where ``upgrade`` puts a cell typed beside a table whose place the grown table now takes, and
a note or link that has no cell to go to in the new workbook."""
MOVED_CELLS_COLUMNS = ("Flik", "Cell", "Värde", "Anteckning", "Länk")
DATA_SHEET = "Rapportdata"
GENERATED_SHEETS = (SUMMARY_SHEET, CHECK_SHEET, DATA_SHEET)

RAPPORTDATA_TABLE = "tblRapportdata"
RAPPORTDATA_COLUMNS = ("Kommun", "År", "Nyckel", "Dimension", "Värde")
"""Columns of the tidy machine interface, one row per figure."""

KONTROLL_COLUMNS = ("Allvarlighet", "Flik", "Rad", "Kolumn", "Cell", "Värde", "Meddelande", "Kod")
"""A finding as a record: the export file's list of open findings (without Värde)."""
KONTROLL_GROUP_COLUMNS = ("Allvarlighet", "Flik", "Antal", "Kolumn", "Första cell", "Celler",
                          "Meddelande", "Regel", "Kod")  # fmt: skip
"""The Kontroll sheet's summary: one row per group of findings that say the same thing."""
KONTROLL_FINDING_COLUMNS = ("Allvarlighet", "Flik", "Rad", "Kolumn", "Cell", "Värde", "Meddelande",
                            "Regel", "Kod")  # fmt: skip
"""The Kontroll sheet's list of findings, one per row; Regel is the rule in Swedish."""

SEVERITY_LABELS = {"error": "Fel", "warning": "Varning", "info": "Information"}
SEVERITY_ORDER = tuple(SEVERITY_LABELS)
"""Most serious first: the order of counts, of the Kontroll sheet and of a sort."""

# --------------------------------------------------------------------------- Rapportdata keys


@dataclass(frozen=True)
class Figure:
    """A Rapportdata key with its Swedish label and definition as shown to the coach."""

    key: str
    label: str
    definition: str
    unit: Literal["antal", "andel", "dagar", "timmar"] = "antal"
    dimensions: tuple[str, ...] = ()


FIGURES: tuple[Figure, ...] = (
    Figure("remisser", "Remisser och kontakter",
           "Rader på fliken Remisser med Inkom under året.",
           dimensions=("Typ", "Remittent", "Kön", "Åldersgrupp", "Fokus", "Månad")),
    Figure("remisser_far", "FaR-recept", "Remisser med Typ FaR och Inkom under året."),
    Figure("forsta_samtal", "Första samtal",
           "Rader med datum för Första samtal under året, även om remissen kom året före."),
    Figure("uteblev", "Uteblev", "Remisser under året med Utfall Uteblev."),
    Figure("tackade_nej", "Tackade nej", "Remisser under året med Utfall Tackade nej."),
    Figure("ej_nabar", "Ej nåbara", "Remisser under året med Utfall Ej nåbar."),
    Figure("vantar_vid_arsskifte", "Väntar vid årsskiftet",
           "Remisser som kommit in senast 31 december utan första samtal och inte avslutade "
           "(Utfall Väntar eller Bokat)."),
    Figure("retur", "Recept i retur", "Rader med Retur-datum under året."),
    Figure("vantetid_median_dagar", "Väntetid (median, dagar)",
           "Median av antal dagar från Inkom till Första samtal, för första samtal under året.",
           unit="dagar"),
    Figure("remisser_sedan_start", "Remisser sedan start",
           "Summan av Remisser på fliken Tidigare år plus årets remisser."),
    Figure("far_sedan_start", "FaR sedan start",
           "Summan av FaR på fliken Tidigare år plus årets FaR-recept."),
    Figure("forsta_samtal_sedan_start", "Första samtal sedan start",
           "Summan av Första samtal på fliken Tidigare år plus årets första samtal."),
    Figure("uppfoljningar", "Uppföljningar", "Uppföljningar med datum under året.",
           dimensions=("Tidpunkt",)),
    Figure("andel_tillrackligt_aktiva_start", "Tillräckligt aktiva vid start",
           "Andel med minst 150 aktivitetsminuter (2 × träning + vardagsaktivitet) vid första "
           "samtalet, bland remisser med mätning både vid start och vid uppföljning.",
           unit="andel"),
    Figure("andel_tillrackligt_aktiva_uppfoljning", "Tillräckligt aktiva vid uppföljning",
           "Samma personer som ovan, vid den senaste uppföljningen under året.", unit="andel"),
    Figure("matta_start_och_uppfoljning", "Mätta vid start och uppföljning",
           "Antal remisser med aktivitetsmätning både vid start och vid uppföljning."),
    Figure("slussade", "Slussade vidare",
           "Remisser slussade vidare under året (senaste kända destination per löpnummer).",
           dimensions=("Slussad till",)),
    Figure("tillfallen", "Tillfällen", "Antal rader (tillfällen) på fliken Aktiviteter under året.",
           dimensions=("Aktivitet", "Fokusområde")),
    Figure("deltagartillfallen", "Deltagartillfällen",
           "Summan av Deltagare; där närvarolista finns räknas raderna i Närvaro.",
           dimensions=("Aktivitet", "Fokusområde")),
    Figure("unika_deltagare", "Unika deltagare", "Antal olika Deltagar-ID i Närvaro.",
           dimensions=("Aktivitet", "Fokusområde")),
    Figure("deltagartimmar", "Deltagartimmar", "Summan av Timmar × deltagare per tillfälle.",
           unit="timmar", dimensions=("Aktivitet", "Fokusområde")),
    Figure("forelasningar_deltagare", "Deltagare, aktivitetstyp Föreläsning",
           "Summan av Deltagare för aktiviteter av typen Föreläsning. Andra aktiviteter i "
           "fokusområdet Föreläsningar räknas inte här (men i Deltagartillfällen per "
           "fokusområde)."),
    Figure("spontana_besok", "Spontana besök", "Antal tillfällen av typen Spontant besök."),
    Figure("styrgruppsmoten", "Styrgruppsmöten", "Antal styrgruppsmöten under året."),
    Figure("plan_aktiviteter", "Planerade aktiviteter", "Rader i verksamhetsplanen.",
           dimensions=("Fokusområde", "Status")),
)  # fmt: skip

CHANGE_PREFIX = "forandring_"
CHANGE_SHARE_SUFFIX = "_andel"
"""Year-on-year change of a figure ``k`` against Tidigare år: ``forandring_<k>`` (this year minus
last year, same unit as ``k``) and ``forandring_<k>_andel`` (that change as a fraction of last
year). Emitted only for figures that have a column in Tidigare år and a row for last year."""


def _with_changes(figures: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """Every figure plus its two change figures, so each emitted key has a Swedish definition."""
    changes = []
    for f in figures:
        changes.append(Figure(
            CHANGE_PREFIX + f.key, f"{f.label}: förändring mot föregående år",
            f"Årets värde för ”{f.label}” minus föregående års värde på fliken Tidigare år.",
            unit=f.unit))  # fmt: skip
        changes.append(Figure(
            CHANGE_PREFIX + f.key + CHANGE_SHARE_SUFFIX,
            f"{f.label}: förändring mot föregående år (andel)",
            f"Förändringen för ”{f.label}” mot föregående år, som andel av föregående års "
            "värde (0,10 = 10 % fler). Tom när föregående år var 0.", unit="andel"))  # fmt: skip
    return figures + tuple(changes)


FIGURES = _with_changes(FIGURES)
FIGURE_BY_KEY = {f.key: f for f in FIGURES}

# Tidigare år columns beyond the fixed ones are named by their Rapportdata key.
HISTORY_KEYS = ("remisser", "remisser_far", "forsta_samtal")

# Dimension names used in Rapportdata, as "Name=value".
DIM_MONTH = "Månad"
MONTH_NAMES = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
"""Short Swedish month names for tables and charts."""
EMPTY_CATEGORY = "(ej ifyllt)"
"""Dimension value for a blank cell, e.g. ``Kön=(ej ifyllt)``."""
INVALID_CATEGORY = "(ogiltigt värde)"
"""Dimension value for a cell whose value is not in its list, e.g. ``Fokus=(ogiltigt värde)``:
a value typed outside its list is counted here, never as a category of its own (the check
reports each one)."""
OWN_CATEGORIES = (INVALID_CATEGORY, EMPTY_CATEGORY)
"""The categories the program adds after a list's own values, in this order."""


# --------------------------------------------------------------------------- final or preliminary

STATUS_FINAL = "Slutlig"
STATUS_PRELIMINARY = "Preliminär"
"""What is made from a workbook with errors (severity Fel) left is preliminary, and says so
(``analysis.Status`` decides; the summary's page 1, the Word report, the export file and the
county workbook show it)."""


# --------------------------------------------------------------------------- what leaves the hub

FieldKind = Literal["program", "key", "list", "number", "free_text", "masked"]
"""What a field that leaves the hub may hold:

- ``program``: one of the program's own texts (a label, a rule's name, a version, a status);
- ``key``: a key of this contract (a Rapportdata key, a finding code);
- ``list``: a value of one of the contract's lists -- as the workbook extends the list on
  Listor -- or ``INVALID_CATEGORY`` / ``EMPTY_CATEGORY``; never a value typed outside its list;
- ``number``: a number, date or time the program computed or checked;
- ``free_text``: text a person typed into a field meant for the hub's public account (the plan,
  the names of its activities), only after the identity guard: a file is refused, or a county
  cell left empty, while it holds a personnummer or samordningsnummer;
- ``masked``: an identity number's masked form (year and month at most), naming what was left
  out.

Nothing read from a file name, a folder name, a sheet name, a document property, a comment or
any other cell ever leaves."""


@dataclass(frozen=True)
class Outbound:
    """One field a file that leaves the hub may carry: its sheet, its column (or Info label),
    what kind of value it holds and where that value comes from."""

    sheet: str
    field: str
    kind: FieldKind
    source: str


OTHER_SHEET = "(annan flik)"
"""How the export names a sheet that is not one of the template's (its own name stays home)."""

EXPORT_KIND = "Hälsocenter exportfil"
EXPORT_FORMAT = 2
"""Layout version of the export file, written on sheet Info: 2 has Status, findings as counts
per rule, sheet and column, and no file name (1 had Källfil and one row per finding)."""
READ_FORMATS = (1, 2)
"""Export formats the region reads: its municipalities do not all update the same day."""
EXPORT_DATA_SHEET = DATA_SHEET
EXPORT_PLAN_SHEET = PLAN.sheet
EXPORT_HISTORY_SHEET = "Historik"
EXPORT_INFO_SHEET = "Info"
EXPORT_CHECK_SHEET = CHECK_SHEET
EXPORT_MASK_COLUMN = "Maskerad"
EXPORT_MASKED = "Ja"
EXPORT_DATA_COLUMNS = (*RAPPORTDATA_COLUMNS, EXPORT_MASK_COLUMN)
EXPORT_HISTORY_COLUMNS = ("År", "Nyckel", "Värde")
EXPORT_CHECK_COLUMNS = ("Allvarlighet", "Regel", "Kod", "Flik", "Kolumn", "Antal")
"""The export's findings: one row per rule, sheet and column with the count, never a cell."""

INFO_KIND, INFO_FORMAT, INFO_KOMMUN, INFO_YEAR, INFO_STATUS = (
    "Filtyp", "Exportformat", "Kommun", "År", "Status")  # fmt: skip
INFO_TEMPLATE, INFO_PROGRAM, INFO_CREATED, INFO_MASK = (
    "Mallversion", "Programversion", "Skapad", "Maskerade under")  # fmt: skip
INFO_ERRORS, INFO_WARNINGS, INFO_INFOS = "Fel", "Varningar", "Information"
"""Sheet Info of the export: label in column A, value in column B."""

_GUARD = "after the identity guard (the export is refused while one is in the workbook)"
_LIST = ("a value of the workbook's {} list (the contract's, as extended on Listor), else "
         f"{INVALID_CATEGORY} or {EMPTY_CATEGORY}")

EXPORT_FIELDS: tuple[Outbound, ...] = (
    Outbound(DATA_SHEET, "Kommun", "list", "Start!hc_kommun: a value of the kommun list"),
    Outbound(DATA_SHEET, "År", "number", "Start!hc_ar"),
    Outbound(DATA_SHEET, "Nyckel", "key", "a Rapportdata key (FIGURES)"),
    Outbound(DATA_SHEET, "Dimension", "list",
             "empty, or Name=value: a dimension of the key (FIGURES) and " + _LIST.format(
                 "column's") + "; Månad=YYYY-MM; Aktivitet=<the activity's name as first typed "
             f"on Aktiviteter or Närvaro> (free text {_GUARD})"),
    Outbound(DATA_SHEET, "Värde", "number", "the figure computed by stats; empty when masked"),
    Outbound(DATA_SHEET, EXPORT_MASK_COLUMN, "program", f"{EXPORT_MASKED!r} when masked"),
    Outbound(EXPORT_PLAN_SHEET, "Fokusområde", "list", "Plan!Fokusområde: " + _LIST.format(
        "fokusområde")),
    Outbound(EXPORT_PLAN_SHEET, "Aktivitet", "free_text", f"Plan!Aktivitet, {_GUARD}"),
    Outbound(EXPORT_PLAN_SHEET, "Status", "list", "Plan!Status: " + _LIST.format("status")),
    Outbound(EXPORT_PLAN_SHEET, "Uppföljning", "free_text", f"Plan!Uppföljning, {_GUARD}"),
    Outbound(EXPORT_PLAN_SHEET, "Framtidsplan", "free_text", f"Plan!Framtidsplan, {_GUARD}"),
    Outbound(EXPORT_HISTORY_SHEET, "År", "number", "Tidigare år!År, and hc_ar"),
    Outbound(EXPORT_HISTORY_SHEET, "Nyckel", "key", "a Rapportdata key (FIGURES)"),
    Outbound(EXPORT_HISTORY_SHEET, "Värde", "number", "Tidigare år's totals and the year's"),
    Outbound(EXPORT_INFO_SHEET, INFO_KIND, "program", repr(EXPORT_KIND)),
    Outbound(EXPORT_INFO_SHEET, INFO_FORMAT, "number", "EXPORT_FORMAT"),
    Outbound(EXPORT_INFO_SHEET, INFO_KOMMUN, "list", "Start!hc_kommun: a value of the kommun "
             "list (the export is refused for any other)"),
    Outbound(EXPORT_INFO_SHEET, INFO_YEAR, "number", "Start!hc_ar"),
    Outbound(EXPORT_INFO_SHEET, INFO_TEMPLATE, "number", "the workbook's template version"),
    Outbound(EXPORT_INFO_SHEET, INFO_PROGRAM, "program", "the program's version"),
    Outbound(EXPORT_INFO_SHEET, INFO_CREATED, "number", "when the export was written"),
    Outbound(EXPORT_INFO_SHEET, INFO_STATUS, "program",
             f"{STATUS_FINAL} or {STATUS_PRELIMINARY} (errors left: analysis.Status)"),
    Outbound(EXPORT_INFO_SHEET, INFO_MASK, "number", "the masking limit (--maskera-under)"),
    Outbound(EXPORT_INFO_SHEET, INFO_ERRORS, "number", "findings of severity Fel"),
    Outbound(EXPORT_INFO_SHEET, INFO_WARNINGS, "number", "findings of severity Varning"),
    Outbound(EXPORT_INFO_SHEET, INFO_INFOS, "number", "findings of severity Information"),
    Outbound(EXPORT_CHECK_SHEET, "Allvarlighet", "program", "SEVERITY_LABELS"),
    Outbound(EXPORT_CHECK_SHEET, "Regel", "program", "the rule's Swedish name (messages.RULES)"),
    Outbound(EXPORT_CHECK_SHEET, "Kod", "key", "the finding code (messages.RULES)"),
    Outbound(EXPORT_CHECK_SHEET, "Flik", "program",
             f"the template's name of the sheet (a table's, Start, Listor…), {OTHER_SHEET} for "
             "any other sheet, empty outside the sheets"),
    Outbound(EXPORT_CHECK_SHEET, "Kolumn", "program",
             "the contract's header or named-cell label, else empty"),
    Outbound(EXPORT_CHECK_SHEET, "Antal", "number", "findings of that rule, sheet and column"),
)  # fmt: skip
"""Every field the export file may carry, and its source: nothing else is written. The sheets
are these fields' sheets; document properties hold only the program's name, version and times."""

EXPORT_SHEETS = tuple(dict.fromkeys(f.sheet for f in EXPORT_FIELDS))
EXPORT_INFO_LABELS = tuple(f.field for f in EXPORT_FIELDS if f.sheet == EXPORT_INFO_SHEET)


def export_fields(sheet: str) -> tuple[str, ...]:
    """The fields (columns, or Info labels) of one sheet of the export, in order."""
    return tuple(f.field for f in EXPORT_FIELDS if f.sheet == sheet)


# The county workbook (``region``): what it may carry is what the exports carry, checked again
# when read, plus the program's own texts and counts. Nothing read from a file name.

COUNTY_OVERVIEW_SHEET = "Översikt"
COUNTY_REPORTING_SHEET = "Inrapportering"
COUNTY_DATA_SHEET = DATA_SHEET
COUNTY_TRENDS_SHEET = "Trender"
COUNTY_PLANS_SHEET = "Planer"
COUNTY_OUTLIERS_SHEET = "Avvikelser"
COUNTY_BREAKDOWNS_SHEET = "Fördelningar"
COUNTY_REPORTING_COLUMNS = ("År", "Kommun", "Inrapporterad", "Status", "Fil nr", "Filtyp",
                            "Mallversion", "Programversion", "Fel", "Varningar", "Skapad",
                            "Anmärkning")  # fmt: skip
COUNTY_OUTLIER_COLUMNS = ("Kommun", "År", "Typ", "Nyckeltal", "Värde", "Jämförelse",
                          "Förklaring")  # fmt: skip

_KOMMUN = "one of the region's municipalities (its settings, kommun_list), checked in every " \
          "file; a file naming any other is not used"
COUNTY_FIELDS: tuple[Outbound, ...] = (
    Outbound(COUNTY_OVERVIEW_SHEET, "Kommun", "list", f"{_KOMMUN}; {COUNTY_ROW!r}"),
    Outbound(COUNTY_OVERVIEW_SHEET, "Status", "program", f"{STATUS_PRELIMINARY!r} when the file "
             "says errors were left (Info Status or Fel), else empty"),
    Outbound(COUNTY_OVERVIEW_SHEET, "Invånare", "number", "the population in the region's "
             "settings"),
    Outbound(COUNTY_OVERVIEW_SHEET, "<nyckeltal>", "number", "Rapportdata totals, screened; "
             "\"ej rapporterat\" for a municipality without a file"),
    Outbound(COUNTY_OVERVIEW_SHEET, "<nyckeltal> per 1 000 invånare", "number", "a total over "
             "the population in the region's settings, times 1 000"),
    Outbound(COUNTY_REPORTING_SHEET, "År", "number", "the file's year, screened"),
    Outbound(COUNTY_REPORTING_SHEET, "Kommun", "list", _KOMMUN),
    Outbound(COUNTY_REPORTING_SHEET, "Inrapporterad", "program", "Ja, Nej, Bortvald, or why a "
             "file is not used"),
    Outbound(COUNTY_REPORTING_SHEET, "Status", "program", f"{STATUS_FINAL} or "
             f"{STATUS_PRELIMINARY}"),
    Outbound(COUNTY_REPORTING_SHEET, "Fil nr", "number", "the file's place among the folder's "
             ".xlsx files sorted by name (the command line lists the names; the workbook "
             "never does)"),
    Outbound(COUNTY_REPORTING_SHEET, "Filtyp", "program", "exportfil or arbetsbok"),
    Outbound(COUNTY_REPORTING_SHEET, "Mallversion", "number", "Info Mallversion, screened"),
    Outbound(COUNTY_REPORTING_SHEET, "Programversion", "program", "Info Programversion when it "
             "reads as a version number, else empty"),
    Outbound(COUNTY_REPORTING_SHEET, "Fel", "number", "Info Fel, screened"),
    Outbound(COUNTY_REPORTING_SHEET, "Varningar", "number", "Info Varningar, screened"),
    Outbound(COUNTY_REPORTING_SHEET, "Skapad", "number", "Info Skapad or the workbook's saved "
             "time, unless in the future"),
    Outbound(COUNTY_REPORTING_SHEET, "Anmärkning", "masked", "the program's sentences: what was "
             "left out and why, naming template sheets and columns and masked identity "
             "numbers, never a value read"),
    Outbound(COUNTY_BREAKDOWNS_SHEET, "Fördelning", "list", "a breakdown's category: a list "
             "value of a municipality's own list (screened Dimension), (ogiltigt värde) or "
             "(ej ifyllt)"),
    Outbound(COUNTY_BREAKDOWNS_SHEET, "<kommun>", "number", "Rapportdata breakdowns, screened, "
             "as counts and shares; \"maskerat\" where the file masked the count"),
    Outbound(COUNTY_DATA_SHEET, "Kommun", "list", f"{_KOMMUN}; {COUNTY_ROW!r}"),
    Outbound(COUNTY_DATA_SHEET, "År", "number", "the file's year"),
    Outbound(COUNTY_DATA_SHEET, "Nyckel", "key", "a Rapportdata key (FIGURES)"),
    Outbound(COUNTY_DATA_SHEET, "Dimension", "free_text", "the export's Dimension with a known "
             "dimension name, after the identity guard"),
    Outbound(COUNTY_DATA_SHEET, "Värde", "number", "screened against the unit's limits"),
    Outbound(COUNTY_DATA_SHEET, EXPORT_MASK_COLUMN, "program", "Ja or Delvis"),
    Outbound(COUNTY_TRENDS_SHEET, "Kommun", "list", f"{_KOMMUN}; {COUNTY_ROW!r}; figure labels"),
    Outbound(COUNTY_TRENDS_SHEET, "<år>", "number", "Historik and Rapportdata totals, screened"),
    Outbound(COUNTY_PLANS_SHEET, "Fokusområde", "free_text", "the plans' Fokusområde, after the "
             "identity guard"),
    Outbound(COUNTY_PLANS_SHEET, "<kommun>", "free_text", "the plans' Aktivitet, Status, "
             "Uppföljning and Framtidsplan, after the identity guard"),
    Outbound(COUNTY_OUTLIERS_SHEET, "Kommun", "list", _KOMMUN),
    Outbound(COUNTY_OUTLIERS_SHEET, "År", "number", "the file's year"),
    Outbound(COUNTY_OUTLIERS_SHEET, "Typ", "program", "the kind of remark"),
    Outbound(COUNTY_OUTLIERS_SHEET, "Nyckeltal", "program", "a figure's label"),
    Outbound(COUNTY_OUTLIERS_SHEET, "Värde", "number", "the value left out or compared"),
    Outbound(COUNTY_OUTLIERS_SHEET, "Jämförelse", "number", "the limit or the comparison"),
    Outbound(COUNTY_OUTLIERS_SHEET, "Förklaring", "masked", "the program's sentence, naming "
             "template sheets and columns and masked identity numbers, never a value read"),
)  # fmt: skip
"""Every field the county workbook may carry. Titles, notes and chart texts are the program's
own, with municipality names, years and numbers."""


# --------------------------------------------------------------------------- migrations


@dataclass(frozen=True)
class Migration:
    """How to read a workbook of an older template version: headers renamed per table and
    columns that did not exist yet (read as empty)."""

    from_version: int
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)
    added: dict[str, tuple[str, ...]] = field(default_factory=dict)


MIGRATIONS: tuple[Migration, ...] = (
    # Version 0: the pilot workbook (2021–2022). Referrals had Datum and Remisstyp where the
    # current template has Inkom and Typ, and no Retur or everyday-activity column; sessions
    # counted Antal instead of Deltagare. Närvaro and Berättelse did not exist yet (optional).
    Migration(
        from_version=0,
        renamed={
            REMISSER.key: {"Datum": REMISSER.column("inkom").header,
                           "Remisstyp": REMISSER.column("typ").header},
            AKTIVITETER.key: {"Antal": AKTIVITETER.column("deltagare").header},
        },
        added={REMISSER.key: (REMISSER.column("retur").header,
                              REMISSER.column("vardag_start").header)},
    ),
)  # fmt: skip

DEFAULT_OUTPUT_SUFFIX = "_sammanstallning"
