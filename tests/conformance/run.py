#!/usr/bin/env python3
"""Runs the SQS conformance suites (real clients) against one real spoold.

    python3 tests/conformance/run.py --spoold build/conf/api/spoold

Starts ONE spoold on a temporary data directory and a free 127.0.0.1 port, runs each
client suite as a subprocess with the endpoint in SPOOL_* environment variables, then
stops spoold (SIGTERM, bounded wait) and removes the directory, also on failure.

Suites:
  boto3-json   sqs_suite.py under an interpreter whose botocore speaks AWS JSON 1.0
  boto3-query  sqs_suite.py under an interpreter whose botocore speaks AWS Query
               (Debian's python3-boto3, /usr/bin/python3)
  boto3-json-fifo, boto3-query-fifo
               fifo_suite.py (FIFO, deduplication, redrive, move tasks) under the same two
  aws-cli      cli_suite.py driving the `aws` command
  node         node/sqs_suite.mjs with @aws-sdk/client-sqs (npm install when missing)

A client that cannot be found is a failure when CI=true, else it is reported and counted
as skipped. The last line is `N passed, M failed` (`, K skipped` when any), counting test
cases across suites; the exit code is non-zero when anything failed.

Standard library only. Environment overrides: SPOOL_CONFORMANCE_PYTHONS (interpreters,
separated by ':'), SPOOL_AWS_CLI, SPOOL_NODE, SPOOL_NPM; SPOOL_MOVE_TASKS=0 leaves the
move-task cases out of fifo_suite.py.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spoold_process  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, "node")

ACCOUNT = "000000000000"
ACCESS_KEY = "test"
SECRET_KEY = "test"
REGION = "us-east-1"


def log(*parts):
    print(*parts, flush=True)


class Outcome:
    def __init__(self, passed=0, failed=0, skipped=0, note=""):
        self.passed, self.failed, self.skipped, self.note = passed, failed, skipped, note


# ------------------------------------------------------------------------ processes


def run_bounded(cmd, timeout, cwd=None, env=None):
    """Runs cmd in its own process group; returns (returncode or None on timeout, output).
    On timeout or any exception the whole group is killed."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=spoold_process.parent_death_signal(signal.SIGTERM))
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, _ = proc.communicate(timeout=30)
        return None, out.decode("utf-8", "replace")
    except BaseException:
        _kill_group(proc)
        raise


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass


class Spoold:
    def __init__(self, binary, start_timeout):
        self.binary = os.path.abspath(binary)
        self.start_timeout = start_timeout
        self.dir = None
        self.proc = None
        self.log_file = None
        self.port = None

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise RuntimeError("spoold not found or not executable: %s" % self.binary)
        # As root, spoold runs PostgreSQL as `postgres`, which must traverse the directory.
        self.dir = spoold_process.make_data_root("spool-conformance-")
        data_dir = os.path.join(self.dir, "data")
        os.mkdir(data_dir)
        os.chmod(data_dir, 0o755)
        log_path = os.path.join(self.dir, "spoold.log")
        self.log_file = open(log_path, "ab")
        for _ in range(5):  # another suite's spoold may take the port first: pick again
            self.port = spoold_process.free_port()
            cmd = [self.binary, "--data-dir", data_dir, "--listen", "127.0.0.1:%d" % self.port]
            log("starting: %s" % " ".join(cmd))
            offset = self.log_file.tell()
            self.proc = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         preexec_fn=spoold_process.parent_death_signal(signal.SIGTERM))
            try:
                taken = spoold_process.wait_until_ready(self.proc, log_path, offset, self.port, self.start_timeout)
            except RuntimeError as e:
                raise RuntimeError("%s:\n%s" % (e, self.log_tail()))
            if not taken:
                log("spoold ready at %s (pid %d)" % (self.endpoint, self.proc.pid))
                return
            self.log_file.seek(0, os.SEEK_END)
        raise RuntimeError("no free port after 5 tries:\n%s" % self.log_tail())

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=60):
        if self.dir is None:
            return ""
        try:
            with open(os.path.join(self.dir, "spoold.log"), "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self):
        """Stops spoold with SIGTERM (bounded wait, then SIGKILL); returns a problem to
        report, or None when it stopped cleanly with exit code 0."""
        problem = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=30)
                log("spoold stopped (exit code %d)" % code)
                if code != 0:
                    problem = "spoold exited with code %d on SIGTERM (expected 0)%s:\n%s" % (
                        code, " -- killed by signal %d" % -code if code < 0 else "", self.log_tail(20))
            except subprocess.TimeoutExpired:
                problem = "spoold did not stop within 30 s of SIGTERM; killed it"
                log(problem)
                self.proc.kill()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        return problem


