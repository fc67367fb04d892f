"""The registry of finding codes: one ``Rule`` per code, with its severity, its Swedish name,
the message for one finding and the sentence for a group of them.

Kept apart from the checks so the wording a coach reads can be reviewed in one place. Every
message starts with ``{where}`` (sheet, row and column, or the named cell) and says what is wrong
and how to put it right. Codes are English identifiers and stable: the Kontroll sheet,
``check --json`` and the region's list of open findings refer to them.

A rule also says whether findings with different values are different problems (a renamed list
value is; an empty cell is not) and how a whole group is told at once ("20 412 celler har ”<30”
som inte finns i listan").
"""

from __future__ import annotations

from dataclasses import dataclass

from halsocenter.core import contract as C
from halsocenter.core.model import Severity
from halsocenter.core.swedish import count, whole


@dataclass(frozen=True)
class Rule:
    """What a finding code means to the coach.

    ``message`` is the template for one finding; ``group`` the sentence for a group of several
    (``{n}`` is the count, ``{value}`` the shared value when ``by_value``): the group's place
    ("Remisser, kolumn Kön") goes in front and the cell ranges after. A group of one is told by
    the finding's own message, which says more."""

    code: str
    severity: Severity
    name: str
    """The rule in Swedish, as the Kontroll sheet's Regel column shows it."""
    message: str
    group: str
    by_value: bool = False
    """Findings with different values form different groups."""
    many: str = ""
    """For a rule told by value: the sentence for a column with too many values to tell one
    by one (a few are added as examples)."""


