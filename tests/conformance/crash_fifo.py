"""FIFO mode of crash_test.py (`--fifo`): SIGKILL under FIFO load with many groups.

One data directory and one FIFO queue (`crash.fifo`) across all rounds; the spoold
restarted to verify a round carries the next round's load. Each round:
  1. senders (one thread per slice of GROUPS message groups, so that a group's send order
     is one thread's order) send batches of 1-10 messages with explicit
     MessageDeduplicationIds; the body is `r<round>|g<group>|<counter>|<padding>`, the
     counter counting per group. A send with no answer is retried with the same ids
     until it is answered; a group never moves past an unanswered send;
  2. receivers receive (VisibilityTimeout LOAD_VISIBILITY) and delete everything they got,
     in one batch or one by one;
  3. spoold gets SIGKILL at a random moment (seeded; `--seed` replays it), and restarts;
  4. right after the restart every sender sends its last acknowledged batch again (same
     ids, same bodies): each entry must come back as a duplicate with the MessageId and
     SequenceNumber first acknowledged. Batches left unanswered by the kill are sent again
     too (their answer is the outcome);
  5. a drain receives and deletes until an empty poll that started after every pre-kill
     visibility timeout ran out.
Checks, over load and drain:
  LOST         an acknowledged send whose message was never delivered (so never deleted);
  DEDUPE       a re-sent id after the restart not recognised (another MessageId or
               SequenceNumber), or one body enqueued under two MessageIds;
  ORDER        a message of a group delivered while an earlier message of the group that
               exists had not been delivered before it in the same receive and had no
               delete request sent before this receive's answer arrived; or, within a
               group, SequenceNumbers not increasing with the counter;
  RESURRECTED  a message delivered after its delete was acknowledged.
"""

import random
import re
import threading
import time

QUEUE = "crash.fifo"
GROUPS = 50
SENDERS = 4
RECEIVERS = 3
LOAD_VISIBILITY = 1          # s; receivers delete at once, so a short timeout keeps drains short
DRAIN_VISIBILITY = 30        # s; the drain deletes what it receives right away
KILL_MIN, KILL_MAX = 0.8, 2.0  # s after the load started
DRAIN_BUDGET = 30            # s
TEST_BUDGET = 150            # s for all rounds

BODY_RE = re.compile(r"^r(\d+)\|g(\d+)\|(\d+)\|")


class FifoLedger:
    """What the clients were told, across all rounds. Thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {}          # MessageId -> (group, counter, body, SequenceNumber) for acknowledged sends
        self.mid_of = {}        # body -> MessageId first acknowledged
        self.by_group = {}      # (round, group) -> {counter: MessageId} (acknowledged)
        self.delete_sent = {}   # MessageId -> monotonic time its first delete request was sent
        self.delete_acked = {}  # MessageId -> monotonic time its delete was acknowledged
        self.observed = []      # (sent_at, answered_at, [messages in response order]) per non-empty receive
        self.violations = []    # (round, kind, text)
        self.unanswered_sends = 0

    def violation(self, rnd, kind, text):
        with self.lock:
            self.violations.append((rnd, kind, text))

    def acked(self, rnd, entry, mid, seq):
        """Records an acknowledged send of entry = (group, counter, body, dedupe id)."""
        group, counter, body, _ = entry
        with self.lock:
            first = self.mid_of.setdefault(body, mid)
            if first != mid:
                self.violations.append((rnd, "DEDUPE", f"{body[:30]!r} acknowledged as {first} and as {mid}"))
                return
            self.sent[mid] = (group, counter, body, seq)
            self.by_group.setdefault((rnd, group), {})[counter] = mid


def make_entries(rnd, groups, next_counter, rng):
    entries = []
    for _ in range(rng.choice((1, 1, 3, 5, 10))):
        g = rng.choice(groups)
        c = next_counter[g]
        next_counter[g] += 1
        pad = "x" * rng.choice((0, 10, 200, 2000))
        entries.append((g, c, f"r{rnd}|g{g}|{c}|{pad}", f"r{rnd}-g{g}-{c}"))
    return entries


def send_entries(sqs, url, entries):
    """One SendMessage or SendMessageBatch; returns [(entry, MessageId, SequenceNumber)]
    of the acknowledged entries and the list of failed entries (with their codes)."""
    if len(entries) == 1:
        g, c, body, dedupe = entries[0]
        r = sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=f"g{g}", MessageDeduplicationId=dedupe)
        return [(entries[0], r["MessageId"], r.get("SequenceNumber"))], []
    r = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "MessageBody": body, "MessageGroupId": f"g{g}", "MessageDeduplicationId": dedupe}
        for i, (g, c, body, dedupe) in enumerate(entries)])
    ok = [(entries[int(e["Id"])], e["MessageId"], e.get("SequenceNumber")) for e in r.get("Successful", [])]
    failed = [(entries[int(e["Id"])], e.get("Code")) for e in r.get("Failed", [])]
    return ok, failed


class Sender:
    """One thread's groups; keeps its last acknowledged and its unanswered batch."""

    def __init__(self, groups, seed):
        self.groups = groups
        self.rng = random.Random(seed)
        self.next_counter = {g: 0 for g in groups}
        self.last_acked = []   # [(entry, MessageId, SequenceNumber)]
        self.pending = []      # entries of a batch without an answer
        self.sent = 0

    def run(self, ledger, client, url, rnd, stop):
        while not stop.is_set():
            batch = self.pending or make_entries(rnd, self.groups, self.next_counter, self.rng)
            self.pending = batch
            try:
                ok, failed = send_entries(client, url, batch)
            except Exception:
                with ledger.lock:
                    ledger.unanswered_sends += 1
                if stop.wait(0.05):
                    return
                continue
            for entry, mid, seq in ok:
                ledger.acked(rnd, entry, mid, seq)
            self.sent += len(ok)
            if failed:
                ledger.violation(rnd, "HARNESS", f"batch entries refused: {[(e[2][:20], c) for e, c in failed]}")
            self.last_acked = ok
            self.pending = []


