#!/usr/bin/env python3
"""Crash test of retained topics: SIGKILL during produce loses no acknowledged record,
and offsets stay contiguous with no gap and no duplicate.

One data directory across all rounds, topic `crash` with 2 partitions. Each round:
  1. spoold is running (started for the first round, which creates the topic; later
     rounds use the process the previous check restarted);
  2. producer threads send batches (1 to 200 records; keyed, null-keyed and explicit
     partition) of unique values `r<round>-t<thread>-<seq>` and note every acknowledged
     (partition, offset, value);
  3. SIGKILL spoold at a random moment of the load (seeded; `--seed` replays);
  4. restart and read each partition up to its high watermark, from where the previous
     round's check ended (from 0 in the last round, so everything is read once more):
       - offsets are exactly 0, 1, 2, ... up to the high watermark (no gap, no repeat);
       - no value appears twice (no duplicate record);
       - every acknowledged record is present at its acknowledged offset with its value;
       - a batch is all or nothing: the records one request sent to one partition are
         either all present or all absent (a request spanning partitions may be cut
         between them, as the spec allows).

Usage: topics_crash_test.py --spoold PATH [--rounds 20] [--seed N] [--keep]
Last line: `N passed, M failed` (rounds). Exit 0 when every round passed.
"""

import argparse
import os
import random
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spoold_process import Spoold, make_data_root  # noqa: E402
from topics_client import TopicsClient, kafka_partition  # noqa: E402

TOPIC = "crash"
PARTITIONS = 2
PRODUCERS = 3
KILL_MIN, KILL_MAX = 0.2, 0.8  # s after the load started
TEST_BUDGET = 240              # s; rounds not started after this fail (about 60 s is usual)


def log(msg):
    print(msg, flush=True)


def produce_load(client, round_no, thread_no, rng, stop, acked, batches):
    seq = 0
    while not stop.is_set():
        n = rng.choice([1, 1, 5, 20, 100])
        values = ["r%d-t%d-%d" % (round_no, thread_no, seq + i) for i in range(n)]
        seq += n
        mode = rng.choice(["key", "null", "partition"])
        if mode == "key":
            records = [{"key": "k%d" % rng.randrange(1000), "value": v} for v in values]
            # Atomic per partition: one request makes one batch per partition it touches.
            by_partition = {}
            for r in records:
                by_partition.setdefault(kafka_partition(r["key"].encode(), PARTITIONS), []).append(r["value"])
            batches.extend(by_partition.values())
        else:
            if mode == "partition":
                p = rng.randrange(PARTITIONS)
                records = [{"partition": p, "value": v} for v in values]
            else:
                records = [{"value": v} for v in values]  # one sticky partition
            batches.append(values)
        try:
            st, reply, _ = client.call("POST", "/v1/topics/%s/records" % TOPIC, {"records": records}, timeout=10)
        except Exception:
            return  # the server died mid-call: this batch may or may not be stored
        if st != 200:
            return
        for v, r in zip(values, reply["results"]):
            acked.append((r["partition"], r["offset"], v))


def read_partition(client, p, offset):
    out = []
    while True:
        st, reply, _ = client.call("GET", "/v1/topics/%s/partitions/%d/records?offset=%d&max_records=10000"
                                   "&max_bytes=16777216" % (TOPIC, p, offset))
        if st != 200:
            raise AssertionError("fetch %d@%d -> %d %r" % (p, offset, st, reply))
        out.extend((r["offset"], r["value"]) for r in reply["records"])
        if not reply["records"]:
            return out, reply["high_watermark"]
        offset = reply["next_offset"]


class Checked:
    """What earlier checks read: offset -> value per partition, and every value."""
    def __init__(self):
        self.stored = {}
        self.values = set()
        self.ends = [0] * PARTITIONS


def check(client, acked, batches, checked, full):
    problems = []
    if full:
        checked.__init__()
    stored, seen_values = checked.stored, checked.values
    for p in range(PARTITIONS):
        start = checked.ends[p]
        records, hwm = read_partition(client, p, start)
        offsets = [o for o, _ in records]
        if offsets != list(range(start, hwm)):
            problems.append("partition %d: offsets are not %d..%d contiguous (got %d records, first gap near %r)"
                            % (p, start, hwm - 1, len(offsets),
                               next((start + i for i, o in enumerate(offsets) if o != start + i), None)))
        for o, v in records:
            if v in seen_values:
                problems.append("duplicate value %s" % v)
            seen_values.add(v)
            stored[(p, o)] = v
        checked.ends[p] = hwm
    total = len(stored)
    lost = [(p, o, v) for p, o, v in acked if stored.get((p, o)) != v]
    if lost:
        problems.append("%d acknowledged records lost or moved, e.g. %r" % (len(lost), lost[:3]))
    torn = [b for b in batches if 0 < sum(v in seen_values for v in b) < len(b)]
    if torn:
        problems.append("%d batches partly stored, e.g. %r" % (len(torn), torn[0][:3]))
    return problems, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spoold", required=True)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    log("seed %d" % seed)
    rng = random.Random(seed)
    root = make_data_root("spool-topics-crash-")
    server = Spoold(args.spoold, os.path.join(root, "data"), os.path.join(root, "spoold.log"))
    client = TopicsClient(server.endpoint)
    passed = failed = 0
    all_acked, all_batches = [], []
    checked = Checked()
    started = time.monotonic()
    try:
        server.start(banner="\n--- round 0 ---\n")
        for round_no in range(args.rounds):
            if time.monotonic() - started > TEST_BUDGET:
                log("round %d not run: over the %d s budget" % (round_no, TEST_BUDGET))
                failed += 1
                continue
            if round_no == 0:
                st, reply, _ = client.call("POST", "/v1/topics", {"name": TOPIC, "partitions": PARTITIONS})
                if st != 201:
                    raise RuntimeError("create topic -> %d %r" % (st, reply))
            stop = threading.Event()
            acked, batches = [], []
            threads = [threading.Thread(target=produce_load,
                                        args=(client, round_no, t, random.Random(rng.random()), stop, acked, batches))
                       for t in range(PRODUCERS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(KILL_MIN, KILL_MAX))
            server.kill()
            stop.set()
            for t in threads:
                t.join(20)
            all_acked.extend(acked)
            all_batches.extend(batches)
            server.start(banner="\n--- round %d check ---\n" % round_no)
            problems, total = check(client, all_acked, all_batches, checked, round_no == args.rounds - 1)
            if problems:
                failed += 1
                log("round %d FAIL: %s" % (round_no, "; ".join(problems)))
            else:
                passed += 1
                log("round %d ok: %d acknowledged this round, %d records stored" % (round_no, len(acked), total))
        code = server.stop()
        if code != 0:
            failed += 1
            log("spoold exited with %r on SIGTERM" % code)
    finally:
        server.kill()
        if failed:
            log(server.output_tail(40))
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    log("%d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
