"""A bar chart of reports/charts.py drawn as a PNG with Pillow, for documents: no browser, no network.

    png_bytes = bar_chart_png(batch_chart(groups, title=...), width_mm=156)

Bars run across the page, one group per category (a city's or a zone's long name reads on one line), the series in
ECharts' colours as on the pages, each bar with its value; the chart grows with its categories. Text is set in the
CJK font fonts-noto-cjk installs (found by fontconfig), at the size of a document's small print.
"""

import io
import math
import subprocess
from functools import cache

from PIL import Image, ImageDraw, ImageFont

DOTS_PER_MM = 10  # 254 dpi: sharp when printed
TEXT_PT = 9
COLOURS = ["#5470C6", "#91CC75", "#FAC858", "#EE6666"]  # ECharts' first colours, as the pages draw
INK, GRID = "#333333", "#D9D9D9"
FONT_FAMILY = "Noto Sans CJK SC"


@cache
def _font_file():
    """(path, index in a .ttc) of the CJK font, or None where fontconfig or the font is missing."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", FONT_FAMILY], capture_output=True, text=True, timeout=10, check=True
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    return (found[0], int(found[1] or 0)) if len(found) == 2 and found[0] else None


def _font(size):
    found = _font_file()
    if found:
        try:
            return ImageFont.truetype(found[0], size, index=found[1])
        except OSError:
            pass
    return ImageFont.load_default(size)


def _step(largest):
    """A round tick step (1, 2 or 5 times a power of ten) giving at most five steps up to `largest`."""
    if largest <= 0:
        return 1
    power = 10 ** math.floor(math.log10(largest / 5))
    return next(step * power for step in (1, 2, 5, 10) if largest / (step * power) <= 5)


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _fitted(name, font, width, probe):
    """`name`, cut with an ellipsis where it is wider than `width`."""
    if probe.textlength(name, font=font) <= width:
        return name
    while name and probe.textlength(name + "…", font=font) > width:
        name = name[:-1]
    return name + "…"


def bar_chart_png(spec, *, width_mm):
    """The bar chart `spec` (its categories and series of numbers; None for no value) as PNG bytes, `width_mm` wide."""
    text = _font(round(TEXT_PT * 25.4 / 72 * DOTS_PER_MM))
    line = round(text.size * 1.5)
    bar = round(text.size * 0.6)
    series, categories = spec["series"], spec["categories"]
    values = [[float(value) if isinstance(value, str) else value for value in item["data"]] for item in series]
    largest = max((value for column in values for value in column if value is not None), default=0)
    step = _step(largest)
    top = step * max(1, math.ceil(largest / step))

    width = width_mm * DOTS_PER_MM
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_width = min(max((probe.textlength(name, font=text) for name in categories), default=0), width * 0.35)
    left, right = round(label_width + text.size), round(width - text.size * 4)
    group = bar * len(series) + round(text.size * 0.8)
    legend_top, plot_top = 0, line * 2
    plot_bottom = plot_top + group * max(1, len(categories))
    height = plot_bottom + line + text.size // 2

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    legend_x = left
    for colour, item in zip(COLOURS, series, strict=False):
        draw.rectangle((legend_x, legend_top + bar // 2, legend_x + bar * 2, legend_top + bar * 3 // 2), fill=colour)
        draw.text((legend_x + bar * 2 + bar // 2, legend_top + bar), item["name"], font=text, fill=INK, anchor="lm")
        legend_x += bar * 3 + probe.textlength(item["name"], font=text) + text.size * 2

    def x_of(value):
        return left + (right - left) * value / top

    tick = 0
    while tick <= top:
        x = x_of(tick)
        draw.line((x, plot_top, x, plot_bottom), fill=GRID, width=2)
        draw.text((x, plot_bottom + line // 2), _number(tick), font=text, fill=INK, anchor="mt")
        tick += step
    for index, name in enumerate(categories):
        group_top = plot_top + index * group + round(text.size * 0.4)
        label = _fitted(name, text, label_width, probe)
        draw.text((left - text.size // 2, group_top + bar * len(series) / 2), label, font=text, fill=INK, anchor="rm")
        for position, (colour, column) in enumerate(zip(COLOURS, values, strict=False)):
            value = column[index]
            if value is None:
                continue
            y = group_top + position * bar
            draw.rectangle((left, y + 2, max(left + 1, x_of(value)), y + bar - 2), fill=colour)
            draw.text((x_of(value) + text.size // 3, y + bar / 2), _number(value), font=text, fill=INK, anchor="lm")
    draw.line((left, plot_top, left, plot_bottom), fill=INK, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DOTS_PER_MM * 25.4, DOTS_PER_MM * 25.4))
    return buffer.getvalue()