def receiver(ledger, client, url, rnd, stop, rng, counts):
    while not stop.is_set():
        started = time.monotonic()
        try:
            r = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                       VisibilityTimeout=LOAD_VISIBILITY, AttributeNames=["All"])
        except Exception:
            if stop.wait(0.05):
                return
            continue
        answered = time.monotonic()
        msgs = r.get("Messages", [])
        if not msgs:
            continue
        with ledger.lock:
            ledger.observed.append((started, answered, msgs))
            counts["received"] += len(msgs)
        delete(ledger, client, url, msgs, one_by_one=rng.random() < 0.3)


def delete(ledger, client, url, msgs, one_by_one=False):
    """Deletes msgs (always tried, even while stopping: an attempt is what the checks need)."""
    groups = [[m] for m in msgs] if one_by_one else [msgs]
    for part in groups:
        now = time.monotonic()
        with ledger.lock:
            for m in part:
                ledger.delete_sent.setdefault(m["MessageId"], now)
        try:
            if len(part) == 1:
                client.delete_message(QueueUrl=url, ReceiptHandle=part[0]["ReceiptHandle"])
                acked = part
            else:
                r = client.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(part)])
                acked = [part[int(e["Id"])] for e in r.get("Successful", [])]
        except Exception:
            continue
        done = time.monotonic()
        with ledger.lock:
            for m in acked:
                ledger.delete_acked.setdefault(m["MessageId"], done)


def ensure_queue(make_client, endpoint):
    sqs = make_client(endpoint, read_timeout=15)
    deadline = time.monotonic() + 20
    while True:
        try:
            return sqs.create_queue(QueueName=QUEUE, Attributes={"FifoQueue": "true"})["QueueUrl"]
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def resend_after_restart(ledger, client, url, rnd, senders):
    """Step 4: the last acknowledged batch of every sender must be a duplicate now."""
    checked = 0
    for s in senders:
        if s.last_acked:
            entries = [e for e, _, _ in s.last_acked]
            try:
                ok, failed = send_entries(client, url, entries)
            except Exception as e:
                ledger.violation(rnd, "HARNESS", f"re-send after restart failed: {e!r}")
                continue
            first = {e[3]: (mid, seq) for e, mid, seq in s.last_acked}
            for entry, mid, seq in ok:
                checked += 1
                if (mid, seq) != first[entry[3]]:
                    ledger.violation(rnd, "DEDUPE", f"{entry[3]} re-sent after restart: got {mid} seq {seq}, first "
                                                    f"acknowledged as {first[entry[3]][0]} seq {first[entry[3]][1]}")
            if failed:
                ledger.violation(rnd, "DEDUPE", f"re-send after restart refused: {failed[:3]}")
        if s.pending:
            try:
                ok, failed = send_entries(client, url, s.pending)
            except Exception as e:
                ledger.violation(rnd, "HARNESS", f"re-send of an unanswered batch failed: {e!r}")
                continue
            for entry, mid, seq in ok:
                ledger.acked(rnd, entry, mid, seq)
            if not failed:
                s.last_acked, s.pending = ok, []
    return checked


