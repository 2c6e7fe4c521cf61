"""Characters record text may not hold, the invisible ones we drop, and terminal-safe display.

Three kinds (issue 12, "nothing lost, nothing injected"):

- FORBIDDEN — controls (C0 except tab/LF/CR, DEL, C1 including NEL), the line and paragraph
  separators U+2028/2029, bidirectional embeddings, overrides, isolates and marks, deprecated
  format controls, interlinear annotation controls, noncharacters and lone surrogates. Each one
  either breaks an output (feed.xml is not well-formed with U+FFFE; YAML front matter and
  JavaScript treat NEL/U+2028 as line ends; a lone surrogate cannot be written as UTF-8) or makes
  text read differently from what it is (Trojan Source). They are refused with their name and place.
- invisible — ZWSP U+200B, ZWNJ U+200C, WORD JOINER U+2060 and BOM U+FEFF inside text. They come
  in with text copied from web pages and PDFs, mean nothing in Japanese, cannot be seen to be deleted
  (an error pointing at one leaves the contributor staring at nothing) and split search terms
  (研<ZWSP>修 does not match 研修). They are removed silently; so is ZWJ U+200D, except between two
  pictographs where it builds an emoji (👩‍💻). CR and CRLF become LF (what YAML itself does to
  line ends in the file; XML parsers would turn CR into LF anyway).
"""

from __future__ import annotations

import re
import unicodedata

_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)
)
_FORBIDDEN = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u206f"
    f"\ufff9-\ufffb\ud800-\udfff{_NONCHARACTERS}"
)
_INVISIBLE_CHARS = "\u200b-\u200d\u2060\ufeff\r"
FORBIDDEN = re.compile(f"[{_FORBIDDEN}]")
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_MAYBE_SPECIAL = re.compile(
    f"[{_FORBIDDEN[: -len(_NONCHARACTERS)]}\ufdd0-\ufdef\ufffe\uffff{_INVISIBLE_CHARS}\U00010000-\U0010ffff]"
)
"""A fast superset of FORBIDDEN and the invisible characters: a class that lists the 32 astral
noncharacters one by one is slow in `re`, so any astral character goes on to the exact check."""
_NAMES = {
    "\x00": "ヌル文字",
    "\x09": "タブ",
    "\x0a": "改行",
    "\x0b": "垂直タブ",
    "\x0c": "改ページ",
    "\x0d": "復帰",
    "\x1b": "エスケープ",
    "\x7f": "削除文字",
    "\x85": "次行 NEL",
    "\u061c": "アラビア文字の書字方向記号",
    "\u200e": "左から右への書字方向記号",
    "\u200f": "右から左への書字方向記号",
    "\u2028": "行区切り",
    "\u2029": "段落区切り",
    "\u202a": "左から右への埋め込み",
    "\u202b": "右から左への埋め込み",
    "\u202c": "書字方向の書式の終わり",
    "\u202d": "左から右への上書き",
    "\u202e": "右から左への上書き",
    "\u2066": "左から右への分離",
    "\u2067": "右から左への分離",
    "\u2068": "書字方向を自動で決める分離",
    "\u2069": "書字方向の分離の終わり",
}


def name(ch: str) -> str:
    """`U+2028（行区切り）`: the code point and a Japanese name, for messages."""
    code = ord(ch)
    if ch in _NAMES:
        label = _NAMES[ch]
    elif code < 0x20:
        label = "制御文字"
    elif 0x80 <= code <= 0x9F:
        label = "C1 制御文字"
    elif 0xD800 <= code <= 0xDFFF:
        label = "単独のサロゲート"
    elif 0x206A <= code <= 0x206F:
        label = "廃止された書式制御文字"
    elif 0xFFF9 <= code <= 0xFFFB:
        label = "ルビ注釈の制御文字"
    else:
        label = "非文字"
    return f"U+{code:04X}（{label}）"


def plain(text: str) -> bool:
    """No forbidden and no invisible character: the text is used as it is (the usual case, made fast)."""
    if text.isascii():  # keys, ids, dates, codes: a flag Python keeps on every str
        return text.isprintable()
    return _MAYBE_SPECIAL.search(text) is None or not (FORBIDDEN.search(text) or _INVISIBLE.search(text))


def _pictograph(ch: str) -> bool:
    return ch == "\ufe0f" or unicodedata.category(ch) in ("So", "Sk")


def clean(text: str) -> str:
    """`text` without the invisible characters that carry no meaning, with LF line ends."""
    if not _INVISIBLE.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for i, ch in enumerate(text):
        if ch in "\u200b\u200c\u2060\ufeff":
            continue
        if ch == "\u200d" and not (0 < i < len(text) - 1 and _pictograph(text[i - 1]) and _pictograph(text[i + 1])):
            continue
        out.append(ch)
    return "".join(out)


def _unsafe(ch: str) -> bool:
    # Controls, format characters (bidi, zero-width), surrogates and separators; spaces stay.
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return True
    return bool(FORBIDDEN.match(ch))


def visible(text: str) -> str:
    r"""`text` safe to print on a terminal: every control or invisible character shown as `\x1b`, `\u202e`.

    ESC would let a record recolour or clear the contributor's terminal; bidi controls would make
    the line read differently; a lone surrogate would crash `print`.
    """
    if text.isprintable():
        return text
    return "".join(ascii(ch)[1:-1] if _unsafe(ch) else ch for ch in text)
