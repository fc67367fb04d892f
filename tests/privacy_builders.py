"""Builders for the identity-number tests: valid personnummer and samordningsnummer, every way a
person writes one, ordinary text that must not look like one, and real workbooks (an example
workbook from the generator) with a number planted in a cell, a number cell, a comment, a name
or a document property, by openpyxl or by editing the package itself.

``python tests/privacy_builders.py`` prints the detection and false-positive figures.
"""

from __future__ import annotations

import random
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from halsocenter.core.privacy import luhn_ok, normalise
from halsocenter.xlsx.layout import Layout, rels_name

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbook_template" / "exempel"
BASE = EXAMPLES / "Eksjö_2024.xlsx"
"""An example workbook without a single finding: every finding in a test is the planted one."""
SEEDS = Path("/work/shared/seeds")
TODAY = date.today()


# --------------------------------------------------------------------------- valid numbers


@dataclass(frozen=True)
class Number:
    """A valid identity number: ``short`` is YYMMDD (day + 60 for a samordningsnummer),
    ``serial`` the last four digits, ``century`` the two digits before YY."""

    short: str
    serial: str
    century: str
    samordning: bool = False

    @property
    def ten(self) -> str:
        return self.short + self.serial

    @property
    def twelve(self) -> str:
        return self.century + self.ten

    @property
    def age(self) -> int:
        return TODAY.year - int(self.century + self.short[:2])


def make_number(birth: date, serial: int, samordning: bool = False) -> Number:
    day = birth.day + (60 if samordning else 0)
    short = f"{birth:%y%m}{day:02d}"
    nine = short + f"{serial:03d}"
    check = next(c for c in "0123456789" if luhn_ok(nine + c))
    return Number(short, f"{serial:03d}{check}", f"{birth.year // 100:02d}", samordning)


def numbers(n: int, seed: int = 14, *, oldest: date = date(1915, 1, 1)) -> list[Number]:
    """``n`` distinct valid numbers, births from ``oldest`` to today, about one in five a
    samordningsnummer."""
    rng = random.Random(seed)
    span = (TODAY - oldest).days
    out: dict[str, Number] = {}
    while len(out) < n:
        number = make_number(oldest + timedelta(days=rng.randrange(span)), rng.randrange(1000),
                             rng.random() < 0.2)  # fmt: skip
        out.setdefault(number.ten, number)
    return list(out.values())


# --------------------------------------------------------------------------- written forms

DASHES = {"bindestreck": "-", "tankstreck": "\u2013", "långt tankstreck": "\u2014",
          "minustecken": "\u2212", "hyphen": "\u2010", "hårt bindestreck": "\u2011",
          "siffersträck": "\u2012", "horisontell linje": "\u2015", "litet minus": "\ufe63",
          "litet tankstreck": "\ufe58", "helbreddsstreck": "\uff0d"}  # fmt: skip
SPACES = {"mellanslag": " ", "två mellanslag": "  ", "hårt mellanslag": "\u00a0",
          "smalt mellanslag": "\u2009", "smalt hårt mellanslag": "\u202f", "tab": "\t",
          "radbrytning": "\n", "CRLF": "\r\n", "tom rad emellan": "\r\n\r\n",
          "helbreddsmellanslag": "\u3000"}  # fmt: skip
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _spaced(digits: str) -> str:
    return " ".join(digits)


