"""Swedish message templates, one per finding code, and how findings of a code are grouped.

Kept apart from the rules so the wording a coach reads can be reviewed in one place. Every
template starts with ``{where}`` (sheet, row and column, or the named cell) and says what is
wrong and how to put it right. Codes are stable: the Kontroll sheet, ``check --json`` and the
region's list of open findings refer to them.

``GROUPS`` says, per code, what the rule is called in Swedish, whether findings with different
values are different problems (a renamed list value is; an empty cell is not), and the sentence
that tells a whole group at once ("20 412 celler har ”<30” som inte finns i listan").
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


def where_column(sheet: str | None, column: str | None) -> str:
    """How a message names a whole column ("Remisser, kolumn Kön"), or the sheet alone."""
    sheet = sheet or "Arbetsboken"
    return f"{sheet}, kolumn {column}" if column else sheet


def unlisted_sentence(where: str, n: int, rule: str, limit: int) -> str:
    """The finding that stands for ``n`` findings counted but not listed one by one."""
    return (f"{where}: ytterligare {number(n)} av samma slag ({rule}) listas inte en och en – "
            f"programmet listar högst {number(limit)} kontrollpunkter. Rätta det som listas och "
            "kontrollera igen.")


def unlisted_tail(n: int, limit: int) -> str:
    """Added to a group's sentence when ``n`` of its findings are counted, not listed."""
    return f"; {number(n)} av dem listas inte en och en (programmet listar högst {number(limit)} kontrollpunkter)"


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


# --------------------------------------------------------------------------- groups


@dataclass(frozen=True)
class GroupRule:
    """How findings of one code are told together (see ``groups.py``).

    ``text`` is the sentence for a group of several findings (``{n}`` is the count as
    ``number`` writes it, ``{value}`` the shared value when ``by_value``); the group's place
    ("Remisser, kolumn Kön") goes in front and the cell ranges after. A group of one is told
    by the finding's own message, which says more."""

    name: str
    """The rule in Swedish, as the Kontroll sheet's Regel column shows it."""
    by_value: bool
    """Findings with different values form different groups."""
    text: str
    many: str = ""
    """For a rule told by value: the sentence for a column with too many values to tell one
    by one (a few are added as examples)."""


