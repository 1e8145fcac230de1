#!/usr/bin/env python3
"""Writes the test workbooks of tests/it/batch_files.rs with spreadsheet libraries we did not
write: openpyxl for tests/fixtures/incidents.xlsx and odfpy for tests/fixtures/incidents.ods
(PyPI: `pip install openpyxl odfpy`). The files are committed; run this only to change them.

Two sheets: "Toelichting" (text only, first) and "Meldingen": a date, a number with decimals,
coordinates as numbers, an address, a postcode + huisnummer (3.0 as a number), an empty row
cell and a cell beyond the place columns.
"""
import datetime
import pathlib

out = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures"
rows = [
    ["Nr", "Datum", "Bedrag", "X", "Y", "Adres", "Postcode", "Huisnummer", "Opmerking"],
    [1, datetime.datetime(2026, 11, 30, 14, 5), 12.5, 176297.45, 317946.1, None, None, None, "markt"],
    [2, datetime.datetime(2026, 12, 1, 9, 0), 7, None, None, "Vrijthof 16", None, None, None],
    [3, datetime.datetime(2026, 12, 2, 22, 30), 0.25, None, None, None, "6211AD", 3.0, "biesenwal"],
    [4, datetime.datetime(2026, 12, 3, 1, 15), 3, 166000, 316000, None, None, None, "buiten"],
]

import openpyxl

book = openpyxl.Workbook()
note = book.active
note.title = "Toelichting"
note["A1"] = "Meldingen van week 49; de tabel staat op het blad Meldingen."
sheet = book.create_sheet("Meldingen")
for row in rows:
    sheet.append(row)
book.save(out / "incidents.xlsx")

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell
from odf.text import P

doc = OpenDocumentSpreadsheet()
for name, table_rows in (("Meldingen", rows),):
    table = Table(name=name)
    for row in table_rows:
        tr = TableRow()
        for v in row:
            if v is None:
                tr.addElement(TableCell())
            elif isinstance(v, datetime.datetime):
                cell = TableCell(valuetype="date", datevalue=v.isoformat())
                cell.addElement(P(text=v.isoformat()))
                tr.addElement(cell)
            elif isinstance(v, (int, float)):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(v)))
                tr.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=v))
                tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
doc.save(str(out / "incidents.ods"))
print("wrote", out / "incidents.xlsx", "and", out / "incidents.ods")
