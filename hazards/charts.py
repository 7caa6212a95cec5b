"""Bar charts drawn on the server as SVG geometry (templates/hazards/_bar_chart.html): no script and no
style attribute, so they pass the strict CSP, print, and read without JavaScript. Colours come from
static/hazards/css/hazards.css by class."""

WIDTH = 560
LABEL_WIDTH = 170
ROW = 26
BAR = 16
VALUE_GAP = 44  # room for the value written after the longest bar


def bar_chart(rows, *, title: str, series: tuple = ()) -> dict:
    """A horizontal bar chart of `rows`: (label, value) pairs, or (label, value, value2) with two
    `series` names for two bars per row (each half as thick)."""
    rows = [tuple(row) for row in rows]
    pairs = len(rows[0]) == 3 if rows else False
    peak = max((max(row[1:]) for row in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_GAP
    bars = []
    for index, row in enumerate(rows):
        top = index * ROW + (ROW - BAR) / 2
        thickness = BAR / 2 if pairs else BAR
        parts = []
        for offset, value in enumerate(row[1:]):
            y = top + offset * thickness
            length = round(value / peak * span, 1)
            parts.append({"value": value, "y": y, "height": thickness, "width": length,
                          "text_x": LABEL_WIDTH + length + 4, "text_y": y + thickness - 2, "series": offset})
        bars.append({"label": row[0], "label_y": index * ROW + ROW / 2 + 5, "parts": parts})
    return {"title": title, "bars": bars, "width": WIDTH, "height": max(len(rows), 1) * ROW,
            "label_x": LABEL_WIDTH - 6, "bar_x": LABEL_WIDTH, "series": series}