RULES: dict[str, Rule] = {rule.code: rule for rule in (
    # ---- typing problems found on read (``xlsx.read``: invalid_<kind>)
    Rule("invalid_date", "error", "Inte ett datum",
         "{where}: {reason}. Cellen ska innehålla {expected}.",
         "{n} celler innehåller något som inte är ett datum"),
    Rule("invalid_int", "error", "Inte ett heltal",
         "{where}: {reason}. Cellen ska innehålla {expected}.",
         "{n} celler innehåller något som inte är ett heltal"),
    Rule("invalid_number", "error", "Inte ett tal",
         "{where}: {reason}. Cellen ska innehålla {expected}.",
         "{n} celler innehåller något som inte är ett tal"),
    Rule("invalid_list", "error", "Inte ett listvärde",
         "{where}: {reason}. Cellen ska innehålla {expected}.",
         "{n} celler har ”{value}” som inte går att läsa som listvärde",
         by_value=True,
         many="{n} celler har värden som inte går att läsa som listvärden"),
    Rule("invalid_text", "error", "Oläsbar text",
         "{where}: {reason}. Cellen ska innehålla {expected}.",
         "{n} celler går inte att läsa som text"),
    Rule("invalid_id", "error", "Oläsbart löpnummer",
         "{where}: {reason}. Cellen ska innehålla {expected}.",
         "{n} celler går inte att läsa som löpnummer"),
    # ---- text a cell cannot hold, cells far below a table (found on read)
    Rule("text_not_xml", "warning", "Otillåtna tecken",
         "{where}: texten innehöll tecken som inte kan sparas i en Excel-fil (styrtecken); de "
         "togs bort när arbetsboken lästes. Kontrollera texten.",
         "{n} celler hade tecken som inte kan sparas i en Excel-fil; de togs bort"),
    Rule("text_too_long", "warning", "För lång text",
         "{where}: texten har {length} tecken, fler än de 32 767 en Excel-cell rymmer; bara de "
         "första 32 767 läses. Korta texten.",
         "{n} celler har fler tecken än de 32 767 en Excel-cell rymmer"),
    Rule("live_area_unread", "warning", "Använt område för stort",
         "{where}: Excel säger att fliken används ända till {used}, så bara {read} lästes. "
         "Celler längre bort räknas inte och kontrolleras inte för personnummer. Ta bort "
         "innehåll och formatering där (Ctrl+End visar sista cellen) och kontrollera igen.",
         "{n} flikar används längre ut än vad som lästes; cellerna längst bort kontrollerades "
         "inte"),
    Rule("live_comments_unchecked", "warning", "Anteckningar inte kontrollerade",
         "{where}: {what} kunde inte kontrolleras här – kontrollera i Excel på datorn innan export "
         "(Kontrollera på fliken Hälsocenter, eller halsocenter check på den sparade filen). "
         "Den här versionen av Excel eller xlwings Lite lämnar inte ut deras text, så ett "
         "personnummer i dem skulle inte hittas.",
         "anteckningar kunde inte kontrolleras här"),
    Rule("stray_below_table", "warning", "Rad under tabellen",
         "{where}: cellen ligger mer än {gap} tomma rader under tabellen och räknas inte som "
         "en rad i den{more}. Flytta upp raden till tabellen eller ta bort den.",
         "{n} celler ligger långt under tabellen och räknas inte som rader i den"),
    # ---- every table
    Rule("required_missing", "error", "Uppgift saknas",
         "{where}: {column} saknas. Fyll i {column} – uppgiften behövs i statistiken.",
         "{n} celler är tomma – uppgiften behövs i statistiken"),
    Rule("list_value_unknown", "error", "Värdet finns inte i listan",
         "{where}: ”{value}” finns inte i listan {list_name}. Välj ett värde i "
         "rullgardinslistan{allowed}, eller lägg till värdet i listan på fliken {lists_sheet} "
         "om det ska finnas.",
         "{n} celler har ”{value}” som inte finns i listan",
         by_value=True,
         many="{n} celler har värden som inte finns i listan"),
    Rule("duplicate_row", "warning", "Dubblerad rad",
         "{where}: raden är likadan som rad {first_row}. Ta bort den om den är inskriven två "
         "gånger.",
         "{n} rader är likadana som en rad ovanför – ta bort dem om de är inskrivna två gånger"),
    Rule("date_implausible", "error", "Orimligt datum",
         "{where}: datumet {value} ligger långt från verksamhetsåret {year}. Kontrollera "
         "årtalet.",
         "{n} datum ligger långt från verksamhetsåret – kontrollera årtalen"),
    Rule("date_out_of_year", "warning", "Datum utanför året",
         "{where}: datumet {value} ligger utanför verksamhetsåret {year}. {hint}",
         "{n} datum ligger utanför verksamhetsåret"),
    Rule("excel_error", "error", "Excels felvärde",
         "{where}: cellen innehåller Excels felvärde {value}. Ofta beror det på en trasig "
         "formel eller en borttagen cell; skriv in värdet igen.",
         "{n} celler innehåller Excels felvärde {value}",
         by_value=True,
         many="{n} celler innehåller Excels felvärden"),
    # ---- Remisser
    Rule("duplicate_id", "error", "Löpnummer upprepas",
         "{where}: löpnumret {value} finns redan på rad {first_row}. Varje remiss ska ha ett "
         "eget löpnummer; ge raden ett nytt nummer eller ta bort dubbletten.",
         "{n} löpnummer finns redan på en rad ovanför"),
    Rule("date_order", "error", "Datum i fel ordning",
         "{where}: {column} ({value}) är före {other_column} ({other_value}). Datumen ska "
         "komma i ordningen {inkom}, {forsta_samtal}, {avslutad} (och {retur} efter {inkom}); "
         "rätta det datum som är fel.",
         "{n} datum är i fel ordning mot ett annat datum på samma rad"),
    Rule("completed_without_first_talk", "error", "Genomfört utan första samtal",
         "{where}: {utfall_header} är {utfall} men {forsta_samtal} saknas. Fyll i datumet för "
         "första samtalet eller ändra {utfall_header}.",
         "{n} remisser har {utfall_header} {genomfort} men saknar datum"),
    Rule("first_talk_but_waiting", "warning", "Väntar trots första samtal",
         "{where}: {forsta_samtal} är ifyllt ({first_talk}) men {utfall_header} är fortfarande "
         "{value}. Ändra {utfall_header}, t.ex. till {genomfort}.",
         "{n} remisser har {forsta_samtal} ifyllt men står fortfarande på {vantar}"),
    Rule("no_show_without_return", "warning", "Retur saknas",
         "{where}: {utfall_header} är {utfall} men {retur} saknas. Fyll i datumet då receptet "
         "skickades tillbaka till förskrivaren.",
         "{n} FaR-remisser som uteblev eller tackade nej saknar datum"),
    # ---- Uppföljningar
    Rule("followup_unknown_id", "error", "Okänt löpnummer",
         "{where}: löpnumret {value} finns inte på fliken {referral_sheet}. Kontrollera "
         "numret; en uppföljning måste höra till en remiss.",
         "{n} löpnummer finns inte på fliken {referral_sheet}"),
    Rule("followup_before_first_talk", "error", "Uppföljning före första samtal",
         "{where}: uppföljningen ({value}) är före första samtalet ({first_talk}, "
         "{referral_sheet} rad {referral_row}). Rätta något av datumen.",
         "{n} uppföljningar är före första samtalet"),
    Rule("followup_without_first_talk", "warning", "Första samtal saknas",
         "{where}: remissen {lopnummer} ({referral_sheet} rad {referral_row}) har inget datum "
         "för {forsta_samtal}. Fyll i det på fliken {referral_sheet}.",
         "{n} uppföljningar hör till remisser utan datum för {forsta_samtal}"),
    Rule("tidpunkt_mismatch", "warning", "Tidpunkten stämmer inte",
         "{where}: {tidpunkt} är {value} men uppföljningen gjordes {months} månader efter "
         "första samtalet. Välj {suggestion} eller kontrollera datumen.",
         "{n} uppföljningar märkta ”{value}” gjordes vid en annan tid efter första samtalet",
         by_value=True,
         many="{n} uppföljningar gjordes vid en annan tid efter första samtalet än de är "
              "märkta med"),
    # ---- Aktiviteter, Närvaro, Plan
    Rule("count_negative", "error", "Negativt antal",
         "{where}: {value} är negativt. Ett antal kan inte vara mindre än 0.",
         "{n} antal är negativa"),
    Rule("count_large", "warning", "Ovanligt många deltagare",
         "{where}: {value} deltagare är ovanligt många för ett tillfälle. Kontrollera siffran.",
         "{n} tillfällen har ovanligt många deltagare"),
    Rule("hours_not_positive", "error", "Timmar saknas",
         "{where}: {value} timmar går inte. Skriv tillfällets längd i timmar, t.ex. 1,5.",
         "{n} tillfällen har 0 timmar eller mindre"),
    Rule("hours_too_long", "warning", "Ovanligt långt tillfälle",
         "{where}: {value} timmar är ovanligt långt för ett tillfälle. Skriv längden i timmar "
         "(inte minuter), t.ex. 1,5.",
         "{n} tillfällen är ovanligt långa – skriv timmar, inte minuter"),
    Rule("attendance_unknown_session", "error", "Närvaro utan tillfälle",
         "{where}: det finns inget tillfälle ”{value}” den {day} på fliken {activity_sheet}. "
         "Kontrollera datum och stavning, eller lägg in tillfället där.",
         "{n} närvarorader för ”{value}” hör inte till något tillfälle på fliken "
         "{activity_sheet}",
         by_value=True,
         many="{n} närvarorader hör inte till något tillfälle på fliken {activity_sheet}"),
    Rule("attendance_count_mismatch", "warning", "Antal stämmer inte med närvaron",
         "{where}: {deltagare} är {value} men närvarolistan har {attendance} deltagare för "
         "{activity} den {day}. Rätta antalet eller närvarolistan.",
         "{n} tillfällen har ett annat antal än närvarolistan"),
    Rule("activity_not_in_plan", "warning", "Aktiviteten saknas i planen",
         "{where}: aktiviteten ”{value}” ({sessions}) finns inte i verksamhetsplanen på fliken "
         "{plan_sheet}. Lägg till den i planen, eller använd samma namn som i planen.",
         "{n} aktiviteter finns inte i verksamhetsplanen på fliken {plan_sheet}"),
    Rule("plan_empty", "warning", "Planen är tom",
         "{where}: verksamhetsplanen är tom men fliken {activity_sheet} har {sessions}. Fyll i "
         "planen med fokusområden och aktiviteter.",
         "verksamhetsplanen på fliken {plan_sheet} är tom"),
    # ---- Tidigare år
    Rule("duplicate_year", "error", "År upprepas",
         "{where}: året {value} finns redan på rad {first_row}. Varje år ska stå på en rad.",
         "{n} år finns redan på en rad ovanför"),
    Rule("history_year_not_before", "warning", "År inte före verksamhetsåret",
         "{where}: året {value} är inte före verksamhetsåret {year}. Fliken {history_sheet} "
         "ska bara ha tidigare års siffror.",
         "{n} år är inte före verksamhetsåret"),
    # ---- Start
    Rule("setting_missing", "error", "Inställning saknas",
         "{where}: {column} är inte ifyllt. Fyll i cellen på fliken {start_sheet}.",
         "{n} inställningar är inte ifyllda"),
    Rule("setting_recommended", "warning", "Inställning bör fyllas i",
         "{where}: {column} är inte ifyllt. Fyll i cellen på fliken {start_sheet}.",
         "{n} inställningar är inte ifyllda"),
    Rule("setting_invalid", "error", "Ogiltig inställning",
         "{where}: ”{value}” går inte som {column}. {hint}",
         "{n} inställningar har ogiltiga värden"),
    Rule("template_old", "warning", "Äldre mallversion",
         "{where}: arbetsboken följer mallversion {value}; den aktuella är {current}. "
         "Uppgradera arbetsboken med Hälsocenter-tillägget.",
         "arbetsboken följer en äldre mallversion"),
    Rule("template_version", "error", "Okänd mallversion",
         "{where}: mallversionen {value} är okänd (programmet läser version {current}). Ändra "
         "inte cellen; skapa vid behov en ny arbetsbok från mallen.",
         "mallversionen är okänd"),
    # ---- sheets the program would write
    Rule("generated_sheet_taken", "warning", "Flik med programmets namn",
         "{where}: {advice}",
         "{n} flikar har samma namn som en flik programmet skapar men skrivs aldrig över – "
         "byt namn på dem"),
    # ---- personal data
    Rule("personal_id", "error", "Personnummer",
         "{where}: här står {kind} ({masked}). Arbetsboken får inte innehålla personnummer "
         "eller samordningsnummer någonstans; ta bort det eller byt till löpnummer.",
         "{n} celler innehåller personnummer eller samordningsnummer – ta bort dem"),
    Rule("hidden_unread", "warning", "Inte kontrollerat",
         "{where}: programmet läser inte det innehållet, så det är inte kontrollerat om där står "
         "personnummer – och det följer med i varje kopia av filen. Behövs det inte, ta bort "
         "det (en pivottabell tar du bort som vanligt; i hela arbetsboken: {inspect}).",
         "{n} delar av arbetsboken lästes inte och är inte kontrollerade"),
    Rule("contact_info", "warning", "Kontaktuppgift",
         "{where}: texten innehåller {kind} ({masked}). Skriv inte deltagares kontaktuppgifter "
         "i arbetsboken; ta bort uppgiften.",
         "{n} celler innehåller telefonnummer eller e-postadresser"),
)}  # fmt: skip
"""Every code a finding can have; a test keeps it complete."""

