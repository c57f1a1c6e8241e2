"""Build `wps-reports.xlsx`: a monthly-report file shaped the way WPS Spreadsheets (WPS 表格) saves one.

    python enclave/excel/tests/corpus/make_wps.py      # no office suite needed; the file is committed

WPS cannot run on this machine (nor in CI), so this file MIMICS a WPS-saved workbook rather than being
produced by WPS: the parts are written by hand with the traits WPS-saved .xlsx files show, so that the import
is tested against them. What it reproduces:

- docProps/app.xml names the application “WPS 表格” with Chinese heading pairs (工作表), and
  docProps/custom.xml carries WPS's own properties (KSOProductBuildVer “2052-…”, 2052 = zh-CN; ICV);
- a shared-string table with rich-text runs (a name set in two fonts), `xml:space="preserve"` strings with
  full-width spaces, and numbers typed as text (full-width digits and commas);
- formula cells whose cached result is text (`t="str"`), a formula with a cached number, and one
  inline string (`t="inlineStr"`), which some WPS versions write for pasted cells;
- custom number formats at ids 176+ (`yyyy"年"m"月"d"日"`, `0.00_ `, the accounting ¥ format) on date
  serials and amounts, Chinese cell style names (常规), `x14ac:dyDescent` under `mc:Ignorable`;
- a merged title row above the header, a styled but empty row, float noise (0.1+0.2 stored with 17
  digits), a trailing full-width space in a code, and an empty second sheet (Sheet2).

Project codes are those the test's fixtures get (the first two recognised Mohan projects of 2024).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HERE = Path(__file__).parent
STAMP = (2024, 10, 8, 9, 30, 0)  # fixed, so the committed file is reproducible byte for byte

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>WPS 表格</Application><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant><vt:variant><vt:i4>2</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="2" baseType="lpstr"><vt:lpstr>月度报表</vt:lpstr><vt:lpstr>Sheet2</vt:lpstr></vt:vector></TitlesOfParts></Properties>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>磨憨合作区经发局</dc:creator><cp:lastModifiedBy>WPS_1700000000</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2024-10-08T01:12:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2024-10-08T01:30:00Z</dcterms:modified></cp:coreProperties>"""

CUSTOM = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-12.1.0.17147</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="ICV"><vt:lpwstr>4A3C2B1D0E6F4F1A9B8C7D6E5F4A3B2C_12</vt:lpwstr></property></Properties>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><bookViews><workbookView windowWidth="28800" windowHeight="12540"/></bookViews><sheets><sheet name="月度报表" sheetId="1" r:id="rId1"/><sheet name="Sheet2" sheetId="2" r:id="rId2"/></sheets><calcPr calcId="144525"/></workbook>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""

# numFmt 176: a Chinese date; 177: two decimals with WPS's trailing padding; 178: the accounting ¥ format.
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac"><numFmts count="3"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@"/><numFmt numFmtId="177" formatCode="0.00_ "/><numFmt numFmtId="178" formatCode="_ \\¥* #,##0.00_ ;_ \\¥* \\-#,##0.00_ ;_ \\¥* &quot;-&quot;??_ ;_ @_ "/></numFmts><fonts count="3"><font><sz val="11"/><color theme="1"/><name val="宋体"/><charset val="134"/><scheme val="minor"/></font><font><b/><sz val="14"/><color theme="1"/><name val="宋体"/><charset val="134"/></font><font><sz val="11"/><color rgb="FFFF0000"/><name val="微软雅黑"/><charset val="134"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"><alignment vertical="center"/></xf></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment vertical="center"/></xf><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment vertical="center"/></xf><xf numFmtId="177" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment vertical="center"/></xf><xf numFmtId="178" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment vertical="center"/></xf></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>"""

STRINGS = [
    "2024年磨憨合作区协作项目月度报表（WPS）",  # 0 title
    "项目编号",  # 1
    "项目名称",  # 2
    "月份",  # 3
    "增值税（元）",  # 4
    "优惠政策返还（元）",  # 5
    "固定资产投资（万元）",  # 6
    "MH-2024-0001",  # 7
    None,  # 8: rich text, built below
    "2024年8月",  # 9
    "１，２３４.５６",  # 10: full-width digits and comma, typed as text
    "MH-2024-0002　",  # 11: trailing full-width space
    "　乙项目　",  # 12
]
RICH = (
    '<si><r><rPr><sz val="11"/><color theme="1"/><rFont val="宋体"/><charset val="134"/></rPr><t>甲项目</t></r>'
    '<r><rPr><sz val="11"/><color rgb="FFFF0000"/><rFont val="微软雅黑"/><charset val="134"/></rPr>'
    "<t>（一期）</t></r></si>"
)


