"""The loss curve of a `model.fit` demo as a PNG. Pure: no discord; matplotlib is imported on first use."""

from __future__ import annotations

import io
from collections.abc import Sequence


def loss_curve_png(losses: Sequence[float], title: str) -> bytes:
    """Render per-epoch losses; call it in a thread (asyncio.to_thread): drawing takes tens of ms."""
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in any thread
    from matplotlib.figure import Figure

    # A Figure not registered with pyplot is thread-safe and freed with the object.
    figure = Figure(figsize=(6, 3.2), dpi=100)
    axes = figure.add_subplot()
    epochs = range(1, len(losses) + 1)
    axes.plot(epochs, losses, marker="o", color="#5865F2")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    if len(losses) > 1:
        axes.set_xticks(list(epochs) if len(losses) <= 20 else axes.get_xticks())
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
