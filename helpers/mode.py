"""Quick and full mode: one switch that sets every size knob of a notebook.

Every notebook starts with a ``parameters`` cell holding ``MODE = "quick"``; the
``COURSE_MODE`` environment variable (``quick`` or ``full``) overrides it, so CI and
papermill can run the same file in either mode.

Public names: `resolve_mode`, `configure`, `MODES`.
"""

import os

__all__ = ["MODES", "configure", "resolve_mode"]

MODES = ("quick", "full")
ENV_VAR = "COURSE_MODE"


def resolve_mode(mode="quick"):
    """Return the mode to run in: ``COURSE_MODE`` if set, else `mode`."""
    chosen = os.environ.get(ENV_VAR, "").strip().lower() or str(mode).strip().lower()
    if chosen not in MODES:
        raise ValueError(f"MODE must be one of {MODES}, got {chosen!r}.")
    return chosen


def configure(mode, **configs):
    """Pick and print the size knobs of one mode.

    Parameters
    ----------
    mode : str
        ``"quick"`` or ``"full"``; ``COURSE_MODE`` overrides it.
    **configs : dict
        One dict of settings per mode, e.g. ``quick=dict(num_epochs=3)``.

    Returns
    -------
    dict
        The settings of the chosen mode.

    Examples
    --------
    >>> CONFIG = configure("quick", quick=dict(num_epochs=2), full=dict(num_epochs=50))
    mode: quick | num_epochs=2
    >>> CONFIG["num_epochs"]
    2
    """
    mode = resolve_mode(mode)
    if mode not in configs:
        raise KeyError(f"No settings for mode {mode!r}; give {mode}=dict(...).")
    config = dict(configs[mode])
    knobs = ", ".join(f"{k}={v!r}" for k, v in config.items())
    print(f"mode: {mode} | {knobs}")
    return config