INVALID_PREFIX = "invalid_"
"""``invalid_<kind>``: a cell whose value cannot be read as its column's kind (``xlsx.read``)."""
EXPECTED = {"date": "ett datum", "int": "ett heltal", "number": "ett tal",
            "list": "ett värde ur listan"}
"""What an ``invalid_<kind>`` cell should hold, as its message says it."""


def invalid_code(kind: str) -> str:
    return INVALID_PREFIX + kind


def expected(kind: str) -> str:
    return EXPECTED.get(kind, "ett värde")


def severity(code: str) -> Severity:
    return RULES[code].severity


def where_cell(sheet: str, row: int, header: str) -> str:
    """How every message names a table cell."""
    return f"{sheet}, rad {row}, kolumn {header}"


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
    return (f"{where}: ytterligare {whole(n)} av samma slag ({rule}) listas inte en och en – "
            f"programmet listar högst {whole(limit)} kontrollpunkter. Rätta det som listas och "
            "kontrollera igen.")


def unlisted_tail(n: int, limit: int) -> str:
    """Added to a group's sentence when ``n`` of its findings are counted, not listed."""
    return f"; {whole(n)} av dem listas inte en och en (programmet listar högst {whole(limit)} kontrollpunkter)"


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
    return RULES[code].message.format(**{**NAMES, **fields})


