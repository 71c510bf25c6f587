"""An ordered map that lends its tail to a second core (a forked child).

Bulk runs spend most of their time in work that is independent per item: parsing the
snippets of a docs page, validating and dumping the documents.  :func:`ordered_map`
yields ``func(item)`` for every item, in order, like ``map``.  When the list is long and
the machine has a second core, the process forks once: the child works through the list
from its end and sends its results back through a pipe (pickled), while this process works
from the start and hands each result to the caller at once, so that the caller's own
sequential work (the emitter) overlaps the child's work.  The two meet wherever their
speeds make them meet: no fixed split to tune, and a slow core slows only its own side.

What stays exactly as in a plain ``map``:

- results and their order: they depend on the item only, never on which process made
  them (callers pass functions that do not rely on state the other process changes);
- errors: the child computes nothing that can fail for it alone.  An item whose function
  raises in the child, or any trouble with the child (fork refused, killed, a result that
  does not pickle), makes this process compute those items itself, so an exception is
  raised here, in order, as the sequential run raises it.

What does not: the child's results are copies, so two results never share an object
(the Postman walk and the docs parser build every request afresh; their tests compare
every corpus case both ways).

The child never writes to stdout/stderr or files and leaves with ``os._exit`` (no
``atexit`` handlers, no flushing of inherited buffers).  Set ``CURL2CONNECTOR_JOBS=1`` to
keep everything in one process.
"""
from __future__ import annotations

import mmap
import os
import pickle
import signal
import threading
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a fork (~5-20 ms for a large process) does not pay for itself.
MIN_ITEMS = 512

# How many results of the last shared-out map came from the child (tests and benchmarks
# read it: a child whose work was lost costs time, never correctness).
last_run = {"child": 0}


def workers() -> int:
    """Cores this process may use (1 when forking is off, impossible or unsafe)."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return 1
    if _other_threads():
        return 1
    env = os.environ.get("CURL2CONNECTOR_JOBS", "")
    if env.strip().isdigit():
        return max(1, int(env))
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS
        return os.cpu_count() or 1


def _other_threads() -> bool:
    # another thread may hold a lock (imports, logging) at the fork: the child would wait
    # for it forever
    return threading.active_count() > 1


def ordered_map(func: Callable[[T], R], items: Sequence[T], *, min_items: int | None = None) -> Iterator[R]:
    """``func(item)`` for each item, in order.  With at least ``min_items`` items and two
    cores, a forked child works through the list from its end while this process works
    from its start; they meet wherever their speeds make them meet (this process also does
    the caller's work on each result, so it usually covers less of the list)."""
    n = len(items)
    if n < (MIN_ITEMS if min_items is None else min_items) or workers() < 2:
        yield from map(func, items)
        return
    child = _fork(func, items)
    if child is None:
        yield from map(func, items)
        return
    pid, fd, shared = child
    counters = memoryview(shared).cast("q")
    i = 0
    try:
        # claim item i (the front), unless the child has claimed it already (the back)
        while i < n and i < counters[_BACK]:
            counters[_FRONT] = i + 1
            yield func(items[i])
            i += 1
        tail = _collect(pid, fd)
        pid = 0
        last_run["child"] = len(tail)
        for j in range(i, n):
            yield tail[j] if j in tail else func(items[j])  # absent: the child could not make it
    finally:
        counters.release()
        shared.close()
        if pid:  # the caller stopped early, or an item raised: the child's work is not wanted
            _reap(pid, fd, kill=True)


# The shared counters: the first item this process has not claimed (the front) and the
# last item the child claimed (the back).  Each side claims an item before computing it
# and gives up when the other side has claimed it; both may claim the one item where they
# meet (each computes it; this process keeps its own result), and every item at or past
# the back is computed by the child, so nothing is missed.  Each counter is read and
# written as one 8-byte word (a memoryview of format "q" copies the whole word at once;
# struct.pack_into zero-fills it first, and the other process may read the zeros in
# between: a side that read 0 would stop claiming at once).
_FRONT, _BACK = 0, 1


def _fork(func: Callable, items: Sequence) -> tuple[int, int, mmap.mmap] | None:
    try:
        shared = mmap.mmap(-1, 16)
        read, write = os.pipe()
    except OSError:
        return None
    counters = memoryview(shared).cast("q")
    counters[_FRONT], counters[_BACK] = 0, len(items)
    counters.release()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid:
        os.close(write)
        return pid, read, shared
    # the child: compute from the end, send, leave without running anything of the parent's
    status = 1
    try:
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # ^C ends it with the parent, quietly
        # Each result is pickled as soon as it is made, while the parent still works: only
        # sending and loading are left when the two meet.
        frames = []
        counters = memoryview(shared).cast("q")
        j = len(items) - 1
        while j >= 0 and j >= counters[_FRONT]:
            counters[_BACK] = j
            try:
                frame = pickle.dumps((j, func(items[j])), pickle.HIGHEST_PROTOCOL)
                frames += (len(frame).to_bytes(8, "little"), frame)  # each frame loads on its own
            except Exception:  # failed or unpicklable: the parent computes it (and raises it in order)
                pass
            j -= 1
        view = memoryview(b"".join(frames))
        while view:
            view = view[os.write(write, view):]
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, fd: int) -> dict:
    """The child's results by position (absent: the parent computes it), and the child
    reaped."""
    chunks = []
    try:
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        chunks = []
    if not _reap(pid, fd, kill=False):
        return {}
    # One pickle per result, each with its own memo (one Unpickler over all of them
    # would resolve a later frame's back-references into an earlier frame's objects).
    data, results, pos = memoryview(b"".join(chunks)), {}, 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos:pos + 8], "little")
        try:
            j, result = pickle.loads(data[pos + 8:pos + 8 + size])
        except Exception:  # (cannot happen) whatever follows, the parent computes
            return results
        results[j] = result
        pos += 8 + size
    return results


def _reap(pid: int, fd: int, kill: bool) -> bool:
    """Close the pipe and wait for the child; True when it finished its work."""
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.close(fd)
    except OSError:
        pass
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.waitstatus_to_exitcode(status) == 0