GROUPS: dict[str, GroupRule] = {
    # ---- typing problems found on read (``read.py``: ogiltigt_<kind>)
    "ogiltigt_date": GroupRule(
        "Inte ett datum", False,
        "{n} celler innehåller något som inte är ett datum"),
    "ogiltigt_int": GroupRule(
        "Inte ett heltal", False,
        "{n} celler innehåller något som inte är ett heltal"),
    "ogiltigt_number": GroupRule(
        "Inte ett tal", False,
        "{n} celler innehåller något som inte är ett tal"),
    "ogiltigt_list": GroupRule(
        "Inte ett listvärde", True,
        "{n} celler har ”{value}” som inte går att läsa som listvärde",
        "{n} celler har värden som inte går att läsa som listvärden"),
    "ogiltigt_text": GroupRule(
        "Oläsbar text", False,
        "{n} celler går inte att läsa som text"),
    "ogiltigt_id": GroupRule(
        "Oläsbart löpnummer", False,
        "{n} celler går inte att läsa som löpnummer"),
    # ---- text a cell cannot hold, cells far below a table (found on read)
    "text_not_xml": GroupRule(
        "Otillåtna tecken", False,
        "{n} celler hade tecken som inte kan sparas i en Excel-fil; de togs bort"),
    "text_too_long": GroupRule(
        "För lång text", False,
        "{n} celler har fler tecken än de 32 767 en Excel-cell rymmer"),
    "live_area_unread": GroupRule(
        "Använt område för stort", False,
        "{n} flikar används längre ut än vad som lästes; cellerna längst bort kontrollerades inte"),
    "stray_below_table": GroupRule(
        "Rad under tabellen", False,
        "{n} celler ligger långt under tabellen och räknas inte som rader i den"),
    # ---- every table
    "required_missing": GroupRule(
        "Uppgift saknas", False,
        "{n} celler är tomma – uppgiften behövs i statistiken"),
    "list_value_unknown": GroupRule(
        "Värdet finns inte i listan", True,
        "{n} celler har ”{value}” som inte finns i listan",
        "{n} celler har värden som inte finns i listan"),
    "duplicate_row": GroupRule(
        "Dubblerad rad", False,
        "{n} rader är likadana som en rad ovanför – ta bort dem om de är inskrivna två gånger"),
    "date_implausible": GroupRule(
        "Orimligt datum", False,
        "{n} datum ligger långt från verksamhetsåret – kontrollera årtalen"),
    "date_out_of_year": GroupRule(
        "Datum utanför året", False,
        "{n} datum ligger utanför verksamhetsåret"),
    "excel_error": GroupRule(
        "Excels felvärde", True,
        "{n} celler innehåller Excels felvärde {value}",
        "{n} celler innehåller Excels felvärden"),
    # ---- Remisser
    "duplicate_id": GroupRule(
        "Löpnummer upprepas", False,
        "{n} löpnummer finns redan på en rad ovanför"),
    "date_order": GroupRule(
        "Datum i fel ordning", False,
        "{n} datum är i fel ordning mot ett annat datum på samma rad"),
    "completed_without_first_talk": GroupRule(
        "Genomfört utan första samtal", False,
        "{n} remisser har {utfall_header} {genomfort} men saknar datum"),
    "first_talk_but_waiting": GroupRule(
        "Väntar trots första samtal", False,
        "{n} remisser har {forsta_samtal} ifyllt men står fortfarande på {vantar}"),
    "no_show_without_return": GroupRule(
        "Retur saknas", False,
        "{n} FaR-remisser som uteblev eller tackade nej saknar datum"),
    # ---- Uppföljningar
    "followup_unknown_id": GroupRule(
        "Okänt löpnummer", False,
        "{n} löpnummer finns inte på fliken {referral_sheet}"),
    "followup_before_first_talk": GroupRule(
        "Uppföljning före första samtal", False,
        "{n} uppföljningar är före första samtalet"),
    "followup_without_first_talk": GroupRule(
        "Första samtal saknas", False,
        "{n} uppföljningar hör till remisser utan datum för {forsta_samtal}"),
    "tidpunkt_mismatch": GroupRule(
        "Tidpunkten stämmer inte", True,
        "{n} uppföljningar märkta ”{value}” gjordes vid en annan tid efter första samtalet",
        "{n} uppföljningar gjordes vid en annan tid efter första samtalet än de är märkta med"),
    # ---- Aktiviteter, Närvaro, Plan
    "count_negative": GroupRule(
        "Negativt antal", False,
        "{n} antal är negativa"),
    "count_large": GroupRule(
        "Ovanligt många deltagare", False,
        "{n} tillfällen har ovanligt många deltagare"),
    "hours_not_positive": GroupRule(
        "Timmar saknas", False,
        "{n} tillfällen har 0 timmar eller mindre"),
    "hours_too_long": GroupRule(
        "Ovanligt långt tillfälle", False,
        "{n} tillfällen är ovanligt långa – skriv timmar, inte minuter"),
    "attendance_unknown_session": GroupRule(
        "Närvaro utan tillfälle", True,
        "{n} närvarorader för ”{value}” hör inte till något tillfälle på fliken "
        "{activity_sheet}",
        "{n} närvarorader hör inte till något tillfälle på fliken {activity_sheet}"),
    "attendance_count_mismatch": GroupRule(
        "Antal stämmer inte med närvaron", False,
        "{n} tillfällen har ett annat antal än närvarolistan"),
    "activity_not_in_plan": GroupRule(
        "Aktiviteten saknas i planen", False,
        "{n} aktiviteter finns inte i verksamhetsplanen på fliken {plan_sheet}"),
    "plan_empty": GroupRule(
        "Planen är tom", False,
        "verksamhetsplanen på fliken {plan_sheet} är tom"),
    # ---- Tidigare år
    "duplicate_year": GroupRule(
        "År upprepas", False,
        "{n} år finns redan på en rad ovanför"),
    "history_year_not_before": GroupRule(
        "År inte före verksamhetsåret", False,
        "{n} år är inte före verksamhetsåret"),
    # ---- Start
    "setting_missing": GroupRule(
        "Inställning saknas", False,
        "{n} inställningar är inte ifyllda"),
    "setting_recommended": GroupRule(
        "Inställning bör fyllas i", False,
        "{n} inställningar är inte ifyllda"),
    "setting_invalid": GroupRule(
        "Ogiltig inställning", False,
        "{n} inställningar har ogiltiga värden"),
    "template_old": GroupRule(
        "Äldre mallversion", False,
        "arbetsboken följer en äldre mallversion"),
    "template_version": GroupRule(
        "Okänd mallversion", False,
        "mallversionen är okänd"),
    # ---- personal data
    "personal_id": GroupRule(
        "Personnummer", False,
        "{n} celler innehåller personnummer eller samordningsnummer – ta bort dem"),
    "contact_info": GroupRule(
        "Kontaktuppgift", False,
        "{n} celler innehåller telefonnummer eller e-postadresser"),
}  # fmt: skip
"""Every code a finding can have. A code missing here is still grouped (by code, sheet and
column) and named by its code; a test keeps this table complete."""

GROUP_NAMES = {
    **NAMES,
    "forsta_samtal": C.REMISSER.column("forsta_samtal").header,
    "vantar": C.UTFALL_VANTAR, "genomfort": C.UTFALL_GENOMFORT,
    "referral_sheet": C.REMISSER.sheet, "activity_sheet": C.AKTIVITETER.sheet,
    "plan_sheet": C.PLAN.sheet,
}  # fmt: skip
"""Sheet, column and list-value names the group sentences mention."""


def group_rule(code: str) -> GroupRule:
    """The code's rule; an unknown code is grouped without its value and named by its code."""
    return GROUPS.get(code) or GroupRule(code, False, "{n} kontrollpunkter")


def render_group(code: str, count: int, value: str = "", *, many: bool = False) -> str:
    """The sentence for a group of ``count`` findings of ``code`` (without place and cells);
    ``many``: a column with too many values to tell one by one."""
    rule = group_rule(code)
    text = rule.many if many and rule.many else rule.text
    return text.format(**GROUP_NAMES, n=number(count), value=value)
