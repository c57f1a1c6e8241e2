"""The UI in English: the language switch, the main pages, and the completeness of the en catalogue.

Chinese (zh-hans) is the default and the message ids are the Chinese texts; English comes from
enclave/locale/en/LC_MESSAGES/django.po, compiled to django.mo (committed: machines without gettext tools
cannot compile it). Only the user's choice changes the language: the `django_language` cookie that
/i18n/setlang/ sets (enclave.accounts.language.ChosenLanguageMiddleware); the browser's Accept-Language is
not followed.
"""

from __future__ import annotations

import datetime as dt
import gettext as gnu_gettext
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from enclave.audit.models import Event
from enclave.conftest import PASSWORD, make_draft, make_recognised
from enclave.sharing import services as sharing_services

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LOCALE = Path(settings.BASE_DIR) / "enclave" / "locale" / "en" / "LC_MESSAGES"
TEMPLATES = Path(settings.BASE_DIR) / "enclave" / "templates"


def english(client: Client) -> Client:
    """Switch the client to English the way a user does: the language button posts to /i18n/setlang/."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/projects/"})
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


class _Texts(HTMLParser):
    """The text inside <nav> (less the signed-in user's name and unit, which are data, and the language
    button, which names Chinese in Chinese) and inside every <h2>."""

    SKIPPED_CLASSES = {"who", "lang-switch"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.nav: list[str] = []
        self.h2: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"input", "meta", "link", "br", "img"}:
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append((tag, bool(classes & self.SKIPPED_CLASSES)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(skipped for _tag, skipped in self.stack):
            return
        tags = {tag for tag, _skipped in self.stack}
        if "nav" in tags:
            self.nav.append(data)
        if "h2" in tags:
            self.h2.append(data)


def nav_and_headings(html: str) -> tuple[str, str]:
    parser = _Texts()
    parser.feed(html)
    return " ".join(parser.nav), " ".join(parser.h2)


# ---------------------------------------------------------------- which language a request gets


def test_chinese_is_the_default(wuhua):
    html = page(signed_in(wuhua), "/projects/")
    assert '<html lang="zh-hans"' in html
    assert "协作项目库" in html and "项目库" in html and "Cooperation project library" not in html
    assert "English" in html  # the switch offers the other language


def test_the_language_switch_turns_the_pages_english_and_back(wuhua):
    client = english(signed_in(wuhua))
    html = page(client, "/projects/")
    assert '<html lang="en"' in html
    assert "Cooperation project library" in html and "New filing" in html and "Sign out" in html
    assert "协作项目库" not in html
    assert "简体中文" in html  # the switch offers Chinese, named in Chinese
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/projects/"})
    assert response.status_code == 302
    assert "协作项目库" in page(client, "/projects/")


def test_only_the_users_choice_changes_the_language_not_the_browser(wuhua):
    """enclave.accounts.language.ChosenLanguageMiddleware: the cookie set by the switch decides, the
    browser's Accept-Language does not."""
    client = signed_in(wuhua)
    assert "协作项目库" in client.get("/projects/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        "Cooperation project library"
        in client.get("/projects/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    )


def test_the_login_page_in_english():
    client = english(Client())
    html = page(client, "/accounts/login/")
    assert "Sign in" in html and "Username" in html and "Password" in html
    assert "登录" not in html and "用户名" not in html
    wrong = client.post("/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    assert wrong.status_code == 200 and not CJK.search(nav_and_headings(wrong.content.decode())[1])


def test_an_english_sign_in_lands_on_the_english_library(wuhua):
    client = english(Client())
    response = client.post("/accounts/login/", {"username": "wuhua", "password": PASSWORD})
    assert response.status_code == 302
    assert "Cooperation project library" in page(client, response["Location"])


# ---------------------------------------------------------------- the main pages


def test_the_project_library_in_english(wuhua):
    make_draft(wuhua)
    html = page(english(signed_in(wuhua)), "/projects/?status=draft")
    for text in ("Cooperation project library", "Export to Excel", "Project name", "Cooperating unit", "Draft",
                 "Status: Draft", "planned total investment", "× 100m yuan"):  # fmt: skip
        assert text in html, text
    assert "轻纺出口加工项目" in html  # data stays as entered


def test_the_filing_form_labels_in_english(wuhua):
    html = page(english(signed_in(wuhua)), "/projects/new/")
    for text in ("New project filing", "Project name", "Enterprise&#x27;s unified social credit code", "Host park",
                 "Project type", "New (from another province)", "Relocation class", "Planned total investment (10k yuan)",
                 "Signing date", "Save draft", "Save and submit filing"):  # fmt: skip
        assert text in html, text
    for text in ("项目名称", "承载园区", "计划总投资（万元）", "保存草稿"):
        assert text not in html, text


def test_a_filing_error_is_english(wuhua):
    client = english(signed_in(wuhua))
    response = client.post("/projects/new/", {"enterprise_code": "", "planned_investment_wan": "-5"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter the enterprise&#x27;s unified social credit code" in html
    assert "The planned total investment cannot be negative" in html


def test_the_project_page_in_english(wuhua):
    project = make_draft(wuhua)
    html = page(english(signed_in(wuhua)), f"/projects/{project.pk}/")
    for text in (
        "Project details",
        "Submit filing",
        "Draft",
        "Planned total investment",
        "5,000.00 × 10k yuan",
    ):
        assert text in html, text


@pytest.fixture
def settled(wuhua, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)
    sharing_services.report_create(
        actor=mohan_user, project=project, month=dt.date(2024, 8, 1), taxes={"vat": 1_000_001},
        values={"fixed_asset_investment_fen": 12_345_600},
    )  # fmt: skip
    sharing_services.settlement_run(actor=city_admin, period="2024Q3")
    return project


def test_the_settlement_overview_in_english(settled, wuhua):
    html = page(english(signed_in(wuhua)), "/sharing/?period=2024Q3")
    for text in ("2024Q3 benefit-sharing settlement", "Statement", "Total share (yuan)", "Total"):
        assert text in html, text
    assert "利益分享结算" not in html


def test_the_exports_stay_chinese_documents(settled, wuhua):
    """Exports are Chinese documents whatever the page language."""
    client = english(signed_in(wuhua))
    ws = openpyxl.load_workbook(io.BytesIO(client.get("/projects/export.xlsx").content)).active
    assert "协作项目库导出" in ws["A1"].value and ws["A2"].value == "项目编号"
    assert ws["L3"].value == "已认定"
    statement = client.get("/sharing/statement/530102/?period=2024Q3&format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(statement.content)).active
    assert "利益分享结算单" in ws["A1"].value and ws["A2"].value == "项目编号"


def test_a_settlement_job_reads_in_english(settled, city_admin, django_capture_on_commit_callbacks):
    from enclave.sharing.tests.test_views import run_queued_jobs

    client = english(signed_in(city_admin))
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post("/sharing/run/", {"period": "2024Q3"})["Location"]
    assert "Waiting for the background worker" in page(client, job_page)
    run_queued_jobs()
    html = page(client, job_page + "progress/")
    assert "Done" in html and "2024Q3: data unchanged" in html


def test_the_reference_pages_in_english(wuhua):
    client = english(signed_in(wuhua))
    html = page(client, "/parks/")
    for text in ("Key industrial cooperation parks", "Default benefit-sharing splits", "Project type"):
        assert text in html, text
    units = page(client, "/parks/units/")
    assert (
        "Cooperating units" in units
        and "Assessment tier" in units
        and "Tier 1 (main urban districts)" in units
    )


def test_a_refusal_is_explained_in_english(settled, panlong):
    response = english(signed_in(panlong)).get("/sharing/statement/530102/?period=2024Q3")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access denied" in html and "You may not view the statement of this unit or park" in html


def test_the_audit_trail_stays_chinese_whatever_the_page_language(wuhua, city_admin):
    with translation.override("en"):
        project = make_draft(wuhua, name="English session project")
        assert str(project).startswith("Draft-")
    event = Event.objects.filter(object_type="projects.project", object_id=str(project.pk)).get()
    assert event.object_repr == f"草稿-{project.pk} English session project"
    with translation.override("en"):
        english(signed_in(city_admin)).get("/projects/export.xlsx")
    export = Event.objects.filter(verb="export").latest("pk")
    assert export.actor_scope == "全市" and "协作项目库导出" in export.object_repr


@pytest.mark.parametrize(
    "url",
    ["/projects/", "/projects/new/", "/projects/conflicts/", "/projects/claims/new/", "/enterprises/",
     "/enterprises/new/", "/sharing/", "/sharing/accounting/", "/sharing/reports/", "/sharing/rates/",
     "/parks/", "/parks/units/"],
)  # fmt: skip
def test_no_chinese_left_in_the_navigation_and_headings(wuhua, url):
    nav, headings = nav_and_headings(page(english(signed_in(wuhua)), url))
    assert "Projects" in nav
    assert not CJK.search(nav), nav
    assert not CJK.search(headings), headings


# ---------------------------------------------------------------- the catalogue


def po_entries(path: Path) -> list[dict[str, object]]:
    """A small .po reader: msgid, msgid_plural, msgstr / msgstr[n] and flags of each entry (no obsolete ones)."""

    def unquote(text: str) -> str:
        return bytes(text.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")

    entries: list[dict[str, object]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not lines:
            continue
        entry: dict[str, object] = {"flags": set(), "msgstr": {}}
        key: str | None = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                assert key is not None
                if key.startswith("msgstr"):
                    index = int(key[7:-1]) if "[" in key else 0
                    entry["msgstr"][index] += unquote(line)  # type: ignore[index]
                else:
                    entry[key] = str(entry[key]) + unquote(line)
            else:
                key, _space, value = line.partition(" ")
                if key.startswith("msgstr"):
                    index = int(key[7:-1]) if "[" in key else 0
                    entry["msgstr"][index] = unquote(value)  # type: ignore[index]
                else:
                    entry[key] = unquote(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")


def test_every_english_message_is_translated_and_keeps_its_placeholders():
    entries = [e for e in po_entries(LOCALE / "django.po") if e["msgid"]]
    assert len(entries) > 500
    for entry in entries:
        msgid, msgstrs = str(entry["msgid"]), entry["msgstr"]
        assert "fuzzy" not in entry["flags"], msgid  # type: ignore[operator]
        assert msgstrs and all(msgstrs.values()), f"untranslated: {msgid}"  # type: ignore[union-attr]
        for msgstr in msgstrs.values():  # type: ignore[union-attr]
            assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid
            # English texts land in HTML attributes (data-confirm, title) quoted with ": never inside one
            assert '"' not in msgstr, msgid


def test_the_committed_mo_matches_the_po():
    """django.mo is committed (no gettext tools on a fresh machine): it must hold every .po translation."""
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gnu_gettext.GNUTranslations(handle)
    for entry in po_entries(LOCALE / "django.po"):
        msgid, msgstrs = str(entry["msgid"]), entry["msgstr"]
        if not msgid:
            continue
        if "msgid_plural" in entry:
            assert catalogue.ngettext(msgid, str(entry["msgid_plural"]), 1) == msgstrs[0], msgid  # type: ignore[index]
            assert catalogue.ngettext(msgid, str(entry["msgid_plural"]), 2) == msgstrs[1], msgid  # type: ignore[index]
        else:
            assert catalogue.gettext(msgid) == msgstrs[0], msgid  # type: ignore[index]


TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1""")


def test_every_translate_tag_of_the_templates_is_in_the_catalogue():
    msgids = {str(e["msgid"]) for e in po_entries(LOCALE / "django.po")}
    used = {  # makemessages writes a literal % of a translate tag as %%, and Django looks it up so
        m.group(2).replace("%", "%%")
        for p in TEMPLATES.rglob("*.html")
        for m in TRANSLATE_TAG.finditer(p.read_text("utf-8"))
    }
    assert used and not used - msgids, sorted(used - msgids)


def test_templates_have_no_chinese_outside_translation_tags():
    stripped = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text("utf-8")
        text = re.sub(r"\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}", "", text, flags=re.S)
        text = TRANSLATE_TAG.sub("", text)
        text = re.sub(r"\{#.*?#\}", "", text)
        stripped += [f"{path.name}: {line.strip()}" for line in text.splitlines() if CJK.search(line)]
    assert not stripped, stripped
