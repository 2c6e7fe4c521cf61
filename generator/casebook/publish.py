"""Publishing: one build command with an atomic swap (the package for the administrator is archive.py).

MkDocs runs as a subprocess (only plugin.py imports MkDocs), into a temporary folder; the previous
site is replaced only when everything succeeded, so a failed build leaves the last good site.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from casebook.outputs import check_output, mark_site, stale_scratch

_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f\"'<>\\`{}|^]")


def check_site_url(url: str) -> str:
    """The public URL of the site, normalised (percent-encoded, ending in `/`); ValueError says what is wrong.

    It is written into every page's canonical link, the sitemap and the feed, so only a plain
    http(s) address without query, fragment or user name passes.
    """
    example = "例: https://intra.example.lg.jp/kb/"
    if _URL_FORBIDDEN.search(url):
        raise ValueError(f"空白・引用符・< > などは URL に使えません — {example}")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"http:// か https:// で始まる URL を書いてください — {example}")
    if parts.query or parts.fragment or "@" in parts.netloc or url.rstrip("/").endswith(("?", "#")):
        raise ValueError(f"? や # や利用者名（@）のない、サイトの入口の URL を書いてください — {example}")
    if re.search(r"\.(html?|php|aspx?|jsp)$", parts.path, re.I):
        # …/kb/index.html would make every address …/kb/index.html/cases/…: the site's folder is meant.
        raise ValueError(
            f"ページのファイル名ではなく、サイトのフォルダの URL（/ で終わる）を書いてください — {example}"
        )
    try:
        port = f":{parts.port}" if parts.port is not None else ""
        host = parts.hostname.encode("idna").decode("ascii") if ":" not in parts.hostname else f"[{parts.hostname}]"
    except (ValueError, UnicodeError):
        raise ValueError(f"ホスト名かポート番号が正しくありません — {example}") from None
    path = quote(parts.path, safe="/%!$&()*+,;=:@-._~")
    return f"{parts.scheme.lower()}://{host}{port}{path if path.endswith('/') else path + '/'}"


@dataclass(frozen=True)
class BuildResult:
    """Outcome of `casebook build`."""

    ok: bool
    site: Path
    log: str


class Interrupted(Exception):
    """The build was stopped by SIGINT or SIGTERM; MkDocs and the half-built folder are gone."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


SCRATCH_OF = r"\.{name}\.(building|old|export)-(?P<pid>\d+)"
"""`.site.building-<pid>` (being built), `.site.old-<pid>` (the site being swapped out) and
`.site.export-<pid>` (the plugin-free project Zensical builds)."""


def build_site(project: Path, out: Path, site_url: str | None = None, engine: str = "mkdocs") -> BuildResult:
    """Build into a temporary folder next to `out`, then swap it in; on failure `out` is untouched.

    `engine` is one of engines.ENGINES (the caller checks it is installed). Raises OutputRefused (and
    touches nothing) unless `out` is casebook's to replace, and Interrupted (after stopping the engine
    and removing the temporary folders) on SIGINT or SIGTERM.
    """
    check_output(out, "build", project)
    out = out.resolve()
    _clean_stale(out)
    staging = out.with_name(f".{out.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "CASEBOOK_PARENT_PID": str(os.getpid()),
        "CASEBOOK_ENGINE": engine,
    }
    if site_url is not None:
        env["CASEBOOK_SITE_URL"] = site_url
    # Not -q: it silences the warnings that --strict counts, and a broken page would slip through.
    child = "from casebook.publish import _mkdocs_child; _mkdocs_child()"
    try:
        with _signals_raise():
            if engine == "zensical":
                code, log = _build_zensical(project, staging, site_url, env)
            else:
                code, log = _run([sys.executable, "-c", child, "build", "--strict", "-d", str(staging)], project, env)
            if code != 0 or not (staging / "index.html").is_file():
                return BuildResult(False, out, log)
            mark_site(staging, listed=True)
            check_output(out, "build", project)  # still casebook's after the minutes the build took
            _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(True, out, log)