def written_forms(n: Number) -> dict[str, str]:
    """Every way of writing ``n`` the guard must find (name -> text)."""
    yy, mm, dd = n.short[:2], n.short[2:4], n.short[4:]
    c = n.century
    forms = {"10 siffror": n.ten, "12 siffror": n.twelve, "12 med bindestreck":
             f"{c}{n.short}-{n.serial}", "12 med mellanslag": f"{c}{n.short} {n.serial}"}
    for name, dash in DASHES.items():
        forms[f"10 med {name}"] = f"{n.short}{dash}{n.serial}"
    for name, space in SPACES.items():
        forms[f"10 med {name}"] = f"{n.short}{space}{n.serial}"
    forms.update({
        "10 med ' - '": f"{n.short} - {n.serial}",
        "10 med '-\\n'": f"{n.short}-\n{n.serial}",
        "punkter i datumet": f"{yy}.{mm}.{dd}-{n.serial}",
        "bindestreck i datumet (10)": f"{yy}-{mm}-{dd}-{n.serial}",
        "bindestreck i datumet (12)": f"{c}{yy}-{mm}-{dd}-{n.serial}",
        "punkter i datumet (12)": f"{c}{yy}.{mm}.{dd}-{n.serial}",
        "mellanslag i datumet": f"{yy} {mm} {dd} - {n.serial}",
        "siffror med mellanslag": f"{_spaced(n.short)} - {_spaced(n.serial)}",
        "siffror med mellanslag, utan streck": _spaced(n.ten),
        "helbreddssiffror": f"{n.short}-{n.serial}".translate(FULL_WIDTH),
        "arabisk-indiska siffror": f"{n.short}-{n.serial}".translate(ARABIC_INDIC),
        "nollbreddsmellanslag": f"{n.short}\u200b-\u200b{n.serial}",
        "mjukt bindestreck": f"{n.short}\u00ad{n.serial}",
        "understreck": f"{n.short}_{n.serial}",
        "inklämt i ord": f"pnr{n.short}-{n.serial}x",
    })  # fmt: skip
    if n.age >= 100:
        forms["10 med plus (100 år)"] = f"{n.short}+{n.serial}"
    return forms


def in_text(form: str) -> str:
    return f"Ring {form} imorgon om gruppen"


def number_cells(n: Number) -> dict[str, float | int]:
    """Every way Excel stores ``n`` when it is typed into a cell as a number."""
    out: dict[str, float | int] = {"tal, 10 siffror": int(n.ten), "tal, 12 siffror": int(n.twelve),
                                   "flyttal, 10 siffror": float(n.ten)}  # fmt: skip
    if n.century == "20":  # a 2000s birth: YY starts with 0 and Excel drops it
        out["tal utan inledande nolla"] = int(n.ten)
    if int(n.short) >= 10000:  # born in 2000: 000531,1234 is 531.1234, too common to flag
        out["decimalkomma (850101,1234)"] = float(f"{n.short}.{n.serial}")
    return out


# --------------------------------------------------------------------------- ordinary text


