"""Worker processes that end with their parent: ``die_with_parent``, the initializer of every process pool.

A parent killed with SIGKILL runs no cleanup, and a pool worker waiting on its task queue would wait forever (it
holds the queue's write end itself, so it never sees end-of-file). Every pool storyline starts passes this as its
``initializer``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(owner: int, direct: bool = True) -> None:
    """Make this worker process end when ``owner`` (the storyline process whose pool it serves) does, even when the
    owner is killed. Pass it as a pool's ``initializer`` with ``initargs=(os.getpid(), direct)``.

    ``direct``: the owner is this worker's parent (``fork`` and ``spawn`` pools). Then, on Linux, the kernel sends
    the worker SIGKILL when its parent exits (``prctl(PR_SET_PDEATHSIG)``). A ``forkserver`` worker's parent is
    the server process, which outlives the owner (every worker holds the pipe it watches for its owner's exit), so
    there the worker also watches the owner from a thread and, when it goes, kills the server: every worker of it
    then gets its SIGKILL from the kernel. Without prctl (not Linux) the thread ends the worker itself.
    A worker whose owner is already gone when this runs exits at once.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False  # no usable libc: the thread watches instead
    if direct:
        if os.getppid() != owner:  # the owner died before this ran
            os._exit(1)
        if armed:
            return
    elif not _alive(owner):
        os._exit(1)
    server = None if direct or not armed else os.getppid()
    threading.Thread(target=_watch, args=(owner, server), name="storyline-owner-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(owner: int, server: int | None) -> None:
    """Wait for ``owner`` to exit (a pidfd where there is one, else a poll each second), then kill ``server``
    (its workers die with it) or, with none, this process."""
    try:
        fd = os.pidfd_open(owner)
    except (AttributeError, OSError):
        fd = -1
    if fd >= 0:
        import select

        select.select([fd], [], [])  # readable once the owner has exited
        os.close(fd)
    else:
        parent = os.getppid()
        while _alive(owner) and os.getppid() == parent:
            time.sleep(1.0)
    if server is not None:
        with contextlib.suppress(OSError):
            os.kill(server, signal.SIGKILL)
    os._exit(1)