# ------------------------------------------------------------------------- clients


def python_candidates():
    override = os.environ.get("SPOOL_CONFORMANCE_PYTHONS")
    if override:
        return [p for p in override.split(":") if p]
    found = [sys.executable, shutil.which("python3"), "/usr/bin/python3"]
    return [p for p in found if p]


PROBE = ("import boto3, botocore, botocore.session; "
         "print('PROBE', botocore.__version__, "
         "botocore.session.get_session().get_service_model('sqs').protocol)")


def find_pythons():
    """{protocol: (interpreter, botocore version)} for the first interpreter of each protocol."""
    by_protocol = {}
    reasons = []
    for py in python_candidates():
        try:
            code, out = run_bounded([py, "-c", PROBE], timeout=60)
        except OSError as e:
            reasons.append("%s: %s" % (py, e))
            continue
        m = re.search(r"^PROBE (\S+) (\S+)$", out, re.M)
        if code != 0 or not m:
            reasons.append("%s: no usable boto3 (%s)" % (py, out.strip().splitlines()[-1:] or "no output"))
            continue
        by_protocol.setdefault(m.group(2), (py, m.group(1)))
    return by_protocol, reasons


def suite_env(spoold, workdir):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("AWS_") or k == "PYTHONHOME":
            del env[k]
    env.update({
        "SPOOL_ENDPOINT": spoold.endpoint,
        "SPOOL_REGION": REGION,
        "SPOOL_ACCOUNT_ID": ACCOUNT,
        "SPOOL_ACCESS_KEY_ID": ACCESS_KEY,
        "SPOOL_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        # Nothing from the user's ~/.aws, no metadata service, no pager.
        "AWS_CONFIG_FILE": os.path.join(workdir, "aws-config-absent"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(workdir, "aws-credentials-absent"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def parse_python_result(code, out):
    m = None
    for m in re.finditer(r"^SUITE-RESULT passed=(\d+) failed=(\d+) skipped=(\d+)$", out, re.M):
        pass
    if code is None:
        return Outcome(int(m.group(1)) if m else 0, (int(m.group(2)) if m else 0) + 1,
                       int(m.group(3)) if m else 0, "timed out")
    if not m:
        return Outcome(0, 1, 0, "crashed (exit code %s) before reporting results" % code)
    o = Outcome(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if code != 0 and o.failed == 0:
        o.failed, o.note = 1, "exit code %d with no failing test" % code
    return o


def parse_tap_result(code, out):
    counts = {}
    for key in ("tests", "pass", "fail", "cancelled", "skipped", "todo"):
        found = re.findall(r"^# %s (\d+)$" % key, out, re.M)
        if found:
            counts[key] = int(found[-1])
    if "pass" not in counts:
        return Outcome(0, 1, 0, "no test summary (exit code %s)" % code)
    o = Outcome(counts["pass"], counts.get("fail", 0) + counts.get("cancelled", 0),
                counts.get("skipped", 0) + counts.get("todo", 0))
    if code is None:
        o.failed, o.note = o.failed + 1, "timed out"
    elif code != 0 and o.failed == 0:
        o.failed, o.note = 1, "exit code %d with no failing test" % code
    return o


def missing(name, reason, ci):
    if ci:
        return Outcome(0, 1, 0, "FAILED: client not found (CI=true): %s" % reason)
    return Outcome(0, 0, 1, "skipped: client not found: %s" % reason)


def run_suite(name, cmd, env, timeout, parse, cwd=None):
    log("")
    log("=== %s: %s" % (name, " ".join(cmd)))
    code, out = run_bounded(cmd, timeout=timeout, cwd=cwd, env=env)
    sys.stdout.write(out if out.endswith("\n") or not out else out + "\n")
    sys.stdout.flush()
    o = parse(code, out)
    if code is None:
        log("%s: timed out after %d s" % (name, timeout))
    return o


# Each boto3 suite runs under both interpreters; its result line is named boto3-<protocol><suffix>.
BOTO3_SUITES = (("", "sqs_suite.py"), ("-fifo", "fifo_suite.py"))


def python_suites(spoold, env, args, ci):
    pythons, reasons = find_pythons()
    results = []
    for protocol in ("json", "query"):
        name = "boto3-%s" % protocol
        if protocol not in pythons:
            why = "no interpreter whose botocore speaks the %s protocol (tried: %s)" % (
                protocol, "; ".join(reasons) or ", ".join(python_candidates()))
            results.append((name, missing(name, why, ci)))
            continue
        py, version = pythons[protocol]
        for suffix, script in BOTO3_SUITES:
            results.append((name + suffix, run_suite("%s%s (botocore %s, %s)" % (name, suffix, version, py),
                                                     [py, os.path.join(HERE, script)], env, args.suite_timeout,
                                                     parse_python_result)))
    return results


def cli_suite(spoold, env, args, ci):
    aws = os.environ.get("SPOOL_AWS_CLI") or shutil.which("aws")
    if not aws:
        return [("aws-cli", missing("aws-cli", "`aws` is not on PATH", ci))]
    env = dict(env, SPOOL_AWS_CLI=aws)
    return [("aws-cli", run_suite("aws-cli (%s)" % aws, [sys.executable, os.path.join(HERE, "cli_suite.py")],
                                  env, args.suite_timeout, parse_python_result))]


def node_suite(spoold, env, args, ci):
    node = os.environ.get("SPOOL_NODE") or shutil.which("node")
    npm = os.environ.get("SPOOL_NPM") or shutil.which("npm")
    if not node:
        return [("node", missing("node", "`node` is not on PATH", ci))]
    sdk = os.path.join(NODE_DIR, "node_modules", "@aws-sdk", "client-sqs", "package.json")
    if not os.path.exists(sdk):
        if not npm:
            return [("node", missing("node", "node_modules is missing and `npm` is not on PATH", ci))]
        log("")
        log("=== npm install --no-audit --no-fund (in %s)" % NODE_DIR)
        code, out = run_bounded([npm, "install", "--no-audit", "--no-fund"], timeout=args.npm_timeout,
                                cwd=NODE_DIR, env=env)
        sys.stdout.write(out)
        if code != 0 or not os.path.exists(sdk):
            why = "npm install %s" % ("timed out after %d s" % args.npm_timeout if code is None
                                      else "failed with exit code %s" % code)
            return [("node", missing("node", why, ci))]
    return [("node", run_suite("node (%s)" % node,
                               [node, "--test", "--test-reporter=tap", "sqs_suite.mjs"],
                               env, args.suite_timeout, parse_tap_result, cwd=NODE_DIR))]


SUITES = {"boto3": python_suites, "cli": cli_suite, "node": node_suite}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spoold", required=True, help="path of the spoold binary")
    parser.add_argument("--only", action="append", choices=sorted(SUITES),
                        help="run only these client families (repeatable)")
    parser.add_argument("--suite-timeout", type=int, default=300, help="seconds per suite (default 300)")
    parser.add_argument("--npm-timeout", type=int, default=300, help="seconds for npm install (default 300)")
    parser.add_argument("--start-timeout", type=int, default=60, help="seconds for spoold to be ready")
    args = parser.parse_args()
    ci = os.environ.get("CI", "").lower() == "true"

    def terminate(signum, _frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, terminate)

    results = []
    spoold = Spoold(args.spoold, args.start_timeout)
    try:
        try:
            spoold.start()
        except RuntimeError as e:
            log("FAILED to start spoold: %s" % e)
            results.append(("spoold", Outcome(0, 1, 0, "did not start")))
        else:
            env = suite_env(spoold, spoold.dir)
            for family in ("boto3", "cli", "node"):
                if args.only and family not in args.only:
                    continue
                results.extend(SUITES[family](spoold, env, args, ci))
                if not spoold.alive():
                    log("spoold exited during the %s suites (code %s):\n%s" % (
                        family, spoold.proc.returncode, spoold.log_tail()))
                    results.append(("spoold", Outcome(0, 1, 0, "exited during the run")))
                    break
            if any(o.failed for _, o in results) and spoold.alive():
                log("")
                log("--- last lines of the spoold log:")
                log(spoold.log_tail(40))
    finally:
        stopped_uncleanly = spoold.stop()
    if stopped_uncleanly:
        log(stopped_uncleanly)
        results.append(("spoold-stop", Outcome(0, 1, 0, stopped_uncleanly.splitlines()[0])))

    log("")
    log("=== results")
    for name, o in results:
        line = "%-16s %d passed, %d failed, %d skipped" % (name, o.passed, o.failed, o.skipped)
        log(line + ("  (%s)" % o.note if o.note else ""))
    passed = sum(o.passed for _, o in results)
    failed = sum(o.failed for _, o in results)
    skipped = sum(o.skipped for _, o in results)
    log("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
