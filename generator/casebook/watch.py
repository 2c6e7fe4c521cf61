"""`mkdocs serve` hears a save from the operating system, not by looking at every file twice a second.

Engine-agnostic in what it needs: a server with MkDocs' LiveReloadServer shape (`observer`, `watch()`,
`_watched_paths`, `_watch_refs`); only the adapter (plugin.py) hands it one, once every watch is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from watchdog import events


def watch_natively(server: Any) -> None:
    """Hear saves from the operating system (inotify, FSEvents, …) instead of MkDocs' polling.

    MkDocs looks at every watched file twice a second, so a save waited 0.25 s on average before the
    rebuild began, and each look stats all the records. The watches MkDocs and plugins set so far are
    moved to the native observer; where there is none, or it refuses a watch, polling stays.
    """
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    polling = server.observer
    if Observer is PollingObserver or polling.is_alive() or os.environ.get("CASEBOOK_WATCH") == "poll":
        return
    mounts = _mountinfo()
    if not all(hears_changes(Path(path), mounts) for path in server._watched_paths):
        return  # e.g. WSL's /mnt/c or a network share: its changes never reach inotify, polling sees them
    watched, refs = dict(server._watched_paths), dict(server._watch_refs)  # path → watch() calls, watch
    native = Observer()
    schedule = native.schedule

    def changes_only(handler: Any, path: str, *, recursive: bool = False) -> Any:
        # inotify also reports a file being opened or read, which every build does: MkDocs, which rebuilds
        # on any event, would then rebuild for ever. Only what changes a file starts a build.
        return schedule(handler, path, recursive=recursive, event_filter=list(FILE_CHANGES))

    native.schedule = changes_only  # type: ignore[method-assign, assignment]
    server.observer, server._watched_paths, server._watch_refs = native, {}, {}
    try:
        for path, count in watched.items():
            for _ in range(count):
                server.watch(path)
    except OSError:  # e.g. the inotify watch limit: MkDocs' own observer still has all its watches
        native.unschedule_all()
        server.observer, server._watched_paths, server._watch_refs = polling, watched, refs
        return
    polling.unschedule_all()


FILE_CHANGES = (
    events.FileCreatedEvent,
    events.FileModifiedEvent,
    events.FileClosedEvent,  # closed after writing
    events.FileDeletedEvent,
    events.FileMovedEvent,  # an editor's save: a temporary file renamed onto the record
    events.FileAttribEvent,  # `touch`
    events.DirCreatedEvent,
    events.DirDeletedEvent,
    events.DirMovedEvent,
)
"""The native watcher's events that start a build (not FileOpenedEvent or FileClosedNoWriteEvent)."""

LOCAL_FILESYSTEMS = frozenset({"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "reiserfs"})
"""Linux filesystems whose changes inotify reports. Not 9p or drvfs (WSL's Windows drives), NFS, SMB,
FUSE or the shares of Docker Desktop: a save from the other side of those is never reported."""


def _mountinfo() -> str:
    """Linux's table of mounted filesystems ("" elsewhere, or when it cannot be read)."""
    try:
        return Path("/proc/self/mountinfo").read_text(encoding="utf-8") if sys.platform.startswith("linux") else ""
    except OSError:
        return ""


def hears_changes(path: Path, mountinfo: str) -> bool:
    """Whether the operating system reports changes under `path` (Linux: by its filesystem type in `mountinfo`)."""
    if not sys.platform.startswith("linux"):
        return True  # FSEvents (macOS) and ReadDirectoryChangesW (Windows) see their own disks' saves
    target, best, kind = path.resolve().as_posix(), "", ""
    for line in mountinfo.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        point = fields[4].replace("\\040", " ")
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, line.split(" - ", 1)[1].split()[0]
    return kind in LOCAL_FILESYSTEMS
