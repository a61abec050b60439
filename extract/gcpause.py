"""`paused()`: the cyclic garbage collector held off while a stage builds many records.

A stage that makes hundreds of thousands of records (the figures of a 60 MB text, the flags of
its checks) makes the collector scan the whole heap again and again, though the records hold no
reference cycles to free: on such a text that was a tenth of the CPU time. Reference counting
still frees everything as usual; the collector runs again after the stage."""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    """Hold off the cyclic collector inside the block (when it was on before; nested use leaves
    it as the outermost caller found it; threads share the one switch, so a thread may turn it
    back on while another is still inside: the cost is time, never correctness)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
