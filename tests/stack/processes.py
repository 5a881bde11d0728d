"""Starts the production stack for tests/stack and bench/: PostgreSQL, Redis, nginx and the lines of
deploy/Procfile, each on a free 127.0.0.1 port, in one temporary directory, all stopped by close().

Plain Python with no pytest in it, so that bench/serving.py uses the very same start-up code.
"""

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
VENV_BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"


class StackError(RuntimeError):
    """A service of the stack did not start or a command in it failed; the message carries its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def postgres_bin(name: str) -> str:
    """A PostgreSQL server program (initdb, postgres): Debian keeps them out of PATH, per version."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise StackError(f"{name} not found: install PostgreSQL (make stack-deps)")


def procfile(path: Path = DEPLOY / "Procfile") -> dict[str, str]:
    """The process lines of deploy/Procfile: {"pages": "gunicorn ...", ...}."""
    lines = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, command = line.partition(":")
            lines[name.strip()] = command.strip()
    return lines


class Process:
    """One long-running program in its own process group, its output in a log file."""

    def __init__(self, name, args, *, env, log_path: Path, cwd=REPO, user=None, stop_signal=signal.SIGTERM):
        self.name = name
        self.args = args
        self.log_path = log_path
        self.stop_signal = stop_signal
        with open(log_path, "ab") as log:
            self.popen = subprocess.Popen(
                args,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=user,
                preexec_fn=_die_with_parent(stop_signal),
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    def failure(self, what: str) -> StackError:
        state = "running" if self.alive() else f"exited with {self.popen.returncode}"
        return StackError(f"{self.name} {what} ({state}); end of {self.log_path}:\n{self.log()}")

    def request_stop(self) -> None:
        if self.alive():
            self._signal_group(self.stop_signal)

    def stop(self, timeout: float = 20) -> None:
        """Asks the whole process group to stop, then kills what is left after `timeout` seconds."""
        self.request_stop()
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.popen.wait(10)
        # Workers a master left behind (the group outlives its leader) go too.
        self._signal_group(signal.SIGKILL)

    def _signal_group(self, sig) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)


