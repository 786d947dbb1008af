"""Chart specs for the pages' ECharts (drawn by static/js), each with its figures as a table for readers who
cannot see the chart."""

from django.utils.translation import gettext as _

from zoneledger.core.money import format_percent, format_yi


def with_table(spec):
    """A chart's spec with its figures also as table rows, shown under the chart for readers who cannot see it."""
    if spec["type"] == "funnel":
        spec["headings"] = [_("Value")]
        spec["rows"] = [(step["name"], [step["value"]]) for step in spec["data"]]
    else:
        spec["headings"] = [series["name"] for series in spec["series"]]
        columns = zip(*(series["data"] for series in spec["series"]), strict=True)
        spec["rows"] = list(zip(spec["categories"], map(list, columns), strict=True))
    return spec


def batch_chart(named_batches, *, title):
    """A grouped bar chart of batch counts (signed / started / commissioned), one group per (name, figures)."""
    return with_table(
        {
            "type": "bar",
            "title": title,
            "categories": [name for name, _batch in named_batches],
            "series": [
                {"name": _("Signed"), "data": [batch.signed.count for _name, batch in named_batches]},
                {"name": _("Started"), "data": [batch.started.count for _name, batch in named_batches]},
                {"name": _("Commissioned"), "data": [batch.commissioned.count for _name, batch in named_batches]},
            ],
        }
    )


def rates_chart(named_batches, *, title):
    """开工率 and 投产率 (percent, one decimal, half-up) per (name, figures); a gap where a rate is undefined."""

    def percent(value):
        return None if value is None else format_percent(value, 1)

    return with_table(
        {
            "type": "bar",
            "title": title,
            "categories": [name for name, _batch in named_batches],
            "series": [
                {"name": _("Start rate"), "data": [percent(batch.signed.start_rate) for _name, batch in named_batches]},
                {
                    "name": _("Commissioning rate"),
                    "data": [percent(batch.started.commission_rate) for _name, batch in named_batches],
                },
            ],
        }
    )


def funnel_chart(batch, *, year):
    """The lifecycle funnel of the year's batches: signed → started → commissioned → at capacity, each step after
    the first named with its conversion rate (开工率, 投产率, 达产率: the share of the batch before that went on)."""

    def step(name, rate):
        rate_text = "—" if rate is None else f"{format_percent(rate, 1)}%"
        return _("%(stage)s (%(rate)s of the batch before)") % {"stage": name, "rate": rate_text}

    return with_table(
        {
            "type": "funnel",
            "title": _("%(year)s lifecycle funnel") % {"year": year},
            "data": [
                {"name": _("Signed"), "value": batch.signed.count},
                {"name": step(_("Started"), batch.signed.start_rate), "value": batch.started.count},
                {
                    "name": step(_("Commissioned"), batch.started.commission_rate),
                    "value": batch.commissioned.count,
                },
                {
                    "name": step(_("At capacity"), batch.commissioned.capacity_rate),
                    "value": batch.commissioned.at_capacity,
                },
            ],
        }
    )


def months_chart(months, *, year):
    """Completed investment per month (亿元, as exact strings) from the figures' monthly series."""
    return with_table(
        {
            "type": "line",
            "title": _("%(year)s completed investment by month (100 million yuan)") % {"year": year},
            "categories": [f"{month.month:%Y-%m}" for month in months],
            "series": [{"name": _("Completed investment"), "data": [format_yi(month.amount) for month in months]}],
        }
    )