def _build_zensical(project: Path, staging: Path, site_url: str | None, env: dict[str, str]) -> tuple[int, str]:
    """Zensical runs no plugin: build the exported project, then add exports and search as the plugin would."""
    from casebook.engines import SITE_DIR, export_docs, finish_site
    from casebook.search import SearchIndexError

    export = staging.with_name(staging.name.replace(".building-", ".export-"))
    shutil.rmtree(export, ignore_errors=True)
    child = "from casebook.publish import _mkdocs_child; _mkdocs_child()"
    try:
        corpus = export_docs(project, export, site_url)
        code, log = _run([sys.executable, "-c", child, "build", "--strict", "-f", "mkdocs.yml"], export, env)
        if code != 0:
            return code, log
        (export / SITE_DIR).rename(staging)
        return 0, log + finish_site(staging, corpus) + "\n"
    except (ValueError, SearchIndexError) as exc:
        return 1, str(exc)
    finally:
        shutil.rmtree(export, ignore_errors=True)


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run MkDocs as the leader of its own process group, so stopping it stops Pagefind and the workers too."""
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as child:
        try:
            stdout, stderr = child.communicate()
        finally:
            if child.poll() is None:
                _stop_group(child)
    return child.returncode, stderr + stdout


def _stop_group(child: subprocess.Popen[str]) -> None:
    """SIGTERM to MkDocs' group (its handler takes the rest down); SIGKILL if it has not gone within 10 s."""
    _signal_group(child, kill=False)
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        _signal_group(child, kill=True)
        child.wait()


def _signal_group(child: subprocess.Popen[str], kill: bool) -> None:
    with contextlib.suppress(ProcessLookupError):
        if os.name != "posix":
            child.kill()  # Windows has no process groups to signal; terminating is all there is
        else:
            os.killpg(child.pid, signal.SIGKILL if kill else signal.SIGTERM)


def _mkdocs_child() -> None:
    """The child's entry point: MkDocs, which takes its whole process group down when stopped or orphaned."""
    if os.name == "posix":
        _stop_with_parent(int(os.environ.get("CASEBOOK_PARENT_PID", "0")))
    from casebook.engines import CLI

    engine = os.environ.get("CASEBOOK_ENGINE", "mkdocs")
    importlib.import_module(CLI[engine]).cli(args=sys.argv[1:], prog_name=engine)


def _stop_with_parent(parent: int) -> None:
    leader = os.getpid()

    def stop(signum: int, _frame: object) -> None:
        if os.getpid() != leader:  # a forked render worker being stopped by its pool: die as usual
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        os.killpg(0, signal.SIGKILL)

    signal.signal(signal.SIGTERM, stop)
    if sys.platform == "linux":
        # `kill -9` of the parent runs no handler: ask the kernel to send us SIGTERM when it dies.
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os.killpg(0, signal.SIGKILL)  # the parent died before the lines above took effect


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.killpg(0, signal.SIGKILL)


PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into Interrupted while building, so the `finally` blocks clean up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _swap(staging: Path, out: Path) -> None:
    """Put the new site in place; signals wait, so no stop leaves `out` missing."""
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    blocked = {signal.SIGINT, signal.SIGTERM}
    posix = hasattr(signal, "pthread_sigmask")  # not on Windows
    if posix:
        signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if out.exists():
            out.rename(retired)
        staging.rename(out)
    finally:
        if posix:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
    shutil.rmtree(retired, ignore_errors=True)


def _clean_stale(out: Path) -> None:
    """Remove what builds killed with `kill -9` left next to `out`; a swap cut short gets its site back."""
    pattern = re.compile(SCRATCH_OF.format(name=re.escape(out.name)))
    for scratch in stale_scratch(out.parent, pattern):
        if ".old-" in scratch.name and not out.exists():
            scratch.rename(out)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