def drain(ledger, client, url, not_before):
    deadline = time.monotonic() + DRAIN_BUDGET
    errors = n = 0
    while time.monotonic() < deadline:
        started = time.monotonic()
        # Short polls once every pre-kill visibility timeout is over: spoold's short poll
        # answers with everything available, so an empty one is conclusive.
        wait = 0 if started >= not_before else 1
        try:
            r = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                                       VisibilityTimeout=DRAIN_VISIBILITY, AttributeNames=["All"])
        except Exception as e:
            errors += 1
            if errors > 20:
                raise RuntimeError(f"drain: receive keeps failing: {e!r}")
            time.sleep(0.1)
            continue
        answered = time.monotonic()
        msgs = r.get("Messages", [])
        if not msgs:
            if started >= not_before:
                return n, True
            continue
        n += len(msgs)
        with ledger.lock:
            ledger.observed.append((started, answered, msgs))
        delete(ledger, client, url, msgs)
        not_acked = [m["MessageId"] for m in msgs if m["MessageId"] not in ledger.delete_acked]
        if not_acked:
            raise RuntimeError(f"drain: {len(not_acked)} deletes not acknowledged")
    return n, False


def verify(ledger, rnd, first_observation):
    """The checks over everything observed since first_observation (an index)."""
    out = []
    with ledger.lock:
        observed = ledger.observed[first_observation:]
        by_group = {g: dict(m) for g, m in ledger.by_group.items()}
        sent = dict(ledger.sent)
        delete_sent = dict(ledger.delete_sent)
        delete_acked = dict(ledger.delete_acked)
    seen = set()
    for started, answered, msgs in observed:
        earlier = set()
        for m in msgs:
            mid = m["MessageId"]
            seen.add(mid)
            parsed = BODY_RE.match(m.get("Body", ""))
            if not parsed:
                out.append(("CORRUPT", f"{mid}: body {m.get('Body', '')[:40]!r}"))
                continue
            key, c = (int(parsed.group(1)), int(parsed.group(2))), int(parsed.group(3))
            g = key[1]
            if mid in sent and sent[mid][2] != m["Body"]:
                out.append(("CORRUPT", f"{mid}: body differs from the one sent"))
            if m["Attributes"].get("MessageGroupId") != f"g{g}":
                out.append(("CORRUPT", f"{mid}: MessageGroupId {m['Attributes'].get('MessageGroupId')} for g{g}"))
            if mid in sent and sent[mid][3] and m["Attributes"].get("SequenceNumber") != sent[mid][3]:
                out.append(("ORDER", f"{mid}: SequenceNumber {m['Attributes'].get('SequenceNumber')} on receive, "
                                     f"{sent[mid][3]} on send"))
            acked_at = delete_acked.get(mid)
            if acked_at is not None and started > acked_at:
                out.append(("RESURRECTED", f"{mid} (g{g} #{c}) received {started - acked_at:.3f} s after "
                                           f"its delete was acknowledged"))
            for c_earlier, mid_earlier in by_group.get(key, {}).items():
                if c_earlier >= c or mid_earlier in earlier:
                    continue
                tried = delete_sent.get(mid_earlier)
                if tried is None or tried > answered:
                    out.append(("ORDER", f"g{g} #{c} delivered while #{c_earlier} ({mid_earlier}) had not been "
                                         f"delivered and deleted before it"))
                    break
            earlier.add(mid)
    # Sequence numbers grow with the counter within each group.
    for (r, g), counters in by_group.items():
        if r != rnd:
            continue
        seqs = [int(sent[counters[c]][3]) for c in sorted(counters) if sent[counters[c]][3]]
        if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
            out.append(("ORDER", f"g{g}: SequenceNumbers do not increase with the send order"))
    lost = [mid for mid, (_, _, body, _) in sent.items()
            if mid not in delete_sent and body.startswith(f"r{rnd}|")]
    for mid in lost[:10]:
        g, c, body, _ = sent[mid]
        out.append(("LOST", f"{mid} (g{g} #{c}, {body[:20]!r}) acknowledged and never delivered"))
    if len(lost) > 10:
        out.append(("LOST", f"... and {len(lost) - 10} more"))
    for kind, text in out:
        ledger.violation(rnd, kind, text)
    return len(out) == 0


