"""Interactive views: controls (sliders, log sliders, dropdowns, toggles, text boxes) that redraw a
matplotlib figure by calling the student's own functions.

How the fallback works: an explorer's output carries both the live widget and a PNG of its first
state (``render_png``). JupyterLab with a running kernel shows the widget; a viewer without one
(nbconvert HTML, GitHub, a notebook reopened without its kernel) shows the PNG.
"""
import base64
import io
import math
import time

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .plots import plot_decision_boundary

__all__ = ["decision_boundary_explorer", "figure_explorer", "Explorer", "render_png",
           "lean_axes"]

LIVE_SECONDS = 0.1      # a redraw at most this slow follows a dragged slider


def _show(value):
    """A control's value for a heading: numbers to 3 significant digits, the rest as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.3g}"
    return str(value)


def _figure(size):
    """An off-screen figure (Agg canvas, 90 dpi)."""
    fig = Figure(figsize=size, dpi=90)
    FigureCanvasAgg(fig)
    return fig


def lean_axes(fig):
    """The same picture, drawn in less time: no minor ticks on log axes (unlabelled, they cost
    more to draw than the curves) and every centred title at the axes' top edge (otherwise
    matplotlib measures every tick label on each draw to place it, which only matters for
    ticks drawn above the axes). ``render_png`` applies it to every explorer's figure."""
    from matplotlib.ticker import NullLocator
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_minor_locator(NullLocator())
        title = ax.title
        if title.get_text() and not (ax.xaxis.get_ticks_position() in ("top", "both")
                                     and ax.xaxis.get_ticklabels()):
            ax.set_title(title.get_text(), y=1.0, fontsize=title.get_fontsize(),
                         fontweight=title.get_fontweight(), color=title.get_color())


def render_png(draw, size=(5.2, 4.2), fig=None, layout=None):
    """Render ``draw(fig)`` off screen and return the PNG bytes.

    An explorer redraws the same figure many times, so it passes its own ``fig`` (cleared
    here) and ``layout``, a dict: the margins ``tight_layout`` found on the first draw are kept
    in it and reused, since laying out every redraw again costs as much as drawing it. The PNG
    is compressed lightly (zlib level 1): the picture goes over a local socket, and the default
    level took a fifth of a redraw for a smaller file nobody waits for.
    """
    if fig is None:
        fig = _figure(size)
    else:
        fig.clear()
    draw(fig)
    lean_axes(fig)
    if layout is None or "margins" not in layout:
        fig.tight_layout()
        if layout is not None and fig.axes:
            p = fig.subplotpars
            layout["margins"] = dict(left=p.left, right=p.right, bottom=p.bottom, top=p.top,
                                     wspace=p.wspace, hspace=p.hspace)
    else:
        fig.subplots_adjust(**layout["margins"])
    # tight_layout leaves a layout engine on the figure, and savefig then runs it again: a whole
    # second drawing of the figure, just to measure it. The margins are set: drop the engine.
    fig.set_layout_engine(None)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
    return buf.getvalue()


