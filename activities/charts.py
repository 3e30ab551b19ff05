"""Charts drawn on the server as SVG: no script, no CDN, readable without colour."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join

WIDTH = 480
BAR_AREA = 180
COLOURS = ("#007d7e", "#e0a800", "#c62828", "#6c757d")


def _px(value):
    return f"{value:.1f}"


def _number(value):
    value = Decimal(value)
    return f"{value.quantize(Decimal('0.1')).normalize():f}"


def bar_chart(title, labels, series):
    """Grouped bars: ``series`` is [(name, [values per label])]; an <svg> with a <title>."""
    groups = len(labels) or 1
    per_group = len(series) or 1
    peak = max((v for _name, values in series for v in values), default=0) or 1
    group_width = (WIDTH - 40) / groups
    bar_width = max(group_width / (per_group + 1), 4)
    bars = []
    for index, label in enumerate(labels):
        x0 = 40 + index * group_width
        for position, (name, values) in enumerate(series):
            value = values[index]
            height = float(Decimal(value) / Decimal(peak)) * BAR_AREA
            x = x0 + position * bar_width + bar_width / 2
            y = 20 + BAR_AREA - height
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}{}：{}</title></rect>"
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
                    _px(x),
                    _px(y),
                    _px(bar_width - 2),
                    _px(height),
                    COLOURS[position % len(COLOURS)],
                    label,
                    name,
                    _number(value),
                    _px(x + (bar_width - 2) / 2),
                    _px(y - 3),
                    _number(value),
                )
            )
        bars.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="middle">{}</text>',
                _px(x0 + group_width / 2),
                20 + BAR_AREA + 16,
                label,
            )
        )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        (
            (
                40 + i * 130,
                BAR_AREA + 50,
                COLOURS[i % len(COLOURS)],
                54 + i * 130,
                BAR_AREA + 59,
                name,
            )
            for i, (name, _values) in enumerate(series)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" class="yg-chart"><title>{}</title>'
        '<line x1="40" y1="{}" x2="{}" y2="{}" stroke="#999"></line>{}{}</svg>',
        WIDTH,
        BAR_AREA + 70,
        title,
        title,
        20 + BAR_AREA,
        WIDTH,
        20 + BAR_AREA,
        format_html_join("", "{}", ((bar,) for bar in bars)),
        legend,
    )


def stacked_bar(title, parts):
    """One horizontal bar split into ``parts`` [(label, count)], with a legend."""
    total = sum(count for _label, count in parts) or 1
    x = 0.0
    pieces = []
    for index, (label, count) in enumerate(parts):
        width = count / total * WIDTH
        pieces.append(
            format_html(
                '<rect x="{}" y="0" width="{}" height="24" fill="{}">'
                "<title>{}：{}</title></rect>",
                _px(x),
                _px(width),
                COLOURS[index % len(COLOURS)],
                label,
                count,
            )
        )
        pieces.append(
            format_html(
                '<rect x="{}" y="34" width="10" height="10" fill="{}"></rect>'
                '<text x="{}" y="43" font-size="12">{} {}</text>',
                index * 120,
                COLOURS[index % len(COLOURS)],
                index * 120 + 14,
                label,
                count,
            )
        )
        x += width
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} 50" role="img" '
        'aria-label="{}" class="yg-chart"><title>{}</title>{}</svg>',
        WIDTH,
        title,
        title,
        format_html_join("", "{}", ((p,) for p in pieces)),
    )
