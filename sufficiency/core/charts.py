"""The charts' shared plotly layout, so every chart in the service reads alike.

Titled axes that push the plot in rather than being cut off (``automargin``), a light grid, the y axis from
zero, GOV.UK text colour and nothing to zoom or pan. Pages in ``placements`` and the surfaces both use it,
which is why it lives in the kernel. Keys given as keyword arguments replace the shared ones.

    fig.update_layout(**chart_layout(y_title="Requests", x_title="Month"))
"""

from __future__ import annotations

from typing import Any, Literal

#: GOV.UK text colour and the grid's grey.
TEXT = "#0b0c0c"
GRID = "#cecece"

LegendPosition = Literal["above", "below"]


def _legend(position: LegendPosition) -> dict[str, Any]:
    if position == "below":
        # Below the plot plotly.js reserves no room for the legend: give the chart a bottom margin for it.
        return {"orientation": "h", "y": -0.3}
    # Above the plot, placed against the container's top (``yref: container``), so plotly.js reserves room
    # for it however many lines it wraps to on a narrow screen; series in the order they are listed.
    return {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container",
            "traceorder": "normal"}  # fmt: skip


def chart_layout(
    *, y_title: str = "", x_title: str = "", height: int = 340, legend: LegendPosition = "above", **extra: Any
) -> dict[str, Any]:
    """A plotly layout dict in the shared style; ``extra`` keys (``margin``, ``yaxis2``...) replace its own."""
    layout: dict[str, Any] = {
        "font": {"family": "Arial, sans-serif", "size": 14, "color": TEXT},
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": {"l": 16, "r": 16, "t": 16, "b": 16, "autoexpand": True},
        "legend": _legend(legend),
        "xaxis": {"automargin": True, "fixedrange": True, "title": {"text": x_title, "standoff": 10}},
        "yaxis": {
            "gridcolor": GRID,
            "rangemode": "tozero",
            "automargin": True,
            "fixedrange": True,
            "title": {"text": y_title, "standoff": 10},
        },
        "dragmode": False,
    }
    layout.update(extra)
    return layout