class Explorer:
    """Controls that redraw a figure. ``render(**values) -> PNG bytes`` draws one state.

    controls -- {name: spec}, one control per keyword of ``render``:
        (min, max, value) or (min, max, step, value)  a slider (integer if all three are ints)
        ("log", min, max, value)                      a log-scale slider, ten steps a decade
        ("choice", [options], value)                  a dropdown
        ("toggle", value)                             a checkbox
        ("text", value)                               a text box

    ``update(**values)`` sets sliders programmatically (tests use it); ``png`` holds the
    current picture; displaying the object shows the widget, or the PNG without a front end.
    """

    def __init__(self, render, controls, title=None):
        self._render = render
        self.title = title
        self.values = {name: spec[-1] for name, spec in controls.items()}
        started = time.perf_counter()
        self.png = render(**self.values)
        # Sliders redraw while they are dragged when a redraw keeps up with the hand (the first
        # one is the slowest: it fills the caches), otherwise when they are let go.
        self.continuous = time.perf_counter() - started <= LIVE_SECONDS
        self.widget = None
        try:
            import ipywidgets as w
        except ImportError:     # no ipywidgets: the static picture is all there is
            return
        self.sliders = {}
        for name, spec in controls.items():
            common = dict(description=name, continuous_update=self.continuous)
            if spec[0] == "choice":  # ("choice", [options], value): a dropdown
                slider = w.Dropdown(options=list(spec[1]), value=spec[2], description=name)
            elif spec[0] == "toggle":  # ("toggle", value): a checkbox
                slider = w.Checkbox(value=bool(spec[1]), description=name, indent=False)
            elif spec[0] == "text":  # ("text", value): a text box, read on Enter / leaving it
                slider = w.Text(value=spec[1], **common)
            elif spec[0] == "log":     # ("log", lo, hi, value): ten steps per decade
                _, lo, hi, value = spec
                slider = w.FloatLogSlider(value=value, base=10, min=math.log10(lo),
                                          max=math.log10(hi), step=0.1, **common)
            else:
                lo, hi, step, value = spec if len(spec) == 4 else (*spec[:2], None, spec[2])
                ints = all(isinstance(v, int) for v in (lo, hi, value))
                args = dict(min=lo, max=hi, value=value, **common)
                if step is not None:
                    args["step"] = step
                slider = (w.IntSlider if ints else w.FloatSlider)(**args)
            slider.observe(self._changed, names="value")
            self.sliders[name] = slider
        # Controls in a wrapping row above the picture, which scales to the cell's width: a wide
        # figure beside the controls would push them out of view.
        self.image = w.Image(value=self.png, format="png",
                             layout=w.Layout(max_width="100%", height="auto"))
        controls = w.HBox(list(self.sliders.values()),
                          layout=w.Layout(flex_flow="row wrap", align_items="center"))
        parts = [w.HTML(f"<b>{title}</b>")] if title else []
        self.widget = w.VBox(parts + [controls, self.image])

    def _changed(self, change):
        self.values[change["owner"].description] = change["new"]
        self.png = self._render(**self.values)
        self.image.value = self.png

    def update(self, **values):
        """Move sliders (or, without ipywidgets, just redraw) to ``values``."""
        if self.widget is None:
            self.values.update(values)
            self.png = self._render(**self.values)
            return
        for name, value in values.items():
            self.sliders[name].value = value

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"image/png": base64.b64encode(self.png).decode("ascii"),
                  "text/plain": f"<{type(self).__name__} {self.values}>"}
        if self.widget is not None:
            live = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
            bundle.update({k: v for k, v in live.items() if k != "text/plain"})
        return bundle


def figure_explorer(draw, controls, title=None, size=(8.0, 3.6)):
    """A general explorer: ``draw(fig, **values)`` draws one state on a matplotlib Figure
    (add subplots to it), and the controls (see Explorer) redraw it.

    Chapters build their own views with it: an activation comparer, a schedule plot, an
    attention map. Exceptions inside ``draw`` are shown in the figure instead of breaking
    the widget, so a half-finished exercise still leaves the sliders usable.
    """
    fig = _figure(size)                         # one figure, redrawn: cheaper than a new one
    layout = {}

    def render(**values):
        def safe(fig):
            try:
                draw(fig, **values)
            except Exception as e:          # shown to the student, not raised in a callback
                fig.clear()
                fig.text(0.02, 0.5, f"{type(e).__name__}: {e}", wrap=True, fontsize=9,
                         color="#a00")
        # margins are kept from the first drawing with axes (a message has none)
        return render_png(safe, size, fig, layout)
    return Explorer(render, controls, title=title)


def decision_boundary_explorer(proba, X, Y, controls, status=None, title=None,
                               labels=("$x_1$", "$x_2$")):
    """The decision-boundary explorer: sliders for parameters (or training steps) that redraw
    the probability field, the 0.5 boundary and the data.

    proba    -- callable ``proba(points, **values)``: points (2, k) -> probabilities (1, k).
                Pass a lambda around the student's own forward function.
    X, Y     -- (2, m) data and (1, m) labels to draw
    controls -- {name: (min, max, value)} or {name: (min, max, step, value)}; integer bounds
                give an integer slider (e.g. training steps); {name: ("log", min, max, value)}
                gives a log-scale slider (e.g. a learning rate from 1e-4 to 10)
    status   -- optional callable ``status(**values) -> str`` shown under the plot
                (a cost, an accuracy)
    """
    fig = _figure((5.2, 4.2))
    layout = {}

    def render(**values):
        def draw(fig):
            ax = fig.add_subplot(1, 1, 1)
            heading = ", ".join(f"{k} = {_show(v)}" for k, v in values.items())
            if status is not None:
                heading += "\n" + status(**values)
            plot_decision_boundary(lambda pts: proba(pts, **values), X, Y, ax,
                                   labels=labels, title=heading)
        return render_png(draw, fig=fig, layout=layout)
    return Explorer(render, controls, title=title)