def ordinary_strings(seed: int = 7, n_dates: int = 1500) -> list[str]:
    """Text that must never be taken for an identity number: dates in every format, date and
    time ranges, ISO dates with times, phone numbers, löpnummer, amounts, postal codes, years,
    age groups, organisation numbers."""
    rng = random.Random(seed)
    out: list[str] = []
    months = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december")  # fmt: skip
    start = date(1950, 1, 1)
    for _ in range(n_dates):
        d = start + timedelta(days=rng.randrange((TODAY - start).days + 400))
        e = d + timedelta(days=rng.randrange(1, 400))
        h, m = rng.randrange(7, 21), rng.choice((0, 15, 30, 45))
        h2 = min(h + rng.randrange(1, 4), 23)
        lop = rng.randrange(1, 999)
        out += [
            d.isoformat(), f"{d:%Y%m%d}", f"{d:%y%m%d}", f"{d:%d/%m/%Y}", f"{d:%d.%m.%Y}",
            f"{d.day} {months[d.month - 1]} {d.year}", f"{d:%y-%m-%d}",
            f"{d} - {e}", f"{d}–{e}", f"{d} — {e}", f"{d:%d/%m/%Y} - {e:%d/%m/%Y}",
            f"{d:%d.%m.%Y}-{e:%d.%m.%Y}", f"{d:%Y%m%d}-{e:%Y%m%d}", f"{d:%y%m%d}-{e:%y%m%d}",
            f"{d} {h:02d}:{m:02d}", f"{d}T{h:02d}:{m:02d}:00", f"{d} {h:02d}:{m:02d}:00",
            f"{d}T{h:02d}:{m:02d}:00Z", f"{d} kl {h:02d}.{m:02d}", f"{d} kl. {h}.{m:02d}",
            f"{d} {h:02d}.{m:02d}-{h2:02d}.{m:02d}", f"{d} {h:02d}:{m:02d}–{h2:02d}:{m:02d}",
            f"kl {h:02d}.{m:02d}-{h2:02d}.00 och {h2:02d}.30-{min(h2 + 1, 23):02d}.00",
            f"{d.year}-{lop:03d}", f"{d} {d.year}-{lop:03d}", f"{d.year}-{lop:05d}",
            f"Löpnummer {d.year}-{lop:03d}, {d.year}-{lop + 1:03d}, {d.year}-{lop + 2:03d}",
            f"D-{lop:03d}", f"R{d.year}-{lop:03d}",
            f"070-{rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
            f"07{rng.randrange(10)}-{rng.randrange(1000000, 9999999)}",
            f"07{rng.randrange(10)}{rng.randrange(10)}-{rng.randrange(10, 99)} "
            f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}",
            f"+46 7{rng.randrange(10)} {rng.randrange(100, 999)} {rng.randrange(10, 99)} "
            f"{rng.randrange(10, 99)}",
            f"+467{rng.randrange(10)}{rng.randrange(1000000, 9999999)}",
            f"036-{rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
            f"08-{rng.randrange(100, 999)} {rng.randrange(100, 999)} {rng.randrange(10, 99)}",
            f"({rng.choice(('036', '0380', '0370'))}) {rng.randrange(10, 99)} "
            f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}",
            f"{rng.randrange(1, 99)} {rng.randrange(100, 999)} kr",
            f"{rng.randrange(1, 9)} {rng.randrange(100, 999)} {rng.randrange(100, 999)} kr",
            f"{rng.randrange(1, 99)} {rng.randrange(100, 999)},{rng.randrange(10, 99)} kr",
            f"{rng.randrange(100, 999)} {rng.randrange(10, 99)} Jönköping",
            f"{rng.randrange(10000, 99999)}", f"{d.year}, {e.year} och {e.year + 1}",
            f"v. {rng.randrange(1, 50)}-{rng.randrange(2, 53)}",
            f"{rng.randrange(5, 9)}{rng.randrange(5, 9)}{rng.randrange(10000, 99999)}-"
            f"{rng.randrange(1000, 9999)}",  # organisationsnummer: "month" 50-99
            f"{rng.randrange(1, 40)},{rng.randrange(1, 9)} timmar",
        ]  # fmt: skip
    out += ["45–64", "30–59 min", "0-3 mån", "80+", "≥120 min", "12 500 kr", "553 12",
            "2025-017", "D-017", "1 000 000 kr", "tisdag 5 mars 2024"]  # fmt: skip
    return out