def run(args, make_client, Spoold, data_dir, log_path, rng, log):
    """All rounds of the FIFO mode; returns (passed, failed)."""
    ledger = FifoLedger()
    slices = [list(range(GROUPS))[i::SENDERS] for i in range(SENDERS)]
    passed = failed = 0
    start = time.monotonic()
    spool = Spoold(args.spoold, data_dir, log_path)
    spool.start(banner=f"\n===== start {time.strftime('%H:%M:%S')} =====\n")
    url = ensure_queue(make_client, spool.endpoint)
    try:
        for rnd in range(1, args.rounds + 1):
            if time.monotonic() - start > TEST_BUDGET:
                log(f"time budget of {TEST_BUDGET} s spent: rounds {rnd}..{args.rounds} not run")
                failed += args.rounds - rnd + 1
                break
            try:
                spool, url, ok = fifo_round(rnd, args, make_client, Spoold, spool, url, data_dir, log_path,
                                            ledger, slices, random.Random(rng.random()), log)
            except Exception as e:
                log(f"round {rnd:2d}: FAIL harness error {e!r}")
                ok = False
                spool.kill()
                spool = Spoold(args.spoold, data_dir, log_path)
                spool.start(banner=f"\n===== start {time.strftime('%H:%M:%S')} =====\n")
                url = ensure_queue(make_client, spool.endpoint)
            passed += ok
            failed += not ok
    finally:
        spool.stop()
        log(f"totals: acknowledged sends {len(ledger.sent)}, acknowledged deletes {len(ledger.delete_acked)}, "
            f"sends without answer {ledger.unanswered_sends}; {time.monotonic() - start:.1f} s")
    return passed, failed


def fifo_round(rnd, args, make_client, Spoold, spool, url, data_dir, log_path, ledger, slices, rng, log):
    t_round = time.monotonic()
    violations_before = len(ledger.violations)
    first_observation = len(ledger.observed)
    senders = [Sender(groups, rng.random()) for groups in slices]
    stop = threading.Event()
    counts = {"received": 0}
    threads = [threading.Thread(target=s.run, daemon=True, args=(ledger, make_client(spool.endpoint), url, rnd, stop))
               for s in senders]
    threads += [threading.Thread(target=receiver, daemon=True, args=(
        ledger, make_client(spool.endpoint), url, rnd, stop, random.Random(rng.random()), counts))
        for _ in range(RECEIVERS)]
    kill_after = rng.uniform(KILL_MIN, KILL_MAX)
    for t in threads:
        t.start()
    time.sleep(kill_after)
    spool.kill()
    t_kill = time.monotonic()
    stop.set()
    for t in threads:
        t.join(timeout=15)
    if any(t.is_alive() for t in threads):
        ledger.violation(rnd, "HARNESS", "load threads did not stop")

    spool = Spoold(args.spoold, data_dir, log_path)
    t0 = time.monotonic()
    spool.start(banner=f"\n===== start {time.strftime('%H:%M:%S')} =====\n")
    restart_s = time.monotonic() - t0
    client = make_client(spool.endpoint, read_timeout=10)
    try:
        url = client.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    except Exception as e:
        ledger.violation(rnd, "QUEUE_LOST", f"{QUEUE} not found after restart: {e!r}")
        url = ensure_queue(make_client, spool.endpoint)
    resent = resend_after_restart(ledger, client, url, rnd, senders)
    drained, complete = drain(ledger, client, url, max(time.monotonic(), t_kill + LOAD_VISIBILITY + 0.5))
    if not complete:
        ledger.violation(rnd, "HARNESS", f"drain did not finish within {DRAIN_BUDGET} s")
    verify(ledger, rnd, first_observation)
    new = ledger.violations[violations_before:]
    ok = not new
    log(f"round {rnd:2d}: {'PASS' if ok else 'FAIL'} kill at {kill_after:.2f} s; acked sends "
        f"{sum(s.sent for s in senders)}, load receives {counts['received']}; restart {restart_s:.1f} s; "
        f"duplicates re-sent {resent}; drained {drained}; round {time.monotonic() - t_round:.1f} s")
    for v in new[:30]:
        log(f"    {v[1]}: {v[2]}")
    return spool, url, ok