# --------------------------------------------------------------------------- groups


GROUP_NAMES = {
    **NAMES,
    "forsta_samtal": C.REMISSER.column("forsta_samtal").header,
    "vantar": C.UTFALL_VANTAR, "genomfort": C.UTFALL_GENOMFORT,
    "referral_sheet": C.REMISSER.sheet, "activity_sheet": C.AKTIVITETER.sheet,
    "plan_sheet": C.PLAN.sheet,
}  # fmt: skip
"""Sheet, column and list-value names the group sentences mention."""


def rule(code: str) -> Rule:
    """The code's rule; an unknown code is grouped without its value and named by its code."""
    return RULES.get(code) or Rule(code, "info", code, "{where}", "{n} kontrollpunkter")


def render_group(code: str, n: int, value: str = "", *, many: bool = False) -> str:
    """The sentence for a group of ``n`` findings of ``code`` (without place and cells);
    ``many``: a column with too many values to tell one by one."""
    r = rule(code)
    text = r.many if many and r.many else r.group
    return text.format(**GROUP_NAMES, n=whole(n), value=value)


def counts_text(counts: dict[str, int], *, info: bool = False) -> str:
    """How every message counts findings: "3 fel och 1 varning" (with ``info``: "3 fel,
    1 varning och 0 information")."""
    parts = [f"{whole(counts.get('error', 0))} fel",
             count(counts.get("warning", 0), "varning", "varningar")]
    if info:
        parts.append(f"{whole(counts.get('info', 0))} information")
    return ", ".join(parts[:-1]) + " och " + parts[-1]


# --------------------------------------------------------------------------- preliminary


def preliminary_mark(errors: int) -> str:
    """The mark of everything made from a workbook with errors left: "Preliminär – 3 fel kvar"
    (every page of the Word report)."""
    return f"{C.STATUS_PRELIMINARY} – {whole(errors)} fel kvar"


def preliminary_banner(errors: int) -> str:
    """The banner on page 1 of Årssammanställning: "Preliminär – 3 fel kvar i arbetsboken"."""
    return f"{preliminary_mark(errors)} i arbetsboken"
