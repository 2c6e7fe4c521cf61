"""全国地方公共団体コード, prefectures, the eight regions, 団体区分 and population bands."""

from __future__ import annotations

from enum import StrEnum

PREFECTURES: tuple[str, ...] = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)
"""Index + 1 is the JIS X 0401 prefecture code."""

PREFECTURE_YOMI: tuple[str, ...] = (
    "ほっかいどう",
    "あおもりけん",
    "いわてけん",
    "みやぎけん",
    "あきたけん",
    "やまがたけん",
    "ふくしまけん",
    "いばらきけん",
    "とちぎけん",
    "ぐんまけん",
    "さいたまけん",
    "ちばけん",
    "とうきょうと",
    "かながわけん",
    "にいがたけん",
    "とやまけん",
    "いしかわけん",
    "ふくいけん",
    "やまなしけん",
    "ながのけん",
    "ぎふけん",
    "しずおかけん",
    "あいちけん",
    "みえけん",
    "しがけん",
    "きょうとふ",
    "おおさかふ",
    "ひょうごけん",
    "ならけん",
    "わかやまけん",
    "とっとりけん",
    "しまねけん",
    "おかやまけん",
    "ひろしまけん",
    "やまぐちけん",
    "とくしまけん",
    "かがわけん",
    "えひめけん",
    "こうちけん",
    "ふくおかけん",
    "さがけん",
    "ながさきけん",
    "くまもとけん",
    "おおいたけん",
    "みやざきけん",
    "かごしまけん",
    "おきなわけん",
)

PREFECTURE_SLUGS: tuple[str, ...] = (
    "hokkaido",
    "aomori",
    "iwate",
    "miyagi",
    "akita",
    "yamagata",
    "fukushima",
    "ibaraki",
    "tochigi",
    "gunma",
    "saitama",
    "chiba",
    "tokyo",
    "kanagawa",
    "niigata",
    "toyama",
    "ishikawa",
    "fukui",
    "yamanashi",
    "nagano",
    "gifu",
    "shizuoka",
    "aichi",
    "mie",
    "shiga",
    "kyoto",
    "osaka",
    "hyogo",
    "nara",
    "wakayama",
    "tottori",
    "shimane",
    "okayama",
    "hiroshima",
    "yamaguchi",
    "tokushima",
    "kagawa",
    "ehime",
    "kochi",
    "fukuoka",
    "saga",
    "nagasaki",
    "kumamoto",
    "oita",
    "miyazaki",
    "kagoshima",
    "okinawa",
)

REGIONS: tuple[tuple[str, str, range], ...] = (
    ("北海道", "hokkaido", range(1, 2)),
    ("東北", "tohoku", range(2, 8)),
    ("関東", "kanto", range(8, 15)),
    ("中部", "chubu", range(15, 24)),
    ("近畿", "kinki", range(24, 31)),
    ("中国", "chugoku", range(31, 36)),
    ("四国", "shikoku", range(36, 40)),
    ("九州・沖縄", "kyushu-okinawa", range(40, 48)),
)
"""The common eight regions: (name, slug, prefecture codes)."""


class OrgKind(StrEnum):
    """団体区分."""

    DESIGNATED_CITY = "政令指定都市"
    CORE_CITY = "中核市"
    SPECIAL_CASE_CITY = "施行時特例市"
    CITY = "一般市"
    TOWN = "町"
    VILLAGE = "村"
    SPECIAL_WARD = "特別区"
    PREFECTURE = "都道府県"


def check_digit(first_five: str) -> int:
    """Check digit of a 全国地方公共団体コード over its first five digits."""
    s = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), first_five, strict=True))
    return (11 - s % 11) % 10


def completed_code(code: str) -> str | None:
    """The 6-digit code of a 5-digit one (its check digit added), or None when `code` is not 5 digits."""
    if len(code) == 5 and code.isascii() and code.isdigit() and 1 <= int(code[:2]) <= 47:
        return code + str(check_digit(code))
    return None


def code_problem(code: str) -> str | None:
    """Why `code` is not a valid 6-digit 団体コード, or None."""
    if full := completed_code(code):
        # The check digit is often left off in lists people copy from: offer the full code.
        return f"団体コード「{code}」は 5 桁です（6 桁目の検査数字を付けると「{full}」）"
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return f"団体コード「{code}」は 6 桁の半角数字でなければなりません"
    pref = int(code[:2])
    if not 1 <= pref <= 47:
        return f"団体コード「{code}」の先頭 2 桁（都道府県 {code[:2]}）は 01〜47 でなければなりません"
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        return f"団体コード「{code}」の検査数字が合いません（{code[:5]} なら末尾は {expected}）"
    return None


def prefecture_of_code(code: str) -> str:
    """Prefecture name of a valid code."""
    return PREFECTURES[int(code[:2]) - 1]