def wait_for_port(port: int, process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise process.failure(f"stopped before listening on port {port}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise process.failure(f"did not listen on port {port} within {timeout:.0f}s")


def set_autogroup_nice(pid: int | str, nice: int) -> bool:
    """Sets the CPU share of a whole session (Linux's scheduler autogroup); False when not possible."""
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:
        return False
    return True


def group_cpu_seconds(pgid: int) -> float:
    """CPU time used so far by every process in a process group (a server and its workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ..., utime (11), stime (12)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_until_idle(process: Process, *, timeout: float = 90, window: float = 1.0) -> None:
    """Waits until a server and all its workers have finished starting: their CPU use over `window`
    seconds drops under a tenth of a core. (Answering once only shows that one worker is up.)"""
    deadline = time.monotonic() + timeout
    before = group_cpu_seconds(process.pid)
    while time.monotonic() < deadline:
        time.sleep(window)
        if not process.alive():
            raise process.failure("stopped while starting")
        after = group_cpu_seconds(process.pid)
        if after - before < window / 10:
            return
        before = after
    raise process.failure(f"still busy starting after {timeout:.0f}s")


def wait_for_log(process: Process, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in process.log(tail=100_000):
        if not process.alive():
            raise process.failure(f"stopped before logging {text!r}")
        if time.monotonic() > deadline:
            raise process.failure(f"did not log {text!r} within {timeout:.0f}s")
        time.sleep(0.2)


def http_get(url: str, *, headers=None, timeout: float = 10, context: ssl.SSLContext | None = None):
    """GET without following redirects: (status, headers, body bytes)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_for_http(url: str, process: Process, *, timeout: float = 90, context=None) -> None:
    """Waits until `url` answers at all (any HTTP status): the app is loaded and serving."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if not process.alive():
            raise process.failure(f"stopped before answering {url}")
        try:
            http_get(url, timeout=5, context=context)
            return
        except OSError as error:
            last_error = error
            time.sleep(0.2)
    raise process.failure(f"did not answer {url} within {timeout:.0f}s (last error: {last_error})")


class Command:
    """A one-off program running in the background; finish() waits for it and returns its output."""

    def __init__(self, args, *, env, timeout: float):
        self.args = args
        self.timeout = timeout
        self.popen = subprocess.Popen(
            args,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=_die_with_parent(signal.SIGTERM),
        )

    def finish(self) -> str:
        try:
            output, _ = self.popen.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            output, _ = self.popen.communicate()
            raise StackError(
                f"{' '.join(self.args)} took over {self.timeout:.0f}s:\n{output[-3000:]}"
            ) from None
        if self.popen.returncode:
            raise StackError(f"{' '.join(self.args)} failed ({self.popen.returncode}):\n{output[-3000:]}")
        return output


class Stack:
    """A temporary production stack. Use as a context manager, or call close() in a finally."""

    def __init__(self, prefix: str = "km4b-stack-"):
        self.root = Path(tempfile.mkdtemp(prefix=prefix, dir=_scratch_dir()))
        # PostgreSQL and nginx's workers may run as other users: they must reach their own folders.
        self.root.chmod(0o755)
        self.processes: list[Process] = []
        self.database_url = ""
        self.redis_url = ""
        self.secret_key = secrets.token_urlsafe(50)
        self.tls_cert: Path | None = None
        # Linux schedules each session (process group leader) as one "autogroup" with a fair share of
        # the cores, whatever the processes' nice values; a benchmark on a busy machine raises it.
        self.autogroup_nice: int | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        """Stops the programs that use the services (all at once), then the services, then cleans up."""
        services = {"postgres", "redis"}
        errors = []
        for group in (
            [p for p in self.processes if p.name not in services],
            [p for p in self.processes if p.name in services],
        ):
            for process in group:
                process.request_stop()
            for process in group:
                try:
                    process.stop()
                except Exception as error:  # noqa: BLE001 - stop the others all the same
                    errors.append(f"{process.name}: {error}")
        self.processes.clear()
        if os.environ.get("KM4B_STACK_KEEP"):
            print(f"stack kept in {self.root}", file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)
        if errors:
            raise StackError("; ".join(errors))

    def path(self, *parts: str) -> Path:
        path = self.root.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def spawn(self, name: str, args, *, env=None, user=None, stop_signal=signal.SIGTERM) -> Process:
        process = Process(
            name,
            args,
            env=env if env is not None else self.env(),
            log_path=self.path("logs", f"{name}.log"),
            user=user,
            stop_signal=stop_signal,
        )
        self.processes.append(process)
        if self.autogroup_nice is not None:
            set_autogroup_nice(process.pid, self.autogroup_nice)
        return process

    # SERVICES ----

    def start_postgres(self) -> str:
        """initdb + postgres on a free port (as the `postgres` user when we are root: it refuses root)."""
        user = None
        data = self.path("postgres", "data")
        sockets = self.path("postgres", "sockets")
        sockets.mkdir()
        if os.geteuid() == 0:
            user = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(data.parent, user)
            shutil.chown(sockets, user)
        port = free_port()
        initdb = subprocess.run(
            [postgres_bin("initdb"), "-D", str(data), "-U", "km4b", "--auth=trust", "-E", "UTF8"]
            + ["--no-locale", "--no-sync"],
            cwd=self.root,
            user=user,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if initdb.returncode:
            raise StackError(f"initdb failed:\n{initdb.stdout}\n{initdb.stderr}")
        settings = {
            "listen_addresses": LOOPBACK,
            "port": str(port),
            "unix_socket_directories": str(sockets),
            # A throwaway database: durability is not worth the time here.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "100",
        }
        args = [postgres_bin("postgres"), "-D", str(data)]
        for key, value in settings.items():
            args += ["-c", f"{key}={value}"]
        # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to disconnect.
        process = self.spawn("postgres", args, env=_base_env(), user=user, stop_signal=signal.SIGINT)
        wait_for_port(port, process, timeout=60)
        self._create_database(port, process)
        self.database_url = f"postgres://km4b@{LOOPBACK}:{port}/km4b"
        return self.database_url

    def _create_database(self, port: int, process: Process) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(
                    host=LOOPBACK, port=port, user="km4b", dbname="postgres", autocommit=True
                ) as conn:
                    conn.execute("CREATE DATABASE km4b")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise process.failure("did not accept connections") from None
                time.sleep(0.2)

    def start_redis(self) -> str:
        port = free_port()
        args = ["redis-server", "--bind", LOOPBACK, "--port", str(port), "--save", "", "--appendonly", "no"]
        args += ["--dir", str(self.path("redis", "x").parent), "--protected-mode", "yes"]
        process = self.spawn("redis", args, env=_base_env())
        wait_for_port(port, process, timeout=30)
        self.redis_url = f"redis://{LOOPBACK}:{port}/0"
        return self.redis_url

    # DJANGO ----

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of every project process: production settings, this stack's services."""
        env = _base_env()
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS=f"{LOOPBACK},localhost",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            STATIC_ROOT=str(self.root / "static"),
            MEDIA_ROOT=str(self.root / "media"),
            LOG_LEVEL="INFO",
        )
        env.update(extra)
        return env

    def command(self, *args: str, timeout: float = 600) -> "Command":
        """Starts a one-off program (in the background) under production settings."""
        return Command(args, env=self.env(), timeout=timeout)

    def manage(self, *args: str, timeout: float = 600) -> str:
        """Runs manage.py to completion under production settings; its output, or StackError."""
        return self.command(sys.executable, "manage.py", *args, timeout=timeout).finish()

    def release(self) -> str:
        """deploy/Procfile's `release` line as written: migrate, then collectstatic."""
        return self.command("bash", "-c", procfile()["release"]).finish()

    def seed_home(self) -> "Command":
        """Makes the site's home page (in the background: nothing else waits for it)."""
        return self.command(
            sys.executable, "manage.py", "shell", "-c", "from home.demo import seed_home; seed_home()"
        )

    def start_procfile(self, name: str, *, label: str | None = None, **env: str) -> Process:
        """Starts one line of deploy/Procfile exactly as written, with `env` for its ${VARIABLES}."""
        command = procfile()[name]
        return self.spawn(label or name, ["bash", "-c", f"exec {command}"], env=self.env(**env))

    # NGINX ----

    def make_tls_certificate(self) -> Path:
        """A self-signed certificate for 127.0.0.1, so that nginx ends TLS as it does in production."""
        cert, key = self.path("tls", "cert.pem"), self.path("tls", "key.pem")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
            ]
            + ["-addext", f"subjectAltName=IP:{LOOPBACK}", "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        self.path("tls", "km4b-tls.conf").write_text(f"ssl_certificate {cert};\nssl_certificate_key {key};\n")
        self.tls_cert = cert
        return cert

    def start_nginx(self, *, pages_port: int, sockets_port: int, tls: bool = True, workers: int = 1) -> int:
        """nginx with deploy/nginx-km4b.conf.template rendered for this stack; returns its port."""
        port = free_port()
        if tls and self.tls_cert is None:
            self.make_tls_certificate()
        nginx_dir = self.path("nginx", "x").parent
        tls_include = self.root / "tls" / "km4b-tls.conf"
        if not tls:
            tls_include = nginx_dir / "no-tls.conf"
            tls_include.write_text("# plain HTTP: no TLS settings\n")
        site = string.Template((DEPLOY / "nginx-km4b.conf.template").read_text()).safe_substitute(
            KM4B_LISTEN=f"{LOOPBACK}:{port}" + (" ssl" if tls else ""),
            KM4B_SERVER_NAME=LOOPBACK,
            KM4B_TLS_INCLUDE=str(tls_include),
            KM4B_FORWARDED_PROTO="$scheme",
            KM4B_PAGES_UPSTREAM=f"{LOOPBACK}:{pages_port}",
            KM4B_SOCKETS_UPSTREAM=f"{LOOPBACK}:{sockets_port}",
        )
        (nginx_dir / "km4b.conf").write_text(site)
        temp_paths = "\n".join(
            f"    {kind}_temp_path {nginx_dir / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (nginx_dir / "nginx.conf").write_text(
            f"worker_processes {workers};\n"
            f"pid {nginx_dir / 'nginx.pid'};\n"
            f"error_log {nginx_dir / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "    access_log off;\n"
            "    default_type application/octet-stream;\n"
            f"{temp_paths}\n"
            f"    include {nginx_dir / 'km4b.conf'};\n"
            "}\n"
        )
        args = ["nginx", "-p", f"{nginx_dir}/", "-c", str(nginx_dir / "nginx.conf")]
        args += ["-e", str(nginx_dir / "error.log"), "-g", "daemon off;"]
        process = self.spawn("nginx", args, env=_base_env())
        wait_for_port(port, process, timeout=30)
        return port


def _scratch_dir() -> str | None:
    """Memory (/dev/shm) when it has room: the database's files are made and deleted many times
    faster there than on this machine's disk (deleting them took 15 s). Else the usual temp dir."""
    shm = Path("/dev/shm")  # noqa: S108
    try:
        usage = shutil.disk_usage(shm)
    except OSError:
        return None
    return str(shm) if usage.free > 2 * 1024**3 and os.access(shm, os.W_OK) else None


def _die_with_parent(sig: int):
    """Linux's parent-death signal: if the test run or benchmark is killed before it can stop its
    services, they get `sig` instead of living on."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1

    def set_parent_death_signal():
        libc.prctl(pr_set_pdeathsig, int(sig))

    return set_parent_death_signal


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _base_env() -> dict[str, str]:
    """A clean environment: nothing from the caller's project settings leaks into the stack."""
    return {
        "PATH": f"{VENV_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "LANG": "C.UTF-8",
        "TMPDIR": os.environ.get("TMPDIR", "/tmp"),  # noqa: S108
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
