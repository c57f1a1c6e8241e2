"""Issue 13 item 6: whatever shows an accounted indicator says which ledger it is from (考核口径 / 在地口径).

The walk covers every route of the access matrix (accounts/tests/test_scope_matrix.py, which every new route
must join), opened as the city, a district and a park: each page, each export (the …export routes and the
pages' ?format=xlsx), the bulletin (page, .docx and the command), the dashboard's chart data and every API
read. A response that names one of the indicators must carry a ledger label (sharing/basis.py), or be
named in RAW_FIGURES with the reason it shows no credited figures. API objects holding an indicator field
must carry `basis`; the OpenAPI schema says the same of every response schema. A new page, export or API
field showing an indicator without its ledger therefore fails here.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

import enclave.accounts.tests.test_scope_matrix as matrix
from enclave.api import api
from enclave.assessment.models import Source
from enclave.excel.tests.test_export_walk import EXPORTS, FORMAT_EXPORTS, WHO, export_url
from enclave.sharing import accounting, basis
from enclave.sharing.models import MonthlyReport

pytestmark = pytest.mark.django_db
world = matrix.world

# Every name a page uses for an accounted indicator: the six of the accounting, and the assessment's.
INDICATOR_NAMES = tuple(
    {str(n) for n in accounting.NAMES.values()}
    | {str(s.label) for s in (Source.FIXED_ASSET, Source.FUNDS, Source.OUTPUT, Source.REVENUE)}
)
LABELS = (str(basis.ASSESSMENT_LABEL), str(basis.IN_PLACE_LABEL))
# Routes that name an indicator but show no figure credited to a place, each with its reason.
RAW_FIGURES = {
    "projects:detail": "one project's own fixed-asset investment against its plan (投资进度), credited to no place",
    "sharing:reports": "the monthly reports as entered: one project-month's own figures, credited to no place",
    "sharing:report_create": "the entry form of a monthly report (field labels, no figures)",
    "sharing:report_edit": "the entry form of a monthly report (one project-month's own figures)",
    "sharing:adjustments": "adjustments of one project-month's own figures (what an adjustment corrects)",
    "excel:template": "blank import templates: column headers, no figures",
    "excel:run_errors": "the user's own uploaded file handed back with its problems marked",
    "excel:index": "the import page: template names and column lists, no figures",
    "assessment:targets": "the assessment's targets per tier (what is asked, not what was credited)",
    "assessment:targets_export": "the assessment's targets per tier (what is asked, not what was credited)",
    "assessment:target_history": "the history of the targets (what was asked), no credited figures",
    "assessment:tiers": "the tiers and their scoring items (weights and rules), no credited figures",
}


def _text_of_html(body: str) -> str:
    """What a reader sees: tags and scripts out (a <select>'s options are choices, not figures)."""
    body = re.sub(r"(?is)<(script|style|select)\b.*?</\1>", " ", body)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text_of(response) -> str:
    kind = response.get("Content-Type", "")
    if kind.startswith(("image/", "application/pdf")):
        return ""
    if "spreadsheetml" in kind:
        wb = openpyxl.load_workbook(io.BytesIO(_body(response)))
        return " ".join(
            str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None
        )
    if "wordprocessingml" in kind:
        with zipfile.ZipFile(io.BytesIO(_body(response))) as z:
            return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode())
    if "json" in kind:
        return _body(response).decode()
    return _text_of_html(_body(response).decode(errors="replace"))


def unlabelled(text: str) -> list[str]:
    """The indicator names a text shows when it carries no ledger label (empty: all is well)."""
    named = [n for n in INDICATOR_NAMES if n in text]
    return [] if not named or any(label in text for label in LABELS) else named


