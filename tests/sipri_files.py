"""Small SIPRI trade-register files for import tests: both of SIPRI's layouts, with their preamble and traps."""

from pathlib import Path

CLASSIC_HEADER = (
    "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,Number delivered, ,"
    "Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,SIPRI TIV of delivered weapons"
)
FLAG_HEADER = (
    "Recipient,Supplier,Year of order,Uncertainty flag (year of order),Number ordered,"
    "Uncertainty flag (number ordered),Weapon designation,Weapon description,Number delivered,"
    "Uncertainty flag (number delivered),Year(s) of delivery,status,Comments,SIPRI TIV per unit,"
    "SIPRI TIV for total order,SIPRI TIV of delivered weapons"
)
PER_YEAR_HEADER = (
    "SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,Order date,"
    "Order date is estimate,Numbers delivered,Numbers delivered is estimate,Delivery year,Delivery year is estimate,"
    "Status,SIPRI estimate,TIV deal unit,TIV delivery values,Local production"
)


def preamble(generated: str | None, first: int = 1950, last: int = 2030, what: str = "deliveries") -> list[str]:
    lines = [
        f"Transfers of major conventional arms from All countries  to All countries . Deals with {what} made for "
        f"the year range '{first}' to '{last}' ",
        "A '?' in a column indicates uncertain data. The 'Number delivered' and the 'Year(s) of deliveries' refer "
        "only to deliveries in the selected year(s).",
        "An empty field for 'Number ordered' indicates that data is not yet available.",
        "SIPRI trend-indicator values (TIVs) are in millions.",
        "An empty field for 'SIPRI TIV for total order' indicates that data is not available.",
        "A '0' for 'SIPRI TIV of delivered weapons' indicates that the volume of deliveries is between 0 and 0.5.",
        "Figures may not add up to stated totals due to the conventions of rounding.",
        "For the method used see <https://www.sipri.org/databases/armstransfers/sources-and-methods>.",
        "",
        "Source: SIPRI Arms Transfers Database (c) SIPRI.",
    ]
    if generated:
        lines.append(f"Data generated: {generated} 5:22:49 PM")
    return lines


def write(path: Path, lines: list[str], *, encoding="utf-8", newline="\n") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def classic(tmp_path, rows, *, generated="3 Mar 2030", name="register.csv", header=CLASSIC_HEADER, **kwargs):
    return write(tmp_path / name, [*preamble(generated), header, *rows], **kwargs)


def per_year(tmp_path, rows, *, generated="12 Feb 2031", name="per-year.csv"):
    lines = [line + ";" for line in preamble(generated, 1995, 2030)]
    return write(tmp_path / name, [*lines, PER_YEAR_HEADER + ";", *(row + ";" for row in rows)], newline="\r\n")


# The traps of the classic register: "?" markers in blank-named columns, Latin-1 with accents, CRLF, several
# delivery years in one cell, a comment broken across two lines (quoted, and bare as in the real export),
# empty numbers, starred actors and SIPRI's unknown supplier.
CLASSIC_ROWS = [
    "Côte d'Ivoire,Türkiye,2020,?,12,?,Kirpi,armoured personnel carrier,12,?,2020; 2021,Second hand,"
    "Second-hand; aid,0.5,6,6",
    "Ghana,China,2021,,,,K-8 Karakorum,trainer/combat aircraft,2,,2022,New,Ordered for Alizé-class training,5,,10",
    "Kenya,Czechia,2019,,4,,Dana 152mm,self-propelled gun,4,,2020,Second hand but modernized,"
    '"Modernized before delivery;\nsecond line of the comment",1.2,4.8,4.8',
    "Uganda,Israel,2018,?,6,,Hermes-450,UAV,3,?,2019,New,3-year lease; for use in Somalia",
    ",0.5,3,1.5",
    "Hezbollah (Lebanon)*,Iran,2015,?,100,?,Toophan,anti-tank missile,100,?,2016; 2017; 2018,New,,0.01,1,1",
    "African Union**,unknown supplier(s),2017,,5,,Casspir,armoured personnel carrier,5,,2017,Second hand,,0.13,0.65,"
    "0.65",
]
