#!/usr/bin/env python3
"""Integration test of the multi-partition fetch (POST /v1/fetch) and the raw Kafka
batch fast path (/batches) against a real spoold and PostgreSQL (spec/topics-api.md
section 5).

Starts one spoold (embedded PostgreSQL) on a temporary data directory, runs the checks
below with SigV4-signed requests (botocore's signer, service "sqs"), and stops it.
Batches are built and checked with tests/conformance/kafka_batch.py, a Python codec
independent of Spool's.

Usage: topics_fetch_test.py --spoold PATH [--keep]
Last line: `N passed, M failed`. Exit 0 when all passed.
"""

import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kafka_batch  # noqa: E402
from spoold_process import run_suite  # noqa: E402
from topics_client import TopicsClient, eq  # noqa: E402

BATCH = "application/vnd.spool.kafka-batch"


def now_ms():
    return int(time.time() * 1000)


class Suite:
    def __init__(self, server):
        self.server = server
        self.c = TopicsClient(server.endpoint)

    def ok(self, method, path, body=None, status=200):
        st, reply, _ = self.c.call(method, path, body)
        eq(st, status, "%s %s -> %r" % (method, path, reply))
        return reply

    def error(self, method, path, body, status, code):
        st, reply, _ = self.c.call(method, path, body)
        eq(st, status, "%s %s status (%r)" % (method, path, reply))
        eq(reply["error_code"], code, "%s %s error_code" % (method, path))
        return reply

    def produce(self, topic, partition, values):
        reply = self.ok("POST", "/v1/topics/%s/partitions/%d/records" % (topic, partition),
                        {"records": [{"value": v} for v in values]})
        return [r["offset"] for r in reply["results"]]

    def fetch(self, body):
        return self.ok("POST", "/v1/fetch", body)["partitions"]

    # --- POST /v1/fetch ---------------------------------------------------------------

    def test_multi_fetch_keeps_request_order_and_reports_errors_inline(self):
        self.ok("POST", "/v1/topics", {"name": "mf", "partitions": 3}, 201)
        eq(self.produce("mf", 0, ["a0", "a1", "a2"]), [0, 1, 2])
        eq(self.produce("mf", 1, ["b0", "b1"]), [0, 1])
        # wait_ms is long: an inline error answers at once, as data would.
        t0 = time.monotonic()
        parts = self.fetch({"wait_ms": 20000, "partitions": [
            {"topic": "mf", "partition": 2, "offset": 0},
            {"topic": "mf", "partition": 0, "offset": 1},
            {"topic": "mf", "partition": 1, "offset": 5},
            {"topic": "nope", "partition": 0, "offset": 0},
            {"topic": "mf", "partition": 9, "offset": 0},
            {"topic": "mf", "partition": 1, "offset": "earliest"}]})
        if time.monotonic() - t0 > 10:
            raise AssertionError("a fetch with errors waited")
        eq(len(parts), 6, "one element per requested partition")
        eq((parts[0]["topic"], parts[0]["partition"], parts[0]["records"], parts[0]["next_offset"],
            parts[0]["high_watermark"]), ("mf", 2, [], 0, 0), "empty partition")
        eq([(r["offset"], r["value"]) for r in parts[1]["records"]], [(1, "a1"), (2, "a2")], "partition 0")
        eq((parts[1]["next_offset"], parts[1]["high_watermark"], parts[1]["log_start_offset"]), (3, 3, 0))
        eq(parts[2], {"topic": "mf", "partition": 1, "error_code": "offset_out_of_range",
                      "message": "offset 5 is out of range for mf/1: valid offsets are 0 to 2 (the high watermark)",
                      "log_start_offset": 0, "high_watermark": 2}, "inline out of range")
        eq((parts[3]["topic"], parts[3]["error_code"]), ("nope", "topic_not_found"), "unknown topic")
        eq((parts[4]["partition"], parts[4]["error_code"]), (9, "partition_not_found"), "unknown partition")
        eq([r["value"] for r in parts[5]["records"]], ["b0", "b1"], "earliest")

    def test_multi_fetch_request_errors_fail_the_call(self):
        one = [{"topic": "mf", "partition": 0, "offset": 0}]
        self.error("POST", "/v1/fetch", {"partitions": one, "colour": "red"}, 400, "invalid_request")
        self.error("POST", "/v1/fetch", {"partitions": []}, 400, "invalid_request")
        self.error("POST", "/v1/fetch", {"partitions": one * 1001}, 400, "invalid_request")
        self.error("POST", "/v1/fetch", {"partitions": one, "max_records": 10001}, 400, "invalid_request")
        self.error("POST", "/v1/fetch", {"partitions": one, "wait_ms": 30001}, 400, "invalid_request")
        self.error("POST", "/v1/fetch", {"partitions": [{"topic": "mf", "partition": 0}]}, 400, "invalid_request")
        self.error("POST", "/v1/fetch", {"partitions": [{"topic": "mf", "partition": 0, "offset": 0, "x": 1}]},
                   400, "invalid_request")
        self.error("POST", "/v1/fetch", {"partitions": one, "member_id": "m-1"}, 400, "invalid_request")
        self.error("POST", "/v1/fetch", {"partitions": one, "group": "bad/group"}, 400, "invalid_group_id")
        # A member that never joined: the whole call fails (ownership is covered by
        # topics_members_test.py).
        self.error("POST", "/v1/fetch", {"partitions": one, "group": "billing", "member_id": "m-1"}, 404,
                   "unknown_member")
        # 1,000 partitions is the limit, and fine.
        many = self.fetch({"partitions": [{"topic": "mf", "partition": 2, "offset": 0}] * 1000})
        eq(len(many), 1000)

    def test_multi_fetch_limits_are_shared_and_the_first_record_always_comes(self):
        parts = self.fetch({"max_records": 2, "partitions": [
            {"topic": "mf", "partition": 0, "offset": 0}, {"topic": "mf", "partition": 1, "offset": 0}]})
        eq(sum(len(p["records"]) for p in parts), 2, "max_records over all partitions")
        # 2 bytes per record: max_bytes 3 lets one record through in total.
        parts = self.fetch({"max_bytes": 3, "partitions": [
            {"topic": "mf", "partition": 0, "offset": 0}, {"topic": "mf", "partition": 1, "offset": 0}]})
        eq(sum(len(p["records"]) for p in parts), 1, "max_bytes over all partitions")
        # max_bytes 1 is below any record: still the first record of the call comes.
        parts = self.fetch({"max_bytes": 1, "partitions": [{"topic": "mf", "partition": 0, "offset": 0}]})
        eq([r["offset"] for r in parts[0]["records"]], [0])
        # A partition's own max_bytes caps it within the call's.
        parts = self.fetch({"partitions": [{"topic": "mf", "partition": 0, "offset": 0, "max_bytes": 4},
                                           {"topic": "mf", "partition": 1, "offset": 0}]})
        eq(len(parts[0]["records"]), 2, "partition max_bytes")
        eq(len(parts[1]["records"]), 2)

    def test_multi_fetch_rotates_the_first_partition_so_none_starves(self):
        self.ok("POST", "/v1/topics", {"name": "rot", "partitions": 3}, 201)
        for p in range(3):
            self.produce("rot", p, ["p%d-%d" % (p, i) for i in range(10)])
        req = {"max_records": 1, "partitions": [{"topic": "rot", "partition": p, "offset": 0} for p in range(3)]}
        served = []
        for _ in range(3):
            parts = self.fetch(req)
            got = [p["partition"] for p in parts if p["records"]]
            eq(len(got), 1, "one record per call")
            served.append(got[0])
            eq([p["partition"] for p in parts], [0, 1, 2], "reply order")
        eq(sorted(served), [0, 1, 2], "three calls lead with three different partitions")
        # A consumer following next_offset with a budget of 4 records drains every partition.
        offsets = [0, 0, 0]
        seen = {0: [], 1: [], 2: []}
        for _ in range(30):
            parts = self.fetch({"max_records": 4, "partitions": [
                {"topic": "rot", "partition": p, "offset": offsets[p]} for p in range(3)]})
            for p in parts:
                seen[p["partition"]] += [r["value"] for r in p["records"]]
                offsets[p["partition"]] = p["next_offset"]
            if offsets == [10, 10, 10]:
                break
        eq(offsets, [10, 10, 10], "every partition read to its end")
        for p in range(3):
            eq(seen[p], ["p%d-%d" % (p, i) for i in range(10)], "partition %d in order" % p)

    def test_multi_fetch_long_poll_returns_when_any_partition_gets_data(self):
        start = time.monotonic()
        parts = self.fetch({"wait_ms": 400, "partitions": [{"topic": "rot", "partition": p, "offset": 10}
                                                           for p in range(3)]})
        waited = time.monotonic() - start
        eq([p["records"] for p in parts], [[], [], []], "empty after wait_ms")
        if not (0.35 <= waited < 5):
            raise AssertionError("empty long poll took %.2f s" % waited)
        result = {}

        def poll():
            t0 = time.monotonic()
            result["parts"] = self.fetch({"wait_ms": 25000, "partitions": [
                {"topic": "rot", "partition": p, "offset": 10} for p in range(3)]})
            result["seconds"] = time.monotonic() - t0
        th = threading.Thread(target=poll)
        th.start()
        time.sleep(0.3)
        # Whether the poll is parked yet or not, it must see this record, long before 25 s.
        eq(self.produce("rot", 2, ["late"]), [10])
        th.join(20)
        if th.is_alive():
            raise AssertionError("the long poll did not return after data arrived")
        parts = result["parts"]
        eq([[r["value"] for r in p["records"]] for p in parts], [[], [], ["late"]], "woken poll")
        eq([p["next_offset"] for p in parts], [10, 10, 11])
        if result["seconds"] > 15:
            raise AssertionError("woken poll took %.2f s" % result["seconds"])

    # --- /batches -------------------------------------------------------------------

    def test_batches_produce_then_json_fetch_sees_contiguous_offsets(self):
        self.ok("POST", "/v1/topics", {"name": "raw", "partitions": 2}, 201)
        eq(self.produce("raw", 1, ["j0", "j1"]), [0, 1])
        ts = now_ms() - 1000
        first = kafka_batch.encode([(b"k1", b"v2", [(b"h", b"x")], ts), (None, b"v3", [], ts + 1),
                                    (b"k3", None, [], ts + 2)], base_offset=987654)
        second = kafka_batch.encode([(None, b"v5", [], ts + 10), (None, b"\xff\x00", [], ts + 11)],
                                    base_offset=-5)
        st, raw, headers = self.c.call_raw("POST", "/v1/topics/raw/partitions/1/batches", first + second)
        eq(st, 200, "produce batches: %r" % raw)

        eq(json.loads(raw), {"base_offset": 2, "record_count": 5, "timestamp": ts + 11})
        f = self.ok("GET", "/v1/topics/raw/partitions/1/records?offset=0")
        eq([r["offset"] for r in f["records"]], [0, 1, 2, 3, 4, 5, 6], "contiguous")
        eq([r["value"] for r in f["records"]],
           ["j0", "j1", "v2", "v3", None, "v5", {"type": "BINARY", "data": "/wA="}])
        eq([r["key"] for r in f["records"][2:5]], ["k1", None, "k3"])
        eq(f["records"][2]["headers"], [{"name": "h", "value": "x"}])
        eq([r["timestamp"] for r in f["records"][2:]], [ts, ts + 1, ts + 2, ts + 10, ts + 11])
        eq(f["next_offset"], 7)
        eq(self.produce("raw", 1, ["j7"]), [7], "JSON produce continues after the batches")

    def test_batches_fetch_returns_whole_batches_with_valid_crcs(self):
        st, body, headers = self.c.call_raw("GET", "/v1/topics/raw/partitions/1/batches?offset=3&max_bytes=1048576")
        eq(st, 200, "fetch batches")
        eq(headers.get("Content-Type"), BATCH)
        eq((headers.get("Spool-Next-Offset"), headers.get("Spool-High-Watermark"),
            headers.get("Spool-Log-Start-Offset")), ("8", "8", "0"))
        batches = kafka_batch.decode(body)
        eq([b["base_offset"] for b in batches], [2, 5, 7], "the batch holding 3 comes first, from 2")
        eq([b["crc_ok"] for b in batches], [True, True, True], "CRCs")
        eq([r[0] for b in batches for r in b["records"]], [2, 3, 4, 5, 6, 7])
        eq([r[3] for b in batches for r in b["records"]], [b"v2", b"v3", None, b"v5", b"\xff\x00", b"j7"])
        # max_bytes below one batch: still the whole first batch, and only it.
        st, body, headers = self.c.call_raw("GET", "/v1/topics/raw/partitions/1/batches?offset=5&max_bytes=1")
        eq((st, [b["base_offset"] for b in kafka_batch.decode(body)], headers.get("Spool-Next-Offset")),
           (200, [5], "7"))
        st, body, headers = self.c.call_raw("GET", "/v1/topics/raw/partitions/1/batches?offset=8")
        eq((st, body, headers.get("Spool-Next-Offset")), (200, b"", "8"), "at the high watermark")
        st, body, _ = self.c.call_raw("GET", "/v1/topics/raw/partitions/1/batches?offset=9")

        err = json.loads(body)
        eq((st, err["error_code"], err["log_start_offset"], err["high_watermark"]),
           (416, "offset_out_of_range", 0, 8))
        st, body, _ = self.c.call_raw("GET", "/v1/topics/raw/partitions/1/batches")
        eq(st, 400, "offset is required")

    def test_batches_fetch_long_polls(self):
        result = {}

        def poll():
            result["reply"] = self.c.call_raw("GET", "/v1/topics/raw/partitions/0/batches?offset=0&wait_ms=25000")
        th = threading.Thread(target=poll)
        th.start()
        time.sleep(0.3)
        eq(self.produce("raw", 0, ["first"]), [0])
        th.join(20)
        if th.is_alive():
            raise AssertionError("the batches long poll did not return after data arrived")
        st, body, headers = result["reply"]
        eq((st, [r[3] for b in kafka_batch.decode(body) for r in b["records"]], headers.get("Spool-Next-Offset")),
           (200, [b"first"], "1"))

    def test_bad_batches_are_refused_and_store_nothing(self):
        good = kafka_batch.encode([(None, b"ok", [], now_ms())])
        corrupt = bytearray(good)
        corrupt[-1] ^= 0x01
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/0/batches", good + bytes(corrupt))

        err = json.loads(raw)
        eq((st, err["error_code"], err["message"]), (400, "invalid_record", "batch 1 at byte %d: CRC mismatch" %
                                                     len(good)), "bad CRC")
        magic1 = bytearray(good)
        magic1[16] = 1
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/0/batches", bytes(magic1))
        eq((st, json.loads(raw)["error_code"]), (400, "invalid_record"), "magic 1")
        gzip = kafka_batch.encode([(None, b"ok", [], now_ms())], attributes=1)
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/0/batches", gzip)
        eq((st, json.loads(raw)["message"]), (400, "batch 0 at byte 0: compressed batches are not supported yet"))
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/0/batches", good, "application/json")
        eq((st, json.loads(raw)["error_code"]), (415, "unsupported_media_type"), "wrong content type")
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/0/batches", good, "application/octet-stream")
        eq(st, 415, "octet-stream")
        future = kafka_batch.encode([(None, b"late", [], now_ms() + 7200 * 1000)])
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/0/batches", future)
        eq((st, json.loads(raw)["error_code"]), (400, "invalid_timestamp"))
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/0/batches", b"")
        eq((st, json.loads(raw)["error_code"]), (400, "invalid_record"), "empty body")
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/5/batches", good)
        eq((st, json.loads(raw)["error_code"]), (404, "partition_not_found"))
        self.ok("POST", "/v1/topics", {"name": "small", "config": {"max.message.bytes": 1024}}, 201)
        big = kafka_batch.encode([(None, b"x" * 1025, [], now_ms())])
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/small/partitions/0/batches", big)
        eq((st, json.loads(raw)["error_code"]), (413, "record_too_large"))
        eq(self.ok("GET", "/v1/topics/raw/partitions/0")["high_watermark"], 1, "nothing stored")
        eq(self.ok("GET", "/v1/topics/small/partitions/0")["high_watermark"], 0, "nothing stored")
        # Content type parameters and case do not matter; the good batch alone is stored.
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/raw/partitions/0/batches", good,
                                     "Application/Vnd.Spool.Kafka-Batch; v=1")
        eq((st, json.loads(raw)["base_offset"]), (200, 1))

    def test_log_append_time_topics_restamp_batches_and_recompute_the_crc(self):
        self.ok("POST", "/v1/topics", {"name": "stamped", "config": {"message.timestamp.type": "LogAppendTime"}}, 201)
        batch = kafka_batch.encode([(None, b"a", [], 1000), (None, b"b", [], 2000)])
        before = now_ms()
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/stamped/partitions/0/batches", batch)
        after = now_ms()

        reply = json.loads(raw)
        eq((st, reply["base_offset"], reply["record_count"]), (200, 0, 2))
        if not (before - 5 <= reply["timestamp"] <= after + 5):
            raise AssertionError("timestamp %d is not the append time" % reply["timestamp"])
        st, body, _ = self.c.call_raw("GET", "/v1/topics/stamped/partitions/0/batches?offset=0")
        got = kafka_batch.decode(body)
        eq((len(got), got[0]["crc_ok"], got[0]["attributes"] & 0x08, got[0]["max_timestamp"]),
           (1, True, 0x08, reply["timestamp"]), "stamped batch")
        f = self.ok("GET", "/v1/topics/stamped/partitions/0/records?offset=0")
        eq([(r["timestamp"], r["timestamp_type"]) for r in f["records"]],
           [(reply["timestamp"], "LogAppendTime")] * 2)

    def test_batches_survive_a_restart(self):
        code = self.server.stop()
        eq(code, 0, "spoold exit code on SIGTERM")
        self.server.start()
        f = self.ok("GET", "/v1/topics/raw/partitions/1/records?offset=2&max_records=3")
        eq([(r["offset"], r["value"]) for r in f["records"]], [(2, "v2"), (3, "v3"), (4, None)])
        st, body, _ = self.c.call_raw("GET", "/v1/topics/raw/partitions/1/batches?offset=0")
        eq([b["base_offset"] for b in kafka_batch.decode(body)], [0, 2, 5, 7])

    def test_a_wrong_max_timestamp_is_corrected_so_lookups_by_time_work(self):
        self.ok("POST", "/v1/topics", {"name": "timed-raw"}, 201)
        # maxTimestamp 0 although the records are at 5000 and 9000: Kafka's broker rewrites it.
        batch = kafka_batch.encode([(None, b"x", [], 5000), (None, b"y", [], 9000)], max_timestamp=0)
        st, raw, _ = self.c.call_raw("POST", "/v1/topics/timed-raw/partitions/0/batches", batch)
        eq((st, json.loads(raw)), (200, {"base_offset": 0, "record_count": 2, "timestamp": 9000}))
        st, body, _ = self.c.call_raw("GET", "/v1/topics/timed-raw/partitions/0/batches?offset=0")
        got = kafka_batch.decode(body)
        eq((got[0]["max_timestamp"], got[0]["crc_ok"], got[0]["attributes"]), (9000, True, 0), "rewritten batch")
        o = self.ok("GET", "/v1/topics/timed-raw/partitions/0/offsets?timestamp=6000")
        eq((o["offset"], o["timestamp"]), (1, 9000), "lookup by time")


def main():
    run_suite(Suite, "spool-topics-fetch-")


if __name__ == "__main__":
    main()
