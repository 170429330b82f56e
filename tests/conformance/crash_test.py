#!/usr/bin/env python3
"""Crash test: SIGKILL under mixed send/receive/delete load loses no acknowledged message.

One data directory across all rounds. Each round:
  1. start spoold on it and (re)create the queue `crash`;
  2. run a mixed load: sender threads send `round-<i>-<seq>|<padding>` bodies (single and
     batch sends) with a message attribute `sha256` holding the body's SHA-256; receiver
     threads receive with a short VisibilityTimeout and delete some of what they get
     (single and batch deletes, sometimes twice), leave the rest to come back;
  3. SIGKILL spoold at a random moment of the load window (seeded RNG; the seed is
     printed and `--seed` replays the schedule);
  4. restart spoold and drain the queue (ReceiveMessage with a large VisibilityTimeout
     until an empty long poll that started after every pre-kill visibility timeout
     expired), then check:
       - every send that was acknowledged (returned a MessageId) and whose message had no
         delete attempt is present (missing = LOST);
       - every delivered body is intact (sha256 attribute matches, and it equals the body
         that was sent under that MessageId);
       - no message whose delete was acknowledged (200 / batch Successful) is ever
         received again, neither in a later load nor in a drain (= RESURRECTED);
     sends and deletes that got no answer (cut by the kill) may have happened or not;
  5. delete everything drained (these deletes count as acknowledged deletes too), so the
     next round starts from an empty queue.

With --fifo the load is a FIFO queue with many message groups instead; see
crash_fifo.py for that mode's rounds and checks (ctest name crash_fifo).

Usage: crash_test.py --spoold PATH [--rounds 20] [--seed N] [--keep] [--fifo]
Last line: `N passed, M failed` (rounds). Exit 0 when every round passed, 1 otherwise,
77 when boto3 is missing and CI is not "true".
"""

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spoold_process import Spoold  # noqa: E402
import crash_fifo  # noqa: E402

SKIP = 77
REGION = "us-east-1"
QUEUE = "crash"
LOAD_VISIBILITY = 2          # s, VisibilityTimeout of receives under load
DRAIN_VISIBILITY = 600       # s, VisibilityTimeout of the verification drain
SENDERS = 4
RECEIVERS = 3
KILL_MIN, KILL_MAX = 0.8, 3.5  # s after the load started
DRAIN_BUDGET = 60            # s, upper bound of one drain
TEST_BUDGET = 235            # s, rounds not started after this are reported as not run


def log(msg):
    print(msg, flush=True)


def sha(body):
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- spoold

def leftover_processes(data_dir):
    """Pids of processes whose command line names data_dir (an orphaned PostgreSQL)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if data_dir in cmd:
            pids.append((int(entry), cmd.strip()))
    return pids


# --------------------------------------------------------------------------- ledger

class Ledger:
    """What the clients were told, across all rounds. Thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {}            # MessageId -> body, for acknowledged sends
        self.send_round = {}      # MessageId -> round of the send
        self.delete_acked = {}    # MessageId -> monotonic time the delete ack arrived
        self.delete_tried = set()  # MessageIds with any delete attempt (acked or not)
        self.handles = {}         # MessageId -> latest receipt handle seen
        self.stale_deletes = 0    # acknowledged deletes made with a handle not the latest
        self.violations = []      # (round, kind, text)
        self.unacked_sends = 0
        self.unacked_deletes = 0
        self.dup_delete_ack = 0

    def violation(self, rnd, kind, text):
        with self.lock:
            self.violations.append((rnd, kind, text))


def receive_checks(ledger, rnd, msg, started, where):
    """Checks one delivered message; started = monotonic time its receive was sent."""
    mid = msg["MessageId"]
    body = msg.get("Body", "")
    attr = msg.get("MessageAttributes", {}).get("sha256", {}).get("StringValue")
    if attr is None:
        ledger.violation(rnd, "CORRUPT", f"{where}: {mid} has no sha256 attribute; body[:60]={body[:60]!r}")
    elif attr != sha(body):
        ledger.violation(rnd, "CORRUPT", f"{where}: {mid} body sha256 {sha(body)} != attribute {attr}; "
                                         f"body[:60]={body[:60]!r} len={len(body)}")
    with ledger.lock:
        sent = ledger.sent.get(mid)
        acked_at = ledger.delete_acked.get(mid)
        ledger.handles[mid] = msg["ReceiptHandle"]
    if sent is not None and sent != body:
        ledger.violation(rnd, "CORRUPT", f"{where}: {mid} body differs from the one sent "
                                         f"({sent[:40]!r} vs {body[:40]!r})")
    if acked_at is not None and started > acked_at:
        ledger.violation(rnd, "RESURRECTED",
                         f"{where}: {mid} ({body[:30]!r}, sent in round {ledger.send_round.get(mid)}) "
                         f"received again {started - acked_at:.3f} s after its delete was acknowledged")


# ----------------------------------------------------------------------------- load

def make_client(endpoint, read_timeout=5):
    import boto3
    import botocore.config
    return boto3.client(
        "sqs", endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=botocore.config.Config(retries={"total_max_attempts": 1}, connect_timeout=2,
                                      read_timeout=read_timeout, max_pool_connections=4))


def sender(ledger, endpoint, url, rnd, seq, stop, rng, counts):
    sqs = make_client(endpoint)
    while not stop.is_set():
        n = 1 if rng.random() < 0.5 else rng.randint(2, 10)
        batch = []
        for _ in range(n):
            s = next(seq)
            pad = "x" * rng.choice((0, 10, 200, 3000))
            body = f"round-{rnd}-{s}|{pad}"
            batch.append(body)
        try:
            if n == 1:
                body = batch[0]
                r = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
                    "sha256": {"DataType": "String", "StringValue": sha(body)}})
                with ledger.lock:
                    ledger.sent[r["MessageId"]] = body
                    ledger.send_round[r["MessageId"]] = rnd
                    counts["sent"] += 1
            else:
                entries = [{"Id": str(i), "MessageBody": b, "MessageAttributes": {
                    "sha256": {"DataType": "String", "StringValue": sha(b)}}} for i, b in enumerate(batch)]
                r = sqs.send_message_batch(QueueUrl=url, Entries=entries)
                with ledger.lock:
                    for ok in r.get("Successful", []):
                        body = batch[int(ok["Id"])]
                        ledger.sent[ok["MessageId"]] = body
                        ledger.send_round[ok["MessageId"]] = rnd
                    counts["sent"] += len(r.get("Successful", []))
                    counts["send_failed_entries"] += len(r.get("Failed", []))
        except Exception:
            with ledger.lock:
                ledger.unacked_sends += n
            if stop.wait(0.05):
                return


def do_delete(ledger, sqs, url, msgs):
    """Deletes msgs (list of (MessageId, handle)); records acks. Returns True on an answer."""
    with ledger.lock:
        for mid, _ in msgs:
            ledger.delete_tried.add(mid)
    try:
        if len(msgs) == 1:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=msgs[0][1])
            acked = [msgs[0]]
        else:
            r = sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": h} for i, (_, h) in enumerate(msgs)])
            acked = [msgs[int(ok["Id"])] for ok in r.get("Successful", [])]
    except Exception:
        with ledger.lock:
            ledger.unacked_deletes += len(msgs)
        return False
    now = time.monotonic()
    with ledger.lock:
        for mid, h in acked:
            if mid in ledger.delete_acked:
                ledger.dup_delete_ack += 1
            else:
                ledger.delete_acked[mid] = now
            if ledger.handles.get(mid) != h:
                ledger.stale_deletes += 1
    return True


def receiver(ledger, endpoint, url, rnd, stop, rng, counts):
    sqs = make_client(endpoint)
    while not stop.is_set():
        started = time.monotonic()
        try:
            r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                    VisibilityTimeout=LOAD_VISIBILITY, MessageAttributeNames=["All"])
        except Exception:
            if stop.wait(0.05):
                return
            continue
        msgs = r.get("Messages", [])
        with ledger.lock:
            counts["received"] += len(msgs)
        for m in msgs:
            receive_checks(ledger, rnd, m, started, "load")
        chosen = [(m["MessageId"], m["ReceiptHandle"]) for m in msgs if rng.random() < 0.7]
        if not chosen:
            continue
        if rng.random() < 0.5:
            for c in chosen:
                if stop.is_set():
                    return
                do_delete(ledger, sqs, url, [c])
        else:
            do_delete(ledger, sqs, url, chosen)
        # Now and then delete the same handles again right away: must answer 200 and
        # must not make the first delete any less durable.
        if rng.random() < 0.1 and not stop.is_set():
            do_delete(ledger, sqs, url, chosen[:1])
        with ledger.lock:
            counts["deleted"] += len(chosen)


# ------------------------------------------------------------------------- one round

def ensure_queue(endpoint):
    sqs = make_client(endpoint, read_timeout=15)
    deadline = time.monotonic() + 20
    while True:
        try:
            return sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def drain(ledger, endpoint, url, rnd, not_before):
    """Receives everything; returns {MessageId: (body, handle)}. Stops after an empty long
    poll that started at or after not_before (monotonic), or after DRAIN_BUDGET."""
    sqs = make_client(endpoint, read_timeout=10)
    got = {}
    deadline = time.monotonic() + DRAIN_BUDGET
    errors = 0
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                    VisibilityTimeout=DRAIN_VISIBILITY, MessageAttributeNames=["All"])
        except Exception as e:
            errors += 1
            if errors > 20:
                raise RuntimeError(f"drain: receive keeps failing: {e!r}")
            time.sleep(0.2)
            continue
        msgs = r.get("Messages", [])
        if not msgs and started >= not_before:
            return got, True
        for m in msgs:
            receive_checks(ledger, rnd, m, started, "drain")
            if m["MessageId"] in got:
                # With a 600 s visibility timeout a second delivery means the first
                # receive's invisibility was not honoured.
                ledger.violation(rnd, "DUPLICATE", f"drain: {m['MessageId']} delivered twice")
            got[m["MessageId"]] = (m.get("Body", ""), m["ReceiptHandle"])
    return got, False


