"""Orders the indexes use: 五十音 for terms, 団体コード order for places."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casebook.index.views import CaseView, RecordView

GOJUON_ROWS = (
    ("あ行", "あいうえおぁぃぅぇぉ"), ("か行", "かきくけこがぎぐげご"), ("さ行", "さしすせそざじずぜぞ"),
    ("た行", "たちつてとだぢづでどっ"), ("な行", "なにぬねの"), ("は行", "はひふへほばびぶべぼぱぴぷぺぽ"),
    ("ま行", "まみむめも"), ("や行", "やゆよゃゅょ"), ("ら行", "らりるれろ"), ("わ行", "わをんゎ"),
)  # fmt: skip


_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎ", "あいうえおつやゆよわ")


def gojuon_key(yomi: str) -> tuple[str, str]:
    """Sort key in 五十音 order: voiced and small kana sort with their plain kana first (JIS X 4061)."""
    plain = "".join(ch for ch in unicodedata.normalize("NFD", yomi) if ch not in "\u3099\u309a")
    return (unicodedata.normalize("NFC", plain).translate(_SMALL_KANA).replace("ー", ""), yomi)


def gojuon_row(yomi: str) -> str:
    """五十音 row of a reading's first kana (`あ行` …); `英数字` for anything else."""
    first = yomi[:1]
    for row, kana in GOJUON_ROWS:
        if first in kana:
            return row
    return "英数字"


def case_order(view: CaseView) -> tuple[int, int, str]:
    """Prefecture code order, then municipality code — the order of the 団体コード table."""
    code = view.case.organization.code
    return (int(code[:2]), int(code[2:5]), view.id)


def other_order(view: RecordView) -> tuple[int, int]:
    """Order of other records: by 団体コード when they belong to one local government, the rest after."""
    org = getattr(view.record, "organization", None)
    if org is None:
        return (99, 0)
    return (int(org.code[:2]), int(org.code[2:5]))
