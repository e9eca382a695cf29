"""Layers and the functions that work on whole networks (Lasagne's ``lasagne.layers``).

Every name here comes from one module's ``__all__``:
`base` (Layer, MergeLayer), `helper` (get_output, get_all_params, ...), `input`,
`dense`, `noise`, `shape`, `merge`, `special`, `embedding`; and `conv`, `pool`,
`normalization`, `recurrent`, `transformer` below.
"""

from .base import *  # noqa: F403
from .dense import *  # noqa: F403
from .embedding import *  # noqa: F403
from .helper import *  # noqa: F403
from .input import *  # noqa: F403
from .merge import *  # noqa: F403
from .noise import *  # noqa: F403
from .shape import *  # noqa: F403
from .special import *  # noqa: F403

# --- Layer families in their own modules: one `from .module import *` line each ---
# (conv, pool, normalization, transformer, recurrent)
from .recurrent import *  # noqa: F403
from .conv import *  # noqa: F403, E402
from .normalization import *  # noqa: F403, E402
from .pool import *  # noqa: F403, E402
from .transformer import *  # noqa: F403, E402
