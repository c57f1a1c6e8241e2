"""Which ledger a figure of the accounted indicators belongs to (口径), in words written once.

The four 全额双核算 indicators count in full for the cooperating unit(s) and for the host park, and out-of-province
funds and foreign capital count for the cooperating unit(s): that is an assessment ledger (考核口径), kept
apart from official statistics, which count each project once where it is (在地口径). Guangxi's 2024 飞地园区
measures and its statistics bureau's 2025 reply say the same: figures counted for both sides serve the
assessment only and are not published as statistics.

Every page, export, chart, bulletin sentence and API field that shows one of these indicators says which
ledger it is from with the texts below (pages and charts: `ASSESSMENT_LABEL` / `IN_PLACE_LABEL`; API:
a `basis` of `ASSESSMENT` or `IN_PLACE`). Where both appear, `difference_sentence` explains the gap.
enclave/sharing/tests/test_basis_labels.py walks the pages, exports and API responses and fails on any
that shows an indicator without saying its ledger.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enclave.i18n import wan

ASSESSMENT = "assessment"  # 考核口径: credited to every place it belongs to, in full
IN_PLACE = "in_place"  # 在地口径: each project once, at the host park
BASES = (ASSESSMENT, IN_PLACE)

ASSESSMENT_LABEL = _("考核口径：协作地与承载地全额双核算，仅用于考核，不作为统计数据发布")
IN_PLACE_LABEL = _("在地口径：每个项目只计一次，计入项目所在的承载园区")
ASSESSMENT_SHORT = _("考核口径")
IN_PLACE_SHORT = _("在地口径")

# The API's description of a `basis` field (OpenAPI); the same words as the pages'.
API_DESCRIPTION = (
    "口径：assessment = 考核口径（协作地与承载地全额双核算，仅用于考核，不作为统计数据发布）；"
    "in_place = 在地口径（每个项目只计一次，计入项目所在的承载园区）"
)


def label(basis: str) -> str:
    """The full label of a basis, in the reader's language."""
    return str(ASSESSMENT_LABEL if basis == ASSESSMENT else IN_PLACE_LABEL)


def difference_sentence(name: str, places_fen: int, city_fen: int) -> str:
    """One short sentence with the two totals of an indicator and why they differ."""
    return gettext(
        "%(name)s：各地合计（考核口径）%(places)s，全市合计（在地口径）%(city)s；"
        "差额%(diff)s为协作地与承载地双核算重复计入的部分。"
    ) % {
        "name": name,
        "places": wan(places_fen),
        "city": wan(city_fen),
        "diff": wan(places_fen - city_fen),
    }
