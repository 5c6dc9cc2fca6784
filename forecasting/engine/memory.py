"""Optional allocator tuning for processes that run many forecasts (e.g. a Celery worker).

The simulation creates and frees many medium-sized numpy arrays. With glibc's default settings freed
memory at the top of the heap is returned to the operating system straight away and then faulted back
in page by page on the next allocation; for one forecast that is about 200,000 page faults, roughly a
third of its CPU time. :func:`tune_memory_allocator` asks glibc to keep up to ``keep_mb`` megabytes of
freed memory for reuse. Peak memory use does not change; the process simply holds on to its peak.
Call it once per worker process (for instance from Celery's ``worker_process_init`` signal); setting
the environment variables ``MALLOC_TRIM_THRESHOLD_`` and ``MALLOC_MMAP_THRESHOLD_`` before the process
starts has the same effect. On other C libraries or platforms it does nothing and returns False.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune_memory_allocator(keep_mb: int = 512, mmap_threshold_mb: int = 32) -> bool:
    """Keep freed memory for reuse instead of returning it to the OS at once (glibc only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok_trim = mallopt(_M_TRIM_THRESHOLD, keep_mb * 1024 * 1024)
    ok_mmap = mallopt(_M_MMAP_THRESHOLD, mmap_threshold_mb * 1024 * 1024)
    return bool(ok_trim and ok_mmap)


def release_free_memory() -> bool:
    """Return freed heap memory to the OS now (glibc ``malloc_trim``); e.g. after a batch of forecasts."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):
        return False
