"""Build the real-shaped test files in this folder (run by hand; the files are committed).

    python enclave/excel/tests/corpus/make_corpus.py      # needs LibreOffice: apt-get install libreoffice-calc

openpyxl writes the source workbooks (formulas without cached values, merged title rows, a header on row 3,
full-width text); LibreOffice headless opens and saves each again, as an official's office suite would: it
computes and stores the formulas' cached values and writes its own flavour of xlsx. A legacy .xls and an
.ods renamed to .xlsx are made the same way for the refusal tests. The tests never need LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
from enclave.lib.codes import uscc_with_check  # noqa: E402

HERE = Path(__file__).parent
HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所属行业",
    "来源地类型",
    "来源地",
    "注册资本（万元）",
    "注册地址",
    "联系人",
]


def formulas(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业信息"
    ws["A1"] = "2024年度五华区引进企业名单（公式计算）"
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(HEADERS)
    ws.append(['=CONCATENATE("公式","企业有限公司")', uscc_with_check("91530102MA6K00101"), "=30+9", "省外",
               "上海市", "=1000*3", "昆明市五华区", "王五"])  # fmt: skip
    wb.save(path)


def enterprises(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业信息"
    ws["A1"] = "企业名单"
    ws.merge_cells("A1:D1")
    ws.append(HEADERS)
    ws.append(
        [
            "　全角空格企业　",
            uscc_with_check("91530102MA6K00102"),
            "３９",
            "省外",
            "浙江省",
            "1,234.5万元",
            "",
            "",
        ]
    )
    ws.append([])
    ws.append(
        [
            "亿元企业有限公司",
            uscc_with_check("91530102MA6K00103"),
            "17 纺织业",
            "境外",
            "老挝",
            "2.92亿元",
            "",
            "",
        ]
    )
    wb.save(path)


def convert(source: Path, target: Path, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            ["soffice", "--headless", "--norestore", "--convert-to", fmt, "--outdir", out, str(source)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        (produced,) = Path(out).iterdir()
        shutil.move(produced, target)


def main() -> None:
    if not shutil.which("soffice"):
        sys.exit("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        formulas(src / "formulas.xlsx")
        enterprises(src / "enterprises.xlsx")
        convert(src / "formulas.xlsx", HERE / "libreoffice-formulas.xlsx", "xlsx:Calc MS Excel 2007 XML")
        convert(
            src / "enterprises.xlsx", HERE / "libreoffice-enterprises.xlsx", "xlsx:Calc MS Excel 2007 XML"
        )
        convert(src / "enterprises.xlsx", HERE / "libreoffice-legacy.xls", "xls:MS Excel 97")
        convert(src / "enterprises.xlsx", src / "sheet.ods", "ods")
        shutil.copy(src / "sheet.ods", HERE / "ods-renamed.xlsx")
        shutil.copy(HERE / "libreoffice-legacy.xls", HERE / "legacy-renamed.xlsx")
    print("corpus written to", HERE)


if __name__ == "__main__":
    main()