def run_round(rnd, args, data_dir, log_path, ledger, rng):
    t_round = time.monotonic()
    spool = Spoold(args.spoold, data_dir, log_path)
    spool.start(banner=f"\n===== start {time.strftime('%H:%M:%S')} =====\n")
    url = ensure_queue(spool.endpoint)
    violations_before = len(ledger.violations)

    stop = threading.Event()
    seq_lock = threading.Lock()
    counter = iter(range(10 ** 9))

    class Seq:
        def __next__(self):
            with seq_lock:
                return next(counter)

    seq = Seq()
    counts = {"sent": 0, "send_failed_entries": 0, "received": 0, "deleted": 0}
    threads = []
    for i in range(SENDERS):
        threads.append(threading.Thread(target=sender, daemon=True, args=(
            ledger, spool.endpoint, url, rnd, seq, stop, random.Random(rng.random()), counts)))
    for i in range(RECEIVERS):
        threads.append(threading.Thread(target=receiver, daemon=True, args=(
            ledger, spool.endpoint, url, rnd, stop, random.Random(rng.random()), counts)))
    kill_after = rng.uniform(KILL_MIN, KILL_MAX)
    t_load = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(kill_after)
    spool.kill()
    t_kill = time.monotonic()
    stop.set()
    for t in threads:
        t.join(timeout=15)
    stuck = [t for t in threads if t.is_alive()]
    if stuck:
        ledger.violation(rnd, "HARNESS", f"{len(stuck)} load threads did not stop")

    # Restart on the same data directory and verify.
    spool2 = Spoold(args.spoold, data_dir, log_path)
    t0 = time.monotonic()
    spool2.start(banner=f"\n===== start {time.strftime('%H:%M:%S')} =====\n")
    restart_s = time.monotonic() - t0
    try:
        try:
            url2 = make_client(spool2.endpoint).get_queue_url(QueueName=QUEUE)["QueueUrl"]
        except Exception as e:
            ledger.violation(rnd, "QUEUE_LOST", f"queue {QUEUE} not found after restart: {e!r}")
            url2 = ensure_queue(spool2.endpoint)
        # Every receive before the kill made its messages invisible for LOAD_VISIBILITY s
        # at most; an empty poll counts only once all of those expired.
        not_before = max(time.monotonic(), t_kill + LOAD_VISIBILITY + 1.0)
        got, complete = drain(ledger, spool2.endpoint, url2, rnd, not_before)
        if not complete:
            ledger.violation(rnd, "HARNESS", f"drain did not finish within {DRAIN_BUDGET} s "
                                             f"({len(got)} messages so far)")
        with ledger.lock:
            expected = [mid for mid in ledger.sent if mid not in ledger.delete_tried]
            lost = [mid for mid in expected if mid not in got]
            resurrected = [mid for mid in got if mid in ledger.delete_acked]
        for mid in lost[:20]:
            ledger.violation(rnd, "LOST", f"{mid} body {ledger.sent[mid][:30]!r} "
                                          f"(sent round {ledger.send_round.get(mid)}) acknowledged, "
                                          f"never deleted, missing after restart")
        if len(lost) > 20:
            ledger.violation(rnd, "LOST", f"... and {len(lost) - 20} more")
        for mid in resurrected:
            already = any(v[0] == rnd and mid in v[2] for v in ledger.violations)
            if not already:
                ledger.violation(rnd, "RESURRECTED", f"{mid} back after restart though its delete was acknowledged")
        unknown = [mid for mid in got if mid not in ledger.sent]

        # Clear the queue for the next round; acknowledged deletes join the ledger.
        sqs = make_client(spool2.endpoint, read_timeout=15)
        items = [(mid, h) for mid, (_, h) in got.items()]
        for i in range(0, len(items), 10):
            do_delete(ledger, sqs, url2, items[i:i + 10])
        with ledger.lock:
            not_deleted = [mid for mid, _ in items if mid not in ledger.delete_acked]
        if not_deleted:
            ledger.violation(rnd, "HARNESS", f"{len(not_deleted)} drained messages could not be deleted")
    finally:
        spool2.kill() if args.kill_after_verify else spool2.stop()

    new = ledger.violations[violations_before:]
    ok = not new
    log(f"round {rnd:2d}: {'PASS' if ok else 'FAIL'} kill at {kill_after:.2f} s; "
        f"acked sends {counts['sent']}, receives {counts['received']}, delete attempts {counts['deleted']}; "
        f"restart {restart_s:.1f} s; drained {len(got)} (expected >= {len(expected)}, "
        f"{len(unknown)} from unacknowledged sends); round {time.monotonic() - t_round:.1f} s")
    for v in new:
        log(f"    {v[1]}: {v[2]}")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spoold", required=True)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the data directory and log")
    ap.add_argument("--kill-after-verify", action="store_true",
                    help="SIGKILL (not SIGTERM) spoold after each verification too")
    ap.add_argument("--fifo", action="store_true", help="FIFO load with many groups (crash_fifo.py)")
    args = ap.parse_args()

    try:
        import boto3  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            log(f"FAIL: boto3 is not importable by {sys.executable} (CI=true)")
            log("0 passed, 1 failed")
            sys.exit(1)
        log(f"SKIP: boto3 is not importable by {sys.executable}")
        log("0 passed, 0 failed")
        sys.exit(SKIP)

    if not os.access(args.spoold, os.X_OK):
        log(f"FAIL: spoold binary {args.spoold} is not executable")
        log(f"0 passed, {args.rounds} failed")
        sys.exit(1)

    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    log(f"seed {seed} (replay the kill schedule with --seed {seed})")
    rng = random.Random(seed)

    work = tempfile.mkdtemp(prefix="spool-crash-")
    os.chmod(work, 0o755)
    data_dir = os.path.join(work, "data")
    os.mkdir(data_dir)
    os.chmod(data_dir, 0o755)
    log_path = os.path.join(work, "spoold.log")
    if args.fifo:
        run_fifo(args, data_dir, log_path, rng, work)
    ledger = Ledger()
    passed = failed = 0
    start = time.monotonic()
    try:
        for rnd in range(1, args.rounds + 1):
            if time.monotonic() - start > TEST_BUDGET:
                log(f"time budget of {TEST_BUDGET} s spent: rounds {rnd}..{args.rounds} not run")
                failed += args.rounds - rnd + 1
                break
            try:
                ok = run_round(rnd, args, data_dir, log_path, ledger, random.Random(rng.random()))
            except Exception as e:
                log(f"round {rnd:2d}: FAIL harness error {e!r}")
                ok = False
            passed += ok
            failed += not ok
    finally:
        left = leftover_processes(data_dir)
        for pid, cmd in left:
            log(f"leftover process {pid} after the last clean stop: {cmd[:120]}")
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        log(f"totals: acknowledged sends {len(ledger.sent)}, acknowledged deletes "
            f"{len(ledger.delete_acked)}, sends without answer {ledger.unacked_sends}, deletes "
            f"without answer {ledger.unacked_deletes}, acknowledged deletes with a stale handle "
            f"{ledger.stale_deletes}; {time.monotonic() - start:.1f} s")
        if failed or args.keep:
            log(f"kept {work} (spoold.log has every start's output)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


def run_fifo(args, data_dir, log_path, rng, work):
    passed, failed = 0, args.rounds
    try:
        passed, failed = crash_fifo.run(args, make_client, Spoold, data_dir, log_path, rng, log)
    except Exception as e:
        log(f"FAIL harness error {e!r}")
    finally:
        for pid, cmd in leftover_processes(data_dir):
            log(f"leftover process {pid} after the last clean stop: {cmd[:120]}")
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if failed or args.keep:
            log(f"kept {work} (spoold.log has every start's output)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
