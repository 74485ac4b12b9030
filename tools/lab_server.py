"""A real JupyterLab server on 127.0.0.1, in its own HOME, config, settings and runtime dirs.

Used by the browser tests (``tests/browser``) and by ``make lab``. Nothing of the installed
environment is modified: the settings that silence JupyterLab's news pop-up live in a per-server
app settings dir (``--LabApp.app_settings_dir``) holding an ``overrides.json``.

    with LabServer(root_dir, state_dir) as server:
        page.goto(server.url("lab/tree/a1_linear/a1_linear.ipynb"))

Run as a script it serves a folder in the foreground (``make lab``):

    python tools/lab_server.py student/ --student
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# Settings every server gets: no news pop-up, no update check.
QUIET_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

# Extra settings for browser tests: render every cell (no virtual scrolling that would keep
# off-screen outputs out of the page) and no blinking cursor in screenshots.
TEST_OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


# A student's JupyterLab has nbgrader's student tools (assignment list, Validate) and none of
# the instructor's (formgrader, create assignment).
STUDENT_DISABLED_EXTENSIONS = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
]
STUDENT_DISABLED_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_json(path: Path, data: dict) -> Path:
    """Write ``data`` to ``path`` (idempotent: the same content every time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def write_overrides(app_settings_dir: Path, overrides: dict) -> Path:
    """Write JupyterLab's settings overrides into ``app_settings_dir``; return the file's path."""
    return _write_json(app_settings_dir / "overrides.json", overrides)


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the parent dies (Linux), so that a killed test
    run or ``make lab`` does not leave a server behind; the server then stops its kernels."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (Linux /proc), deepest last."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current:
                found.append(child)
                frontier.append(child)
    return found


class LabServer:
    """``jupyter lab`` serving ``root_dir``, with all its state under ``state_dir``.

    ``env`` adds or replaces environment variables of the server (and so of its kernels);
    ``pythonpath`` is prepended to ``PYTHONPATH`` (e.g. a dir with a sitecustomize that blocks
    instructor-only imports). ``overrides`` are JupyterLab settings overrides;
    ``disabled_extensions`` are JupyterLab plugins or extensions to leave out (e.g.
    ``"@jupyter/nbgrader:formgrader"``) and ``disabled_server_extensions`` server extensions
    (e.g. ``"nbgrader.server_extensions.formgrader"``), both for this server only;
    ``nbgrader_config`` is nbgrader configuration for this server only (e.g.
    ``{"Exchange": {"root": ...}}``), below the course's own ``nbgrader_config.py``.
    """

    def __init__(
        self,
        root_dir: Path | str,
        state_dir: Path | str,
        *,
        port: int | None = None,
        token: str | None = None,
        env: dict[str, str] | None = None,
        pythonpath: list[str] | None = None,
        overrides: dict | None = None,
        disabled_extensions: list[str] | None = None,
        disabled_server_extensions: list[str] | None = None,
        nbgrader_config: dict | None = None,
        log_file: Path | str | None = None,
    ):
        self.root_dir = Path(root_dir).resolve()
        self.state_dir = Path(state_dir).resolve()
        self.port = port or free_port()
        self.token = token if token is not None else secrets.token_hex(16)
        self.extra_env = dict(env or {})
        self.pythonpath = [str(p) for p in (pythonpath or [])]
        self.overrides = overrides if overrides is not None else QUIET_OVERRIDES
        self.disabled_extensions = list(disabled_extensions or [])
        self.disabled_server_extensions = list(disabled_server_extensions or [])
        self.nbgrader_config = nbgrader_config
        self.log_file = Path(log_file) if log_file else self.state_dir / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None
        self._log = None

    # -- addresses -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The server's address, without a token."""
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path: str = "lab") -> str:
        """Address of ``path`` on the server, with the token (logs the browser in)."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path.lstrip('/')}{sep}token={self.token}"

    # -- the process -----------------------------------------------------------------------
    def environment(self) -> dict[str, str]:
        """The server's environment: its own HOME and Jupyter dirs, nothing of the user's."""
        home = self.state_dir / "home"
        dirs = {
            "HOME": home,
            "JUPYTER_CONFIG_DIR": self.state_dir / "config",
            "JUPYTER_DATA_DIR": self.state_dir / "data",
            "JUPYTER_RUNTIME_DIR": self.state_dir / "runtime",
            "JUPYTERLAB_SETTINGS_DIR": self.state_dir / "user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": self.state_dir / "workspaces",
            "IPYTHONDIR": self.state_dir / "ipython",
        }
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update({k: str(v) for k, v in dirs.items()})
        # One font cache for everyone: a fresh HOME would otherwise rebuild it for seconds.
        if "MPLCONFIGDIR" not in env:
            mpl = Path(os.path.expanduser("~/.cache/matplotlib"))
            if mpl.is_dir():
                env["MPLCONFIGDIR"] = str(mpl)
        env["JUPYTER_PREFER_ENV_PATH"] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        env.pop("JUPYTER_TOKEN", None)
        env.update(self.extra_env)
        if self.pythonpath:
            rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
            env["PYTHONPATH"] = os.pathsep.join(self.pythonpath + rest)
        return env

    def command(self) -> list[str]:
        """The command line that starts the server, after writing its settings and config files."""
        app_settings = self.state_dir / "app-settings"
        write_overrides(app_settings, self.overrides)
        page_config = {"disabledExtensions": self.disabled_extensions}
        _write_json(app_settings / "page_config.json", page_config)
        off = dict.fromkeys(self.disabled_server_extensions, False)
        server_config = {"ServerApp": {"jpserver_extensions": off}}
        _write_json(self.state_dir / "config" / "jupyter_server_config.json", server_config)
        if self.nbgrader_config is not None:
            _write_json(self.state_dir / "config" / "nbgrader_config.json", self.nbgrader_config)
        return [
            sys.executable, "-m", "jupyterlab",
            "--allow-root", "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--IdentityProvider.token={self.token}",
            f"--LabApp.app_settings_dir={app_settings}",
            f"--LabApp.user_settings_dir={self.state_dir / 'user-settings'}",
            f"--LabApp.workspaces_dir={self.state_dir / 'workspaces'}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--ServerApp.open_browser=False",
        ]  # fmt: skip

    def start(self, timeout: float = 90.0) -> LabServer:
        """Start the server and wait until ``/api/status`` answers (at most ``timeout`` s)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_file, "ab")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.root_dir,
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl+C reaches us, and we stop the server cleanly
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with status {self.proc.returncode} before it answered; "
                    f"its log:\n{self.log_tail()}"
                )
            try:
                status = self.api("api/status", timeout=2)
                if "started" in status:
                    return self
            except (OSError, ValueError):
                pass
            time.sleep(0.25)
        self.stop()
        raise TimeoutError(
            f"jupyter lab did not answer on {self.base_url} within {timeout:.0f} s; "
            f"its log:\n{self.log_tail()}"
        )

    def api(self, path: str, method: str = "GET", timeout: float = 10.0):
        """Call the REST API with the token; returns the decoded JSON (or None)."""
        req = urllib.request.Request(
            self.base_url + path.lstrip("/"),
            method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method in ("POST", "PUT") else None,
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the server's log (for error messages)."""
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        """Shut the server down with its kernels; whatever is left after ``timeout`` s is killed."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            survivors = _children(self.proc.pid)
            try:
                self.api("api/shutdown", method="POST", timeout=5)
            except (OSError, ValueError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                survivors += _children(self.proc.pid)
                self.proc.kill()
                self.proc.wait(timeout=5)
            for pid in survivors:  # kernels that outlived their server
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self._log:
            self._log.close()
            self._log = None
        self.proc = None

    def __enter__(self) -> LabServer:
        """Start the server; ``with`` stops it."""
        return self.start()

    def __exit__(self, *exc) -> None:
        """Stop the server and its kernels."""
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Serve a folder in JupyterLab until Ctrl+C or SIGTERM -> exit status."""
    parser = argparse.ArgumentParser(description="Serve a folder in JupyterLab on 127.0.0.1.")
    parser.add_argument("root", help="the folder to serve")
    parser.add_argument("--state-dir", help="state dir (default ROOT/.jupyter-state)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--student",
        action="store_true",
        help="as a student: instructor-only imports blocked, no instructor tools",
    )
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    state = Path(args.state_dir) if args.state_dir else root / ".jupyter-state"
    options = {}
    if args.student:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import student_env

        options = {
            "pythonpath": [str(student_env.write_sitecustomize(state / "blocked-imports"))],
            "disabled_extensions": STUDENT_DISABLED_EXTENSIONS,
            "disabled_server_extensions": STUDENT_DISABLED_SERVER_EXTENSIONS,
        }
    server = LabServer(root, state, port=args.port or None, **options)

    def terminate(signum, frame):
        """Turn SIGTERM (and SIGINT) into KeyboardInterrupt, so the server stops cleanly."""
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    with server:
        print(f"JupyterLab is serving {root}", flush=True)
        print(f"Open {server.url('lab')}", flush=True)
        print(f"(log: {server.log_file}; stop with Ctrl+C)", flush=True)
        try:
            while server.proc and server.proc.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            print("Stopping JupyterLab ...", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
