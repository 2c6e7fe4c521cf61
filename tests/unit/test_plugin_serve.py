"""The MkDocs adapter while serving: what happens in the background after each build."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from casebook.plugin import CasebookPlugin
from casebook.watch import hears_changes, watch_natively


def test_a_failed_search_or_export_step_does_not_stop_later_builds_from_being_finished(tmp_path: Path) -> None:
    plugin = CasebookPlugin()
    plugin.on_startup(command="serve", dirty=True)
    finished: list[Path] = []

    def finish(site: Path, strict: bool = False) -> None:
        finished.append(site)
        if len(finished) == 1:
            raise OSError("ディスクがいっぱいです")

    plugin._finish_site = finish  # type: ignore[method-assign]
    config = SimpleNamespace(site_dir=str(tmp_path))
    for _ in range(2):
        plugin.on_post_build(config=config)  # type: ignore[arg-type]
        deadline = time.monotonic() + 10
        while plugin._catchup.busy and time.monotonic() < deadline:
            time.sleep(0.05)
    assert finished == [tmp_path, tmp_path]


@pytest.mark.parametrize("setting", [None, "poll"])
def test_serve_hears_saves_from_the_operating_system_unless_told_to_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None
) -> None:
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers.polling import PollingObserver

    if setting:
        monkeypatch.setenv("CASEBOOK_WATCH", setting)
    else:
        monkeypatch.delenv("CASEBOOK_WATCH", raising=False)
    docs, cases = tmp_path / "docs", tmp_path / "cases"
    docs.mkdir()
    cases.mkdir()
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(docs))  # as `mkdocs serve` does before plugins see the server
    server.watch(str(docs))
    watch_natively(server)
    server.watch(str(cases))  # as the plugin does after
    assert server._watched_paths == {str(docs): 2, str(cases): 1}
    assert isinstance(server.observer, PollingObserver) == (setting == "poll")
    server.observer.start()
    try:
        (cases / "new.yaml").write_text("title: x\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while not server._want_rebuild and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server._want_rebuild  # the save reached the server, whichever observer heard it
    finally:
        server.observer.stop()
        server.observer.join(timeout=5)
        server.server_close()


MOUNTS = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
80 27 0:52 / /mnt/c rw,noatime - 9p drvfs rw,dirsync,aname=drvfs;path=C:\\
81 27 0:53 / /home/taro/nas rw - cifs //nas/share rw
82 81 0:54 / /home/taro/nas/local\\040copy rw - ext4 /dev/vdb rw
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux のファイルシステムの種類で決まる")
@pytest.mark.parametrize(
    ("path", "hears"),
    [
        ("/home/taro/kb/cases", True),  # ext4
        ("/mnt/c/Users/taro/kb/cases", False),  # WSL: the Windows drive, saved from Windows editors
        ("/mnt/cases", True),  # /mnt/c is not a parent of /mnt/cases
        ("/home/taro/nas/kb", False),  # SMB share
        ("/home/taro/nas/local copy/kb", True),  # a local disk mounted inside it (a space, escaped)
    ],
)
def test_serve_polls_where_the_filesystem_does_not_report_changes(path: str, hears: bool) -> None:
    assert hears_changes(Path(path), MOUNTS) is hears
