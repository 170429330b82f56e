"""A spoold child process for the conformance scripts (stdlib only).

Loopback only; every wait is bounded. The child gets a parent-death signal, so a test
killed by ctest's timeout never leaves a spoold (and its PostgreSQL) behind.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

PR_SET_PDEATHSIG = 1


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parent_death_signal(sig, cgroup=None):
    """A preexec_fn that makes the child receive `sig` when this process dies, and moves
    it into the (v1) cgroup directory `cgroup` when given."""
    def arm():
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        except Exception:
            pass
        if cgroup:
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
    return arm


def make_data_root(prefix):
    """A fresh directory under /tmp that every user may traverse: as root, spoold runs
    its PostgreSQL as `postgres`, which must reach the data directory."""
    root = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(root, 0o755)
    return root


def wait_until_ready(proc, log_path, log_offset, port, timeout):
    """Waits until `proc`, a spoold started with --listen 127.0.0.1:<port> whose output is
    appended to `log_path` from byte `log_offset` on, listens and answers /ready with 200.
    Returns False then, or True when it exited because the port was taken. RuntimeError
    (without the output; callers add its tail) when it exits otherwise or is not ready
    within `timeout` s, after killing it.

    Ports are picked before spoold binds them and suites run in parallel, so another
    suite's spoold may hold the port by then. An answer on the port proves nothing:
    readiness needs this process's own `listening` log line as well."""
    listening = ("info api listening listen=127.0.0.1:%d " % port).encode()
    taken = b"cannot listen on 127.0.0.1:%d: Address already in use" % port
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(log_path, "rb") as f:
                f.seek(log_offset)
                output = f.read()
        except OSError:
            output = b""
        if proc.poll() is not None:
            if taken in output:
                return True
            raise RuntimeError("spoold exited during start-up with %s" % proc.returncode)
        if listening in output:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/ready" % port, timeout=2) as r:
                    if r.status == 200:
                        return False
            except Exception:
                pass
        time.sleep(0.05)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    raise RuntimeError("spoold not ready within %d s" % timeout)


class Spoold:
    """spoold on --data-dir `data_dir`, output appended to `log_path`, on a port picked
    here and kept across restarts (so clients keep the endpoint); only a first start
    that finds it taken moves to another. `args` are further flags; `env` replaces the
    environment when given; `cgroup` is a cgroup directory to start it in."""

    def __init__(self, binary, data_dir, log_path, args=(), env=None, cgroup=None):
        self.binary = binary
        self.data_dir = data_dir
        self.log_path = log_path
        self.args = list(args)
        self.env = env
        self.cgroup = cgroup
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.proc = None
        self.started = False

    def start(self, timeout=60, banner=None):
        """Starts and waits until it is ready (wait_until_ready); RuntimeError with the
        output's tail if it exits or is not ready in time. A first start whose port turned
        out taken moves to a fresh one; a restart keeps its port, as clients hold the
        endpoint."""
        for _ in range(5):
            with open(self.log_path, "ab") as out:
                if banner:
                    out.write(banner.encode())
                    out.flush()
                log_offset = out.tell()
                self.proc = subprocess.Popen(
                    [self.binary, "--data-dir", self.data_dir, "--listen", "127.0.0.1:%d" % self.port] + self.args,
                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env,
                    preexec_fn=parent_death_signal(signal.SIGKILL, self.cgroup))
            try:
                taken = wait_until_ready(self.proc, self.log_path, log_offset, self.port, timeout)
            except RuntimeError as e:
                raise RuntimeError("%s:\n%s" % (e, self.output_tail()))
            if not taken:
                self.started = True
                return
            if self.started:
                raise RuntimeError("port %d was taken before the restart:\n%s" % (self.port, self.output_tail()))
            self.port = free_port()
            self.endpoint = "http://127.0.0.1:%d" % self.port
        raise RuntimeError("no free port after 5 tries:\n%s" % self.output_tail())

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self, timeout=30):
        """SIGTERM and wait; SIGKILL after `timeout`. Returns the exit code, or None when
        it had to be killed (or was not running)."""
        if self.proc is None or self.proc.poll() is not None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def output_tail(self, lines=40):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def spoold_args():
    """The conformance scripts' command line: --spoold PATH [--keep]."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--spoold", required=True)
    ap.add_argument("--keep", action="store_true")
    return ap.parse_args()


def run_checks(checks, prefix):
    """The main() of scripts made of independent checks, each check(spoold, root) starting
    its own spoold under `root`. A check returns None when it ran, or why it cannot run on
    this machine: printed as SKIP, and a failure under CI=true (as for a missing client).
    On a failure, the tails of the *.log files under `root` are printed. Prints
    `N passed, M failed` and exits 0 only when nothing failed."""
    import glob
    import shutil
    import traceback

    args = spoold_args()
    root = make_data_root(prefix)
    passed = failed = 0
    for check in checks:
        try:
            skipped = check(args.spoold, root)
            if skipped and os.environ.get("CI") == "true":
                raise AssertionError("cannot run here: " + skipped)
            if skipped:
                print("SKIP %s: %s" % (check.__name__, skipped), flush=True)
                continue
            passed += 1
            print("PASS %s" % check.__name__, flush=True)
        except Exception:
            failed += 1
            print("FAIL %s\n%s" % (check.__name__, traceback.format_exc()), flush=True)
            for log in sorted(glob.glob(os.path.join(root, "*.log"))):
                with open(log, errors="replace") as f:
                    print("--- %s (tail)\n%s" % (os.path.basename(log), "".join(f.readlines()[-30:])))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 else 1)


def run_suite(suite_class, prefix):
    """The main() of a suite class run against one spoold: parses --spoold and --keep,
    starts spoold, calls every test_* method in definition order (they may build on each
    other), checks that spoold then stops cleanly on SIGTERM, prints `N passed, M failed`
    and exits 0 only when everything passed."""
    import shutil
    import time
    import traceback

    args = spoold_args()
    root = make_data_root(prefix)
    server = Spoold(args.spoold, os.path.join(root, "data"), os.path.join(root, "spoold.log"))
    passed = failed = 0
    try:
        server.start()
        suite = suite_class(server)
        for name in [n for n in suite_class.__dict__ if n.startswith("test_")]:
            t0 = time.monotonic()
            try:
                getattr(suite, name)()
                passed += 1
                print("PASS %s (%.2f s)" % (name, time.monotonic() - t0), flush=True)
            except Exception:
                failed += 1
                print("FAIL %s\n%s" % (name, traceback.format_exc()), flush=True)
        code = server.stop()
        if code != 0:
            failed += 1
            print("FAIL spoold exited with %r on SIGTERM\n%s" % (code, server.output_tail()), flush=True)
    finally:
        server.kill()
        if failed:
            print(server.output_tail(60))
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 else 1)
