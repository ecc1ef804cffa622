"""Reference numpy building blocks that later chapters import once an earlier chapter has taught
them, so one chapter's bug never sinks the next. ``from course.nn import softmax`` and
``nn.softmax`` both work: this package re-exports every block of its modules.

One topic and one data layout per module (``docs/conventions.md``):

=================  ======================  ===========================================
module             layout                  chapters
=================  ======================  ===========================================
``dense``          columns ``(n_x, m)``    1 (sigmoid, logistic), 7 (activations),
                                           9 (linear, L-layer), 10 (initialisation)
``losses``         columns ``(C, m)``      1-2, 5, 7, 8 (cross-entropies, softmax)
``metrics``        columns ``(1, m)``      1 (predictions)
``optim``          dicts of arrays         3, 17, 18 (GD, momentum, RMSprop, Adam)
``regularization`` columns ``(n, m)``      13 (L2), 14 (dropout), 21 (batch norm)
``sequences``      rows ``(m, T, C)``      8's loss for sequences, used from 49 on
``attention``      rows ``(..., T, d)``    50 (attention), 51 (layer norm, positions)
``conv``           ``(m, n_H, n_W, n_C)``  29 (convolution, flatten), 30 (pooling), and the
                   and rows ``(m, n)``     dense layer of 9 in rows (``affine_*``)
``rnn``            rows ``(m, T, n)``      39 (RNN), 41 (GRU), 42 (LSTM): cells and sequences
``embeddings``     table ``E (V, D)``      43 (lookup pair, cosine similarity)
``decoding``       token lists             46 (greedy), 47 (beam search), 48 (BLEU)
``vision``         boxes ``(k, 4)``,       35 (box forms, IoU, non-max suppression),
                   maps ``(n_H, n_W, n_C)`` 38 (Gram matrix)
=================  ======================  ===========================================

Each layer is a pair, as in CS231n's ``layers.py``: ``*_forward(...) -> (out, cache)`` and
``*_backward(dout, cache) -> gradients``. Losses return ``(loss, dscores)``. A block enters
after the chapter that teaches it, and its docstring names that chapter.
"""
from . import (
               attention,
               conv,
               decoding,
               dense,
               embeddings,
               losses,
               metrics,
               optim,
               regularization,
               rnn,
               sequences,
               vision,
)
from .attention import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .decoding import *  # noqa: F401,F403
from .dense import *  # noqa: F401,F403
from .embeddings import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .metrics import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .regularization import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .sequences import *  # noqa: F401,F403
from .vision import *  # noqa: F401,F403

__all__ = (dense.__all__ + losses.__all__ + metrics.__all__ + optim.__all__ +
           regularization.__all__ + sequences.__all__ + attention.__all__ + conv.__all__ +
           vision.__all__ + rnn.__all__ + embeddings.__all__ + decoding.__all__)