def kind_problem(code: str, kind: OrgKind) -> str | None:
    """Why the 団体区分 cannot belong to this code's number range, or None."""
    part = int(code[2:5])
    if kind is OrgKind.PREFECTURE:
        ok = part == 0
    elif kind is OrgKind.SPECIAL_WARD:
        ok = code[:2] == "13" and 101 <= part <= 123
    elif kind is OrgKind.DESIGNATED_CITY:
        ok = 100 <= part <= 199
    elif kind in (OrgKind.TOWN, OrgKind.VILLAGE):
        ok = part >= 300
    else:
        ok = 200 <= part <= 299
    if ok:
        return None
    return (
        f"団体コード「{code}」は{code_kind_words(code)}のコードなので、団体区分「{kind.value}」とは合いません"
        f"（コードの 3〜5 桁目「{code[2:5]}」で決まります）"
    )


NAME_ENDINGS = {"市": OrgKind.CITY, "町": OrgKind.TOWN, "村": OrgKind.VILLAGE, "区": OrgKind.SPECIAL_WARD}
"""The last character of a municipality's official name and the 団体区分 it names (every 市 kind ends in 市)."""
CITY_KINDS = (OrgKind.DESIGNATED_CITY, OrgKind.CORE_CITY, OrgKind.SPECIAL_CASE_CITY, OrgKind.CITY)


def name_kind_problem(name: str, kind: OrgKind) -> str | None:
    """Why a municipality's name cannot be of this 団体区分 (川場村 is no 町), or None.

    Codes cannot tell a 町 from a 村 (both 300 and above), so the name's last character decides.
    Prefectures are checked by their name alone; a name without a known ending is left to the reviewer.
    """
    named = NAME_ENDINGS.get(name[-1:])
    if kind is OrgKind.PREFECTURE or named is None:
        return None
    if named is kind or (named is OrgKind.CITY and kind in CITY_KINDS):
        return None
    return f"団体名「{name}」は「{name[-1]}」で終わるので、団体区分「{kind.value}」とは合いません"


def default_kind(code: str, name: str = "") -> OrgKind:
    """The 団体区分 a valid code most likely has (a city may be 中核市 or 施行時特例市: ask when it matters).

    Among 町 and 村, which share the code range, the name's last character decides (川場村 → 村).
    """
    part = int(code[2:5])
    if part == 0:
        return OrgKind.PREFECTURE
    if part < 200:
        return OrgKind.DESIGNATED_CITY
    if part < 300:
        return OrgKind.CITY
    return OrgKind.VILLAGE if name.endswith("村") else OrgKind.TOWN


def code_kind_words(code: str) -> str:
    """Which kind of body a code's number range belongs to, in plain words."""
    part = int(code[2:5])
    if part == 0:
        return "都道府県"
    if code[:2] == "13" and 101 <= part <= 123:
        return "東京23区（特別区）"
    if 100 <= part <= 199:
        return "政令指定都市（またはその区）"
    if 200 <= part <= 299:
        return "市"
    return "町か村" if part >= 300 else "どの団体区分にも当たらない番号"


def region_of(prefecture: str) -> tuple[str, str]:
    """(region name, slug) of a prefecture."""
    number = PREFECTURES.index(prefecture) + 1
    for name, slug, codes in REGIONS:
        if number in codes:
            return name, slug
    raise KeyError(prefecture)


# The ministry's 類似団体 bands (一般市 and 町村); the others are ours and say so.
_Bands = tuple[tuple[int | None, str], ...]
_CITY_BANDS: _Bands = ((50_000, "5万人未満"), (100_000, "5万〜10万人"), (150_000, "10万〜15万人"), (None, "15万人以上"))
_TOWN_BANDS: _Bands = (
    (5_000, "5千人未満"),
    (10_000, "5千〜1万人"),
    (15_000, "1万〜1.5万人"),
    (20_000, "1.5万〜2万人"),
    (None, "2万人以上"),
)


def population_band(kind: OrgKind, population: int) -> str:
    """Population band label; 一般市 and 町村 follow the ministry's 類似団体 bands."""
    if kind in (OrgKind.TOWN, OrgKind.VILLAGE):
        bands = _TOWN_BANDS
        prefix = "町村"
    elif kind in (OrgKind.CITY, OrgKind.SPECIAL_CASE_CITY):
        bands = _CITY_BANDS
        prefix = "市"
    else:
        return kind.value  # 政令市・中核市・特別区・都道府県は区分そのものを規模とみなす（当サイト独自）
    for limit, label in bands:
        if limit is None or population < limit:
            return f"{prefix} {label}"
    raise AssertionError("unreachable")


BAND_ORDER: tuple[str, ...] = (
    *(f"町村 {label}" for _limit, label in _TOWN_BANDS),
    *(f"市 {label}" for _limit, label in _CITY_BANDS),
    OrgKind.CORE_CITY.value,
    OrgKind.DESIGNATED_CITY.value,
    OrgKind.SPECIAL_WARD.value,
    OrgKind.PREFECTURE.value,
)
"""Every label population_band can return, smallest first."""