def unmarked_objects(data: object, path: str = "$") -> list[str]:
    """JSON objects that hold an indicator (as a field, or by name in their texts) without a `basis`."""
    found = []
    if isinstance(data, dict):
        texts = [v for v in data.values() if isinstance(v, str)]
        texts += [x for v in data.values() if isinstance(v, list) for x in v if isinstance(x, str)]
        holds = any(f in data for f in accounting.FIELDS) or any(
            n in t for t in texts for n in INDICATOR_NAMES
        )
        if holds and data.get("basis") not in basis.BASES:
            found.append(path)
        for key, value in data.items():
            found += unmarked_objects(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += unmarked_objects(value, f"{path}[{i}]")
    return found


@pytest.fixture
def walked(world):
    """The matrix world, with every indicator of its monthly report filled (so figures show)."""
    MonthlyReport.objects.update(**{f: (i + 1) * 1_000_000 for i, f in enumerate(accounting.FIELDS)})
    return world


# Routes without an object of the world that still take an argument: reference data.
PAGE_KWARGS = {"parks:park_detail": {"code": "mohan"}, "api:park_detail": {"code": "mohan"}, "api:true_up_detail": {"year": 2024}}


def url_of(name: str, objects: dict, recognised: object) -> str:
    if name in PAGE_KWARGS:
        return reverse(name, kwargs=PAGE_KWARGS[name])
    return export_url(name, objects, recognised)  # fails for a new route taking an argument: add it above


def _get_urls(objects, recognised):
    """(route, url) for every GET-able route of the matrix, pages with their period where they take one."""
    for name, spec in matrix.MATRIX.items():
        if (
            (isinstance(spec, matrix.Page) and spec.post_only)
            or name.startswith("api:")
            or name in RAW_FIGURES
        ):
            continue
        url = url_of(name, objects, recognised)
        query = FORMAT_EXPORTS.get(name, "")
        yield name, url + (f"?{query}" if query else "")


@pytest.mark.parametrize("role", ["city_admin", "wuhua", "mohan_user"])
def test_every_page_export_and_chart_naming_an_indicator_says_its_ledger(walked, role):
    users, objects, _secrets, recognised = walked
    urls = list(_get_urls(objects, recognised))
    urls += [(n, export_url(n, objects, recognised, "&".join(filter(None, (q, "format=xlsx")))))
             for n, q in FORMAT_EXPORTS.items() if n not in RAW_FIGURES]  # fmt: skip
    urls += [
        (n, export_url(n, objects, recognised))
        for n in EXPORTS
        if n not in dict(urls) and n not in RAW_FIGURES
    ]
    problems, labelled = [], 0
    for name, url in urls:
        if name.startswith("api:") or name in RAW_FIGURES:
            continue
        user = users[WHO.get(name, role)] if name in WHO else users[role]
        response = matrix._client(user).get(url, follow=True)
        if response.status_code != 200:
            continue
        try:
            text = _text_of(response)
        except Exception as exc:  # noqa: BLE001 - name the route that could not be read
            raise AssertionError(f"{name} {url}: {exc}") from exc
        if missing := unlabelled(text):
            problems.append(f"{name} {url}: {missing}")
        elif any(n in text for n in INDICATOR_NAMES):
            labelled += 1
        if "json" in response.get("Content-Type", ""):
            problems += [f"{name}: {p}" for p in unmarked_objects(json.loads(_body(response)))]
    assert not problems, problems
    assert labelled >= 5, labelled  # the dashboard, its data and export, the accounting table and its export


def test_every_api_read_holding_an_indicator_marks_its_basis(walked):
    users, objects, _secrets, recognised = walked
    problems, seen = [], 0
    for name, spec in matrix.MATRIX.items():
        if not name.startswith("api:") or (isinstance(spec, matrix.Page) and spec.post_only):
            continue
        for role in ("city_admin", "wuhua", "mohan_user"):
            response = matrix._client(users[role]).get(url_of(name, objects, recognised))
            if response.status_code != 200:
                continue
            data = response.json()
            problems += [f"{name} as {role}: {p}" for p in unmarked_objects(data)]
            seen += any(f in response.content.decode() for f in accounting.FIELDS)
    assert not problems, problems
    assert seen >= 2, seen


def _schemas_reachable_from_responses(schema: dict) -> set[str]:
    components = schema["components"]["schemas"]
    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    visit(components[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for operations in schema["paths"].values():
        for operation in operations.values():
            visit(operation.get("responses", {}))
    return found


def test_every_response_schema_with_an_indicator_field_documents_its_basis():
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    checked = []
    for name in sorted(_schemas_reachable_from_responses(schema)):
        properties = components[name].get("properties", {})
        if not any(f in properties for f in accounting.FIELDS):
            continue
        checked.append(name)
        marker = properties.get("basis")
        assert marker is not None, f"{name} shows indicators without a `basis`"
        assert set(marker.get("enum", [])) <= set(basis.BASES) and "考核口径" in marker.get("description", "")
    assert checked, "no response schema holds an indicator: the test would check nothing"


def test_the_bulletin_names_no_indicator_without_its_ledger(walked, capsys):
    """The page and the .docx are walked above; the command writes the same text."""
    call_command("bulletin", as_of="2025-03-31")
    assert not unlabelled(capsys.readouterr().out)


def test_a_page_naming_an_indicator_without_a_label_is_caught():
    name = str(accounting.NAMES["industrial_output_fen"])
    assert unlabelled(f"<td>{name}</td><td>12.00</td>") == [name]
    assert unlabelled(f"{name} {basis.ASSESSMENT_LABEL}") == []
    assert unmarked_objects({"rows": [{"industrial_output_fen": 5}]}) == ["$.rows[0]"]
    assert unmarked_objects({"rows": [{"industrial_output_fen": 5, "basis": "assessment"}]}) == []


def test_the_labels_are_the_issues_words():
    assert str(basis.ASSESSMENT_LABEL) == "考核口径：协作地与承载地全额双核算，仅用于考核，不作为统计数据发布"
    assert reverse("sharing:accounting") == "/sharing/accounting/"


def test_the_public_page_publishes_no_double_counted_figure_and_says_the_results_are_the_assessments(walked):
    from django.test import Client

    text = _text_of(Client().get(reverse("public:results")))
    assert str(basis.ASSESSMENT_LABEL) in text
    assert not any(n in text for n in INDICATOR_NAMES)
