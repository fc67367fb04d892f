"""Swedish message templates, one per finding code.

Kept apart from the rules so the wording a coach reads can be reviewed in one place. Every
template starts with ``{where}`` (sheet, row and column, or the named cell) and says what is
wrong and how to put it right. Codes are stable: the Kontroll sheet, ``check --json`` and the
region's list of open findings refer to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import contract as C
from .model import Severity


@dataclass(frozen=True)
class Template:
    severity: Severity
    text: str


MESSAGES: dict[str, Template] = {
    # ---- every table
    "required_missing": Template(
        "error", "{where}: {column} saknas. Fyll i {column} – uppgiften behövs i statistiken."),
    "list_value_unknown": Template(
        "error", "{where}: ”{value}” finns inte i listan {list_name}. Välj ett värde i "
        "rullgardinslistan{allowed}, eller lägg till värdet i listan på fliken {lists_sheet} om det "
        "ska finnas."),
    "duplicate_row": Template(
        "warning", "{where}: raden är likadan som rad {first_row}. Ta bort den om den är "
        "inskriven två gånger."),
    "date_implausible": Template(
        "error", "{where}: datumet {value} ligger långt från verksamhetsåret {year}. "
        "Kontrollera årtalet."),
    "date_out_of_year": Template(
        "warning", "{where}: datumet {value} ligger utanför verksamhetsåret {year}. {hint}"),
    "excel_error": Template(
        "error", "{where}: cellen innehåller Excels felvärde {value}. Ofta beror det på en "
        "trasig formel eller en borttagen cell; skriv in värdet igen."),
    # ---- Remisser
    "duplicate_id": Template(
        "error", "{where}: löpnumret {value} finns redan på rad {first_row}. Varje remiss ska "
        "ha ett eget löpnummer; ge raden ett nytt nummer eller ta bort dubbletten."),
    "date_order": Template(
        "error", "{where}: {column} ({value}) är före {other_column} ({other_value}). "
        "Datumen ska komma i ordningen {inkom}, {forsta_samtal}, {avslutad} (och {retur} efter "
        "{inkom}); "
        "rätta det datum som är fel."),
    "completed_without_first_talk": Template(
        "error", "{where}: {utfall_header} är {utfall} men {forsta_samtal} saknas. Fyll i datumet "
        "för första samtalet eller ändra {utfall_header}."),
    "first_talk_but_waiting": Template(
        "warning", "{where}: {forsta_samtal} är ifyllt ({first_talk}) men {utfall_header} är "
        "fortfarande {value}. Ändra {utfall_header}, t.ex. till {genomfort}."),
    "no_show_without_return": Template(
        "warning", "{where}: {utfall_header} är {utfall} men {retur} saknas. Fyll i datumet då "
        "receptet "
        "skickades tillbaka till förskrivaren."),
    # ---- Uppföljningar
    "followup_unknown_id": Template(
        "error", "{where}: löpnumret {value} finns inte på fliken {referral_sheet}. "
        "Kontrollera numret; en uppföljning måste höra till en remiss."),
    "followup_before_first_talk": Template(
        "error", "{where}: uppföljningen ({value}) är före första samtalet ({first_talk}, "
        "{referral_sheet} rad {referral_row}). Rätta något av datumen."),
    "followup_without_first_talk": Template(
        "warning", "{where}: remissen {lopnummer} ({referral_sheet} rad {referral_row}) har "
        "inget datum för {forsta_samtal}. Fyll i det på fliken {referral_sheet}."),
    "tidpunkt_mismatch": Template(
        "warning", "{where}: {tidpunkt} är {value} men uppföljningen gjordes {months} månader "
        "efter första samtalet. Välj {suggestion} eller kontrollera datumen."),
    # ---- Aktiviteter, Närvaro, Plan
    "count_negative": Template(
        "error", "{where}: {value} är negativt. Ett antal kan inte vara mindre än 0."),
    "count_large": Template(
        "warning", "{where}: {value} deltagare är ovanligt många för ett tillfälle. "
        "Kontrollera siffran."),
    "hours_not_positive": Template(
        "error", "{where}: {value} timmar går inte. Skriv tillfällets längd i timmar, t.ex. 1,5."),
    "hours_too_long": Template(
        "warning", "{where}: {value} timmar är ovanligt långt för ett tillfälle. Skriv längden "
        "i timmar (inte minuter), t.ex. 1,5."),
    "attendance_unknown_session": Template(
        "error", "{where}: det finns inget tillfälle ”{value}” den {day} på fliken "
        "{activity_sheet}. Kontrollera datum och stavning, eller lägg in tillfället där."),
    "attendance_count_mismatch": Template(
        "warning", "{where}: {deltagare} är {value} men närvarolistan har {attendance} deltagare "
        "för {activity} den {day}. Rätta antalet eller närvarolistan."),
    "activity_not_in_plan": Template(
        "warning", "{where}: aktiviteten ”{value}” ({sessions}) finns inte i "
        "verksamhetsplanen på fliken {plan_sheet}. Lägg till den i planen, eller använd samma "
        "namn som i planen."),
    "plan_empty": Template(
        "warning", "{where}: verksamhetsplanen är tom men fliken {activity_sheet} har "
        "{sessions}. Fyll i planen med fokusområden och aktiviteter."),
    # ---- Tidigare år
    "duplicate_year": Template(
        "error", "{where}: året {value} finns redan på rad {first_row}. Varje år ska stå på en "
        "rad."),
    "history_year_not_before": Template(
        "warning", "{where}: året {value} är inte före verksamhetsåret {year}. Fliken "
        "{history_sheet} ska bara ha tidigare års siffror."),
    # ---- Start
    "setting_missing": Template(
        "error", "{where}: {column} är inte ifyllt. Fyll i cellen på fliken {start_sheet}."),
    "setting_recommended": Template(
        "warning", "{where}: {column} är inte ifyllt. Fyll i cellen på fliken {start_sheet}."),
    "setting_invalid": Template("error", "{where}: ”{value}” går inte som {column}. {hint}"),
    "template_old": Template(
        "warning", "{where}: arbetsboken följer mallversion {value}; den aktuella är {current}. "
        "Uppgradera arbetsboken med Hälsocenter-tillägget."),
    "template_version": Template(
        "error", "{where}: mallversionen {value} är okänd (programmet läser version "
        "{current}). Ändra inte cellen; skapa vid behov en ny arbetsbok från mallen."),
    # ---- reading
    "text_not_xml": Template(
        "warning", "{where}: texten innehöll tecken som inte kan sparas i en Excel-fil "
        "(styrtecken); de togs bort när arbetsboken lästes. Kontrollera texten."),
    "text_too_long": Template(
        "warning", "{where}: texten har {length} tecken, fler än de 32 767 en Excel-cell rymmer; "
        "bara de första 32 767 läses. Korta texten."),
    "live_area_unread": Template(
        "warning", "{where}: Excel säger att fliken används ända till {used}, så bara {read} "
        "lästes. Celler längre bort räknas inte och kontrolleras inte för personnummer. Ta bort "
        "innehåll och formatering där (Ctrl+End visar sista cellen) och kontrollera igen."),
    "stray_below_table": Template(
        "warning", "{where}: cellen ligger mer än {gap} tomma rader under tabellen och räknas "
        "inte som en rad i den{more}. Flytta upp raden till tabellen eller ta bort den."),
    # ---- personal data
    "personal_id": Template(
        "error", "{where}: här står {kind} ({masked}). Arbetsboken får inte innehålla "
        "personnummer eller samordningsnummer någonstans; ta bort det eller byt till löpnummer."),
    "contact_info": Template(
        "warning", "{where}: texten innehåller {kind} ({masked}). Skriv inte deltagares "
        "kontaktuppgifter i arbetsboken; ta bort uppgiften."),
}


def severity(code: str) -> Severity:
    return MESSAGES[code].severity


def where_cell(sheet: str, row: int, header: str) -> str:
    """How every message names a table cell."""
    return f"{sheet}, rad {row}, kolumn {header}"


def number(n: float) -> str:
    """How every message writes a whole number: a non-breaking space between thousands."""
    return f"{n:,.0f}".replace(",", "\u00a0")


def where_ref(sheet: str, cell: str) -> str:
    """How every message names a cell outside the tables."""
    return f"{sheet}, cell {cell}"


def where_setting(sheet: str, cell: str, label: str) -> str:
    """How every message names a named cell on the Start sheet."""
    return f"{sheet}, cell {cell} ({label})"


def where_of(message: str) -> str:
    """The place a finding's message names: every template starts with ``{where}: ``."""
    return message.partition(": ")[0]


NAMES = {
    "lists_sheet": C.LISTS_SHEET, "start_sheet": C.START_SHEET,
    "history_sheet": C.TIDIGARE_AR.sheet,
    **{key: C.REMISSER.column(key).header
       for key in ("inkom", "forsta_samtal", "avslutad", "retur")},
    "utfall_header": C.REMISSER.column("utfall").header,
    "tidpunkt": C.UPPFOLJNINGAR.column("tidpunkt").header,
    "deltagare": C.AKTIVITETER.column("deltagare").header,
}  # fmt: skip
"""Sheet and column names the templates mention, taken from the contract."""


def render(code: str, **fields) -> str:
    """The Swedish message for ``code``; ``fields`` fill the template's placeholders (and
    override ``NAMES``)."""
    return MESSAGES[code].text.format(**{**NAMES, **fields})
