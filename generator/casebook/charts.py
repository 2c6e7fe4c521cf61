"""Pictures drawn at build time as accessible SVG (title, description, a data table beside them).

Pure functions from counts to markup; every label is escaped. No scripts, no external fonts.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from casebook.municipality import PREFECTURES

# Tile map of Japan: (column, row) per prefecture, west on the left, north at the top.
TILES: dict[str, tuple[int, int]] = {
    "北海道": (12, 0), "青森県": (11, 1), "秋田県": (10, 2), "岩手県": (11, 2),
    "石川県": (7, 3), "富山県": (8, 3), "新潟県": (9, 3), "山形県": (10, 3), "宮城県": (11, 3),
    "福井県": (6, 4), "岐阜県": (7, 4), "長野県": (8, 4), "群馬県": (9, 4), "栃木県": (10, 4), "福島県": (11, 4),
    "山口県": (1, 5), "島根県": (2, 5), "鳥取県": (3, 5), "兵庫県": (4, 5), "京都府": (5, 5), "滋賀県": (6, 5),
    "愛知県": (7, 5), "山梨県": (8, 5), "埼玉県": (9, 5), "茨城県": (10, 5),
    "長崎県": (0, 6), "佐賀県": (1, 6), "福岡県": (2, 6), "広島県": (3, 6), "岡山県": (4, 6), "大阪府": (5, 6),
    "奈良県": (6, 6), "三重県": (7, 6), "静岡県": (8, 6), "東京都": (9, 6), "千葉県": (10, 6),
    "熊本県": (1, 7), "大分県": (2, 7), "愛媛県": (3, 7), "香川県": (4, 7), "和歌山県": (5, 7), "神奈川県": (9, 7),
    "鹿児島県": (1, 8), "宮崎県": (2, 8), "高知県": (3, 8), "徳島県": (4, 8),
    "沖縄県": (0, 9),
}  # fmt: skip
TILE = 44
PALETTE = ("#eceff1", "#c5cae9", "#7986cb", "#3f51b5", "#1a237e")


def _shade(count: int, most: int) -> str:
    if count <= 0:
        return PALETTE[0]
    step = max(1, -(-most // (len(PALETTE) - 1)))
    return PALETTE[min(len(PALETTE) - 1, 1 + (count - 1) // step)]


def _short(prefecture: str) -> str:
    return prefecture if prefecture == "北海道" else prefecture[:-1]


def japan_map(counts: dict[str, int], links: dict[str, str], title: str, description: str) -> Markup:
    """Tile map with one square per prefecture, shaded and labelled by count; linked when it has records."""
    assert set(TILES) == set(PREFECTURES)
    most = max(counts.values(), default=0)
    width, height = 13 * TILE, 10 * TILE
    parts = [
        f'<svg class="cb-map" viewBox="0 0 {width} {height}" role="group" aria-labelledby="map-title map-desc"'
        f' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{escape(title)}</title><desc id="map-desc">{escape(description)}</desc>',
    ]
    for prefecture in PREFECTURES:
        col, row = TILES[prefecture]
        x, y = col * TILE, row * TILE
        n = counts.get(prefecture, 0)
        fill = _shade(n, most)
        ink = "#ffffff" if fill in PALETTE[3:] else "#1a1a1a"
        # The accessible name starts with the visible text (「宮城 1」), so a voice user who says what
        # they see finds the link (WCAG 2.5.3 label in name); the full name follows.
        label = f"{_short(prefecture)} {n}件（{prefecture}）"
        tile = (
            f'<rect x="{x + 1}" y="{y + 1}" width="{TILE - 2}" height="{TILE - 2}" rx="4" fill="{fill}"/>'
            f'<text x="{x + TILE / 2}" y="{y + 18}" text-anchor="middle" font-size="11" fill="{ink}">{escape(_short(prefecture))}</text>'
            f'<text x="{x + TILE / 2}" y="{y + 34}" text-anchor="middle" font-size="12" font-weight="bold" fill="{ink}">'
            f"{n if n else ''}</text>"
        )
        if n and prefecture in links:
            parts.append(
                f'<a href="{escape(links[prefecture])}" aria-label="{escape(label)}"><title>{escape(label)}</title>{tile}</a>'
            )
        else:
            parts.append(f'<g aria-hidden="true">{tile}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(rows: list[tuple[str, int, str | None]], title: str, description: str, ident: str) -> Markup:
    """Horizontal bars: (label, value, link or None) per row, longest first as given."""
    label_width, bar_width, row_height = 230, 300, 24
    most = max((v for _l, v, _h in rows), default=1) or 1
    height = row_height * len(rows) + 10
    parts = [
        f'<svg class="cb-bars" viewBox="0 0 {label_width + bar_width + 40} {height}" role="group"'
        f' aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    for i, (label, value, href) in enumerate(rows):
        y = 5 + i * row_height
        length = max(2, round(bar_width * value / most))
        text = f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" font-size="12" fill="currentColor">{escape(label)}</text>'
        if href:
            text = f'<a href="{escape(href)}">{text}</a>'
        parts.append(
            f"{text}"
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row_height - 8}" rx="2" fill="#3f51b5"/>'
            f'<text x="{label_width + length + 4}" y="{y + 16}" font-size="12" fill="currentColor">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