def shared_strings() -> str:
    items = []
    for text in STRINGS:
        if text is None:
            items.append(RICH)
        elif text != text.strip() or "　" in text:
            items.append(f'<si><t xml:space="preserve">{text}</t></si>')
        else:
            items.append(f"<si><t>{text}</t></si>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(items) + 6}" uniqueCount="{len(items)}">{"".join(items)}</sst>'
    )


ROW = '<row r="{r}" spans="1:6" ht="{ht}" customHeight="1" x14ac:dyDescent="0.15">{cells}</row>'

ROWS = [
    # a merged title row above the header
    ROW.format(
        r=1,
        ht="27",
        cells='<c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1"/><c r="C1" s="1"/>'
        '<c r="D1" s="1"/><c r="E1" s="1"/><c r="F1" s="1"/>',
    ),  # fmt: skip
    ROW.format(
        r=2,
        ht="18",
        cells="".join(
            f'<c r="{c}2" t="s"><v>{i}</v></c>' for c, i in zip("ABCDEF", range(1, 7), strict=True)
        ),
    ),
    # shared string code, rich-text name, a date serial in a Chinese date format (2024-07-01),
    # an amount with a custom format, a formula with a cached text result, a formula with a cached number
    ROW.format(
        r=3,
        ht="16.5",
        cells='<c r="A3" s="2" t="s"><v>7</v></c><c r="B3" t="s"><v>8</v></c>'
        '<c r="C3" s="3"><v>45474</v></c><c r="D3" s="4"><v>1234.56</v></c>'
        '<c r="E3" t="str"><f>TEXT(100,"0")</f><v>100</v></c><c r="F3" s="5"><f>0.5*3</f><v>1.5</v></c>',
    ),  # fmt: skip
    # the code as a formula with a text result, a month typed as text, full-width digits typed as text,
    # a styled empty cell, an inline string with its unit
    ROW.format(
        r=4,
        ht="16.5",
        cells='<c r="A4" s="2" t="str"><f>UPPER("mh-2024-0001")</f><v>MH-2024-0001</v></c>'
        '<c r="B4" t="s"><v>8</v></c><c r="C4" t="s"><v>9</v></c><c r="D4" s="4" t="s"><v>10</v></c>'
        '<c r="E4" s="4"/><c r="F4" t="inlineStr"><is><t>2.5万元</t></is></c>',
    ),  # fmt: skip
    # a styled but empty row
    ROW.format(r=5, ht="16.5", cells='<c r="A5" s="2"/><c r="D5" s="4"/><c r="F5" s="5"/>'),
    # trailing full-width spaces, a date serial for 2024-09-01, float noise as WPS stores it (17 digits)
    ROW.format(
        r=6,
        ht="16.5",
        cells='<c r="A6" s="2" t="s"><v>11</v></c><c r="B6" t="s"><v>12</v></c>'
        '<c r="C6" s="3"><v>45536</v></c><c r="D6" s="4"><v>0.30000000000000004</v></c>'
        '<c r="F6" s="5"><v>0</v></c>',
    ),  # fmt: skip
]

SHEET1 = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac" '
    'xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData">'
    '<sheetPr/><dimension ref="A1:F6"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
    '<selection activeCell="D7" sqref="D7"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5" outlineLevelCol="5"/>'
    '<cols><col min="1" max="1" width="16.625" customWidth="1"/><col min="2" max="2" width="22.5" customWidth="1"/>'
    '<col min="3" max="6" width="14.375" customWidth="1"/></cols>'
    f"<sheetData>{''.join(ROWS)}</sheetData>"
    '<mergeCells count="1"><mergeCell ref="A1:F1"/></mergeCells>'
    '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/><headerFooter/>'
    "</worksheet>"
)

SHEET2 = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheetPr/><dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    '<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5"/><sheetData/>'
    '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/><headerFooter/>'
    "</worksheet>"
)


def build(path: Path) -> None:
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELS,
        "docProps/app.xml": APP,
        "docProps/core.xml": CORE,
        "docProps/custom.xml": CUSTOM,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": shared_strings(),
        "xl/worksheets/sheet1.xml": SHEET1,
        "xl/worksheets/sheet2.xml": SHEET2,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))


if __name__ == "__main__":
    build(HERE / "wps-reports.xlsx")
    print(HERE / "wps-reports.xlsx")