def seed_lines() -> list[str]:
    """The source documents' text, line by line (facts and figures of a real hub)."""
    return [line for path in sorted(SEEDS.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip


def example_texts() -> list[str]:
    """Every text cell of the example workbooks."""
    from halsocenter.xlsx.read import read_workbook

    return [tc.value for path in sorted(EXAMPLES.glob("*.xlsx"))
            for tc in read_workbook(path).texts]  # fmt: skip


# --------------------------------------------------------------------------- rates


@dataclass
class Rates:
    planted: int
    forms: int
    found: int
    missed: list[tuple[str, str]]
    ordinary: int
    false_positives: list[str]

    def sentence(self) -> str:
        return (f"{self.planted} planted numbers in {self.forms} written forms, {self.found} "
                f"found; {self.ordinary} ordinary strings, {len(self.false_positives)} false "
                "positives")  # fmt: skip


def measure(n_numbers: int = 120) -> Rates:
    """Detection over every written form (in free text and as number cells) of ``n_numbers``
    valid numbers, false positives over the ordinary corpus, the seeds and the examples."""
    from halsocenter.core.privacy import identity_hits

    planted, forms, missed = 0, set(), []
    for number in numbers(n_numbers):
        cases = {name: in_text(text) for name, text in written_forms(number).items()}
        cases.update(number_cells(number))
        for name, value in cases.items():
            planted += 1
            forms.add(name)
            hits = identity_hits(value)
            if len(hits) != 1 or (isinstance(value, str) and
                                  number.ten not in re.sub(r"\D", "", normalise(
                                      value[hits[0].start:hits[0].end]))):  # fmt: skip
                missed.append((name, repr(value)))
    ordinary = ordinary_strings() + seed_lines() + example_texts()
    false = [text for text in ordinary if identity_hits(text)]
    return Rates(planted, len(forms), planted - len(missed), missed, len(ordinary), false)


# --------------------------------------------------------------------------- workbooks


def zip_edit(path: Path, changes: dict[str, Callable[[bytes | None], bytes]]) -> Path:
    """Rewrite parts of the package in place: each callable gets the part's bytes (None when
    new) and returns the new bytes."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    for name, change in changes.items():
        parts[name] = change(parts.get(name))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _add_before(closing: bytes, xml: bytes) -> Callable[[bytes | None], bytes]:
    return lambda data: data.replace(closing, xml + closing, 1)


def _relationship(part_rels: bytes | None, rel_id: str, rel_type: str, target: str) -> bytes:
    rel = (f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"/>').encode()
    if part_rels is None:
        return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + rel
                + b"</Relationships>")  # fmt: skip
    return part_rels.replace(b"</Relationships>", rel + b"</Relationships>", 1)


THREADED = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
PERSON_ID = "{6A1C4A3E-6B9F-4C1B-9B0D-2F4A4C0B1E11}"


def add_threaded_comment(path: Path, sheet: str, cell: str, text: str) -> Path:
    """A threaded comment (Excel 365's kind) on ``sheet``!``cell``, with its person list."""
    with zipfile.ZipFile(path) as zf:
        part = Layout(zf).sheet_parts[sheet]
    rels = rels_name(part)
    comment = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments '
               f'xmlns="{THREADED}" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
               f'2006/main"><threadedComment ref="{cell}" dT="2024-05-02T09:30:00.00" '
               f'personId="{PERSON_ID}" id="{{2B6E1F20-1C3D-4E5F-8A9B-0C1D2E3F4A5B}}"><text>'
               f'{text}</text></threadedComment></ThreadedComments>').encode()  # fmt: skip
    person = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<personList '
              f'xmlns="{THREADED}"><person displayName="Hälsocoach Eksjö" id="{PERSON_ID}" '
              'userId="coach@example.se" providerId="None"/></personList>').encode()  # fmt: skip
    types = (b'<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="'
             b'application/vnd.ms-excel.threadedcomments+xml"/><Override PartName="/xl/persons/'
             b'person.xml" ContentType="application/vnd.ms-excel.person+xml"/>')  # fmt: skip
    return zip_edit(path, {
        "xl/threadedComments/threadedComment1.xml": lambda _: comment,
        "xl/persons/person.xml": lambda _: person,
        "[Content_Types].xml": _add_before(b"</Types>", types),
        rels: lambda data: _relationship(
            data, "rIdTc1", "http://schemas.microsoft.com/office/2017/10/relationships/"
            "threadedComment", "../threadedComments/threadedComment1.xml"),
        "xl/_rels/workbook.xml.rels": lambda data: _relationship(
            data, "rIdPerson1", "http://schemas.microsoft.com/office/2017/10/relationships/"
            "person", "persons/person.xml"),
    })  # fmt: skip


def set_app_properties(path: Path, **values: str) -> Path:
    """Extended properties (``docProps/app.xml``) such as Company and Manager."""
    xml = "".join(f"<{k}>{v}</{k}>" for k, v in values.items()).encode()
    return zip_edit(path, {"docProps/app.xml": _add_before(b"</Properties>", xml)})


# --------------------------------------------------------------------------- planted classes

Edit = Callable[[openpyxl.Workbook, Number], None]
Surgery = Callable[[Path, Number], None]


@dataclass(frozen=True)
class Planted:
    """One class of hiding place: how to plant a number there (an openpyxl edit, then an edit
    of the package for what openpyxl cannot write), and where the finding must point."""

    name: str
    edit: Edit | None
    place: str  # what the finding's message must name
    sheet: str | None = None
    cell: str | None = None
    surgery: Surgery | None = None


def build(dst: Path, planted: Iterable[tuple[Planted, Number]], src: Path = BASE) -> Path:
    """``src`` with every (class, number) planted: all openpyxl edits, one save, then the
    package edits (openpyxl would drop threaded comments and most of app.xml on a save)."""
    planted = list(planted)
    wb = openpyxl.load_workbook(src)
    for p, number in planted:
        if p.edit:
            p.edit(wb, number)
    wb.save(dst)
    for p, number in planted:
        if p.surgery:
            p.surgery(dst, number)
    return dst


def _text_cell(form: Callable[[Number], str], row: int) -> Edit:
    def edit(wb, n):
        ws = wb["Remisser"]
        col = next(c.column for c in ws[1] if c.value == "Kommentar")
        ws.cell(row=row, column=col, value=in_text(form(n)))
    return edit


def _cell(sheet: str, cell: str, value: Callable[[Number], object]) -> Edit:
    def edit(wb, n):
        ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
        ws[cell] = value(n)
    return edit


def _legacy_comment(wb, n):
    wb["Remisser"]["C5"].comment = Comment(f"Mamma till {n.short}-{n.serial}", "Coach")


def _threaded_note(wb, n):  # Excel keeps a note beside each threaded comment; this one is empty
    wb["Aktiviteter"]["B4"].comment = Comment("[Trådad kommentar] Se tråden.", "Coach")


def _threaded_comment(path, n):
    add_threaded_comment(path, "Aktiviteter", "B4", f"Deltagare {n.twelve[:8]} {n.serial}")


def _sheet_name(wb, n):
    wb.create_sheet(f"Kalle {n.short}-{n.serial}")


def _table_name(wb, n):
    ws = wb.create_sheet("Egna listor")
    ws.append(["Namn", "Antal"])
    ws.append(["Grupp", 3])
    ws.add_table(Table(displayName=f"Lista_{n.short}_{n.serial}", ref="A1:B2"))


def _defined_name(wb, n):
    name = f"Kund_{n.short}_{n.serial}"
    wb.defined_names[name] = DefinedName(name, attr_text="Start!$B$2")


def _defined_value(wb, n):
    wb.defined_names["kontaktperson"] = DefinedName(
        "kontaktperson", attr_text=f'"{n.short}\u2013{n.serial}"')


def _core_property(field: str, form: Callable[[Number], str]) -> Edit:
    return lambda wb, n: setattr(wb.properties, field, form(n))


def _app_property(path, n):
    set_app_properties(path, Company="Eksjö kommun", Manager=f"{n.short} {n.serial}")


def _custom_text(wb, n):
    wb.custom_doc_props.append(StringProperty(name="Deltagare", value=f"{n.short}-{n.serial}"))


def _custom_number(wb, n):
    wb.custom_doc_props.append(IntProperty(name="Id", value=int(n.ten)))


def _remisser(row: int) -> str:
    return f"Remisser, rad {row}, kolumn Kommentar"


PLANTED: tuple[Planted, ...] = (
    Planted("text, långt tankstreck", _text_cell(lambda n: f"{n.short}\u2014{n.serial}", 5),
            _remisser(5), "Remisser", "O5"),
    Planted("text, minustecken", _text_cell(lambda n: f"{n.short}\u2212{n.serial}", 7),
            _remisser(7), "Remisser", "O7"),
    Planted("text, punkter i datumet", _text_cell(
        lambda n: f"{n.short[:2]}.{n.short[2:4]}.{n.short[4:]}-{n.serial}", 8),
        _remisser(8), "Remisser", "O8"),
    Planted("text, helbreddssiffror", _text_cell(
        lambda n: f"{n.short}-{n.serial}".translate(FULL_WIDTH), 9), _remisser(9), "Remisser",
        "O9"),
    Planted("text, radbrytning", _text_cell(lambda n: f"{n.short}-\n{n.serial}", 10),
            _remisser(10), "Remisser", "O10"),
    Planted("text, siffror med mellanslag", _text_cell(
        lambda n: f"{' '.join(n.short)} - {' '.join(n.serial)}", 11), _remisser(11), "Remisser",
        "O11"),
    Planted("tal, 10 siffror", _cell("Remisser", "O6", lambda n: int(n.ten)), _remisser(6),
            "Remisser", "O6"),
    Planted("tal utan inledande nolla", _cell("Aktiviteter", "I3", lambda n: int(n.ten)),
            "Aktiviteter, rad 3, kolumn Kommentar", "Aktiviteter", "I3"),
    Planted("tal, 12 siffror på okänd flik", _cell("Anteckningar", "D9", lambda n: int(n.twelve)),
            "Anteckningar, cell D9", "Anteckningar", "D9"),
    Planted("text på okänd flik", _cell("Anteckningar", "B3", lambda n: in_text(
        f"{n.short} - {n.serial}")), "Anteckningar, cell B3", "Anteckningar", "B3"),
    Planted("egen flik som heter Kontroll", _cell("Kontroll", "C7", lambda n: in_text(
        f"{n.twelve[:8]}-{n.serial}")), "Kontroll, cell C7", "Kontroll", "C7"),
    Planted("anteckning (kommentar av gamla slaget)", _legacy_comment,
            "Remisser, anteckning i cell C5", "Remisser", "C5"),
    Planted("trådad kommentar", _threaded_note, "Aktiviteter, kommentar i cell B4",
            "Aktiviteter", "B4", surgery=_threaded_comment),
    Planted("fliknamn", _sheet_name, "Fliknamnet"),
    Planted("tabellnamn", _table_name, "Egna listor, tabellnamnet"),
    Planted("definierat namn", _defined_name, "Det definierade namnet"),
    Planted("värdet av ett definierat namn", _defined_value,
            "Det definierade namnet ”kontaktperson” (vad namnet refererar till)"),
    Planted("egenskap Författare", _core_property("creator", lambda n: f"{n.short}-{n.serial}"),
            "Arbetsbokens egenskaper (Författare)"),
    Planted("egenskap Rubrik", _core_property("title", lambda n: f"Deltagare {n.twelve}"),
            "Arbetsbokens egenskaper (Rubrik)"),
    Planted("egenskap Kommentarer", _core_property(
        "description", lambda n: f"Gäller {n.short} – {n.serial}"),
        "Arbetsbokens egenskaper (Kommentarer)"),
    Planted("egenskap Chef (app.xml)", None, "Arbetsbokens egenskaper (Chef)",
            surgery=_app_property),
    Planted("anpassad egenskap, text", _custom_text,
            "Arbetsbokens egenskaper (anpassad egenskap ”Deltagare”)"),
    Planted("anpassad egenskap, tal", _custom_number,
            "Arbetsbokens egenskaper (anpassad egenskap ”Id”)"),
)  # fmt: skip


def number_for(planted: Planted) -> Number:
    """A distinct valid number per class; a 2000s birth where a lost leading zero is tested."""
    rng = random.Random(planted.name)
    if "inledande nolla" in planted.name:
        birth = date(2001 + rng.randrange(8), 1 + rng.randrange(12), 1 + rng.randrange(28))
    else:
        birth = date(1940 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28))
    return make_number(birth, rng.randrange(1000), samordning=rng.random() < 0.3)


# --------------------------------------------------------------------------- leaks


def leaks(text: str, number: Number) -> bool:
    """True when ``text`` holds ``number`` in any writing: its ten digits in a row once the text
    is normalised and everything but digits is taken out."""
    return number.ten in re.sub(r"\D", "", normalise(text))


def strings_in(data) -> Iterable[str]:
    """Every string in a JSON document."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from strings_in(k)
            yield from strings_in(v)
    elif isinstance(data, list):
        for v in data:
            yield from strings_in(v)
    elif data is not None:
        yield str(data)


if __name__ == "__main__":
    rates = measure()
    print(rates.sentence())
    for name, value in rates.missed[:20]:
        print("MISSED", name, value)
    for text in rates.false_positives[:20]:
        print("FALSE POSITIVE", repr(text))
