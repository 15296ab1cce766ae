"""The start-up heap, frozen once per process."""

from __future__ import annotations

import gc

_heap_frozen = False


def freeze_startup_heap() -> None:
    """Move everything alive now (imports, the app, the first seeded world) out of the cyclic GC's reach, once.

    A full collection walks every tracked object; with the import graph and a world in the heap it takes tens
    of milliseconds, and requests that keep records trigger one every few thousand calls. Frozen once per
    process, at the first world load (before a server listens), collections walk only what came later. Only
    once: a frozen object that becomes cyclic garbage is never freed, and tests build many apps.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.freeze()
