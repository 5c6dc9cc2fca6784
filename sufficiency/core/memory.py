"""A memory ceiling for work that reads untrusted files: the address space (RLIMIT_AS) of the process is
capped while the work runs, so a file that needs more raises MemoryError in that process instead of
taking the machine's memory (and the other tasks' and the web's with it).

The cap applies only in processes that enabled it at start (a Celery worker process, from
`worker_process_init`): it is per process, so a web process with several threads (eager Celery, `make
run`) is never capped under its other requests' feet.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

try:
    import resource
except ImportError:  # not on POSIX: no limit
    resource = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

MB = 1024 * 1024
_enabled = False


def memory_limit_enable() -> None:
    """Let `memory_limited` cap this process (call once, in a single-threaded worker process)."""
    global _enabled
    _enabled = resource is not None


def memory_limit_disable() -> None:
    global _enabled
    _enabled = False


def address_space_bytes() -> int | None:
    """The process's current virtual size (bytes) on Linux, or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def memory_limited(extra_mb: int) -> Iterator[int | None]:
    """Within the block, the process may grow its address space by at most `extra_mb` MB more than it
    holds at the start; past that, allocations raise MemoryError. The previous limit is restored on the
    way out (and so memory for recording a failure is there again). Yields the ceiling in bytes, or None
    where no limit applies (not enabled in this process, `extra_mb` 0 or less, or no virtual size)."""
    current = address_space_bytes() if _enabled and extra_mb > 0 else None
    if resource is None or current is None:
        yield None
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = current + extra_mb * MB
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            ceiling = min(ceiling, bound)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield ceiling
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
