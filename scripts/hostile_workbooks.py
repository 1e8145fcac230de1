"""Workbooks as a hostile or a very large upload would send them, written with the standard
library only (zipfile), for scripts/hostile-client.py and scripts/upload-memory.py.

Each bomb is a few kilobytes that announce, or expand to, far more than the service may hold:
shared strings announced by the trillion, a cell at the far corner of the sheet, one OpenDocument
cell repeated over millions of cells, ten million tiny shared strings, a part that inflates a
thousandfold. `large_xlsx` is the honest opposite: a realistic export of many rows.
"""

import io
import zipfile

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(sheet_rows, shared=b"", unique_count=None):
    """An .xlsx package: `sheet_rows` is the XML inside <sheetData>, `shared` the <si> elements
    (bytes or an iterable of bytes chunks), `unique_count` what the shared strings announce."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for chunk in ([sheet_rows] if isinstance(sheet_rows, (bytes, str)) else sheet_rows):
                f.write(chunk.encode() if isinstance(chunk, str) else chunk)
            f.write(b"</sheetData></worksheet>")
        announced = "" if unique_count is None else f' uniqueCount="{unique_count}"'
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"{announced}>'.encode())
            for chunk in ([shared] if isinstance(shared, bytes) else shared):
                f.write(chunk)
            f.write(b"</sst>")
    return out.getvalue()


def ods(table_xml):
    """An .ods package whose content.xml holds one table with `table_xml` as its rows."""
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Blad1">{table_xml}</table:table>
</office:spreadsheet></office:body></office:document-content>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return out.getvalue()


def _tiny_strings(n):
    block = b"<si><t>a</t></si>" * 10_000
    for _ in range(n // 10_000):
        yield block


def bombs():
    """Name -> workbook bytes; every one must be refused (413 or 422), none may cost the
    service more than a request's worth of memory."""
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>lat</t></is></c></row>'
    return {
        "strings-announced-1e13": xlsx(
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            b"<si><t>lat</t></si>", unique_count=10_000_000_000_000),
        "strings-announced-1e18": xlsx(
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            b"<si><t>lat</t></si>", unique_count=1_000_000_000_000_000_000),
        "cell-at-XFD1048576": xlsx(
            header + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        "cell-at-XFD4000": xlsx(header + '<row r="4000"><c r="XFD4000"><v>1</v></c></row>'),
        "ods-16384-columns-1000-rows": ods(
            '<table:table-row table:number-rows-repeated="1000">'
            '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
            'office:value="1"/></table:table-row>'),
        "ods-1000-columns-1e6-rows": ods(
            '<table:table-row table:number-rows-repeated="1000000">'
            '<table:table-cell table:number-columns-repeated="1000" office:value-type="string">'
            '<text:p>x</text:p></table:table-cell></table:table-row>'),
        # Announces one string and holds ten million: the count is taken from what is there.
        "10M-tiny-strings": xlsx(
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', _tiny_strings(10_000_000),
            unique_count=1),
        # One part that inflates from a few hundred KB to 600 MB of blanks.
        "inflating-part": xlsx((b" " * (1 << 20) for _ in range(600))),
    }


def large_xlsx(rows):
    """A realistic export: id, date, lat, lon and an address as a shared string, per row."""
    def sheet():
        yield ('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>datum</t></is></c>'
               '<c r="C1" t="inlineStr"><is><t>lat</t></is></c>'
               '<c r="D1" t="inlineStr"><is><t>lon</t></is></c>'
               '<c r="E1" t="inlineStr"><is><t>opmerking</t></is></c></row>')
        for i in range(rows):
            r = i + 2
            lat = 50.80 + (i * 7919 % 10_000) / 100_000
            lon = 5.64 + (i * 104_729 % 10_000) / 100_000
            yield (f'<row r="{r}"><c r="A{r}"><v>{i}</v></c><c r="B{r}"><v>{46000 + i % 700}</v></c>'
                   f'<c r="C{r}"><v>{lat:.6f}</v></c><c r="D{r}"><v>{lon:.6f}</v></c>'
                   f'<c r="E{r}" t="s"><v>{i % 5000}</v></c></row>')

    shared = b"".join(f"<si><t>melding {i} bij de Markt</t></si>".encode() for i in range(5000))
    return xlsx(sheet(), shared, unique_count=5000)
