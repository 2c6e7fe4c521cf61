"""The MkDocs adapter while serving: what happens in the background after each build."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

from casebook.plugin import CasebookPlugin


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
