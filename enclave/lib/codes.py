"""Identifier check rules: enterprise credit codes, division codes, investment project codes.

Each validator returns the normalised code or raises CodeError with a Chinese sentence for the form.
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError


class CodeError(ValueError):
    pass


# GB/T 2260 province-level prefixes (省级行政区划代码).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
PLATFORM_CODE_RE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")


def normalise_uscc(code: str) -> str:
    """统一社会信用代码 (GB 32100-2015): 18 characters, organisation code and final check character."""
    text = (code or "").strip().upper().replace(" ", "").replace("-", "")
    try:
        return uscc.validate(text)
    except InvalidLength as exc:
        raise CodeError("统一社会信用代码应为18位") from exc
    except InvalidChecksum as exc:
        raise CodeError("统一社会信用代码校验位不正确，请核对后重新输入") from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise CodeError("统一社会信用代码格式不正确（含无效字符或登记管理部门代码）") from exc
    except ValidationError as exc:  # pragma: no cover - any other stdnum refusal
        raise CodeError("统一社会信用代码无效") from exc


def uscc_with_check(first17: str) -> str:
    """The full code for 17 leading characters, computing the real check character (used by demo data)."""
    return first17 + uscc.calc_check_digit(first17)


def normalise_division_code(code: str) -> str:
    """GB/T 2260 county-level code: six digits, a real province prefix, prefecture and county parts present."""
    text = (code or "").strip()
    if not re.fullmatch(r"\d{6}", text):
        raise CodeError("行政区划代码应为6位数字")
    if text[:2] not in PROVINCE_PREFIXES:
        raise CodeError(f"行政区划代码“{text}”的省级代码“{text[:2]}”不存在")
    if text[2:4] == "00" and text[4:] != "00":
        raise CodeError(f"行政区划代码“{text}”缺少地级代码")
    return text


def normalise_unit_code(code: str) -> str:
    """A cooperating unit's code: its GB/T 2260 code, or for zones a lowercase platform code (e.g. gaoxin)."""
    text = (code or "").strip()
    if text.isdigit():
        return normalise_division_code(text)
    if PLATFORM_CODE_RE.fullmatch(text):
        return text
    raise CodeError("单位代码应为6位行政区划代码，或小写字母开头的平台代码（如 gaoxin）")


INVESTMENT_CODE_RE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


def normalise_investment_code(code: str, *, today: dt.date | None = None) -> str:
    """全国投资项目在线审批监管平台 project code: YYYY-XXXXXX-XX-XX-XXXXXX (24 characters).

    Year of filing, division code of the filing place, GB/T 4754 industry division, project type
    (审批/核准/备案 …) and a serial number.
    """
    text = (code or "").strip().replace("—", "-").replace("－", "-")
    if len(text) != 24:
        raise CodeError("投资项目代码应为24位，格式如 2024-530102-39-03-000123")
    match = INVESTMENT_CODE_RE.fullmatch(text)
    if not match:
        raise CodeError("投资项目代码格式应为 年份-行政区划-行业-类型-序号，如 2024-530102-39-03-000123")
    year_s, division, industry, kind, serial = match.groups()
    this_year = (today or dt.date.today()).year  # noqa: DTZ011 - a calendar year, not an instant
    if not 2014 <= int(year_s) <= this_year:
        raise CodeError(f"投资项目代码中的年份“{year_s}”不在 2014–{this_year} 之间")
    try:
        normalise_division_code(division)
    except CodeError as exc:
        raise CodeError(f"投资项目代码中的行政区划代码无效：{exc}") from exc
    if not 1 <= int(industry) <= 97:
        raise CodeError(f"投资项目代码中的行业代码“{industry}”不是国民经济行业大类")
    if int(kind) == 0 or int(serial) == 0:
        raise CodeError("投资项目代码中的类型或序号不能为0")
    return text


# Province-level divisions by GB/T 2260 prefix, for an enterprise's or project's origin (来源地).
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip
