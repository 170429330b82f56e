#!/usr/bin/env python3
"""Integration test of retained topics against a real spoold and PostgreSQL.

Starts one spoold (embedded PostgreSQL) on a temporary data directory, runs every check
below against the topics REST API with SigV4-signed requests (botocore's signer,
service "sqs"), restarts spoold once to check durability, and stops it.

Usage: topics_test.py --spoold PATH [--keep]
Last line: `N passed, M failed`. Exit 0 when all passed.
"""

import base64
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spoold_process import run_suite  # noqa: E402
from topics_client import TopicsClient, kafka_partition, eq  # noqa: E402

ACCOUNT = "000000000000"


class Suite:
    def __init__(self, server):
        self.server = server
        self.c = TopicsClient(server.endpoint)

    def ok(self, method, path, body=None, status=200):
        st, reply, _ = self.c.call(method, path, body)
        eq(st, status, "%s %s -> %r" % (method, path, reply))
        return reply

    def error(self, method, path, body, status, code):
        st, reply, headers = self.c.call(method, path, body)
        eq(st, status, "%s %s status (%r)" % (method, path, reply))
        eq(reply["error_code"], code, "%s %s error_code" % (method, path))
        return reply

    # --- checks -------------------------------------------------------------------

    def test_unsigned_and_badly_signed_requests_are_refused(self):
        st, reply, _ = self.c.call("GET", "/v1/topics", sign=False)
        eq(st, 401, "unsigned")
        eq(reply["error_code"], "unauthenticated", "unsigned code")
        eq(reply["reason"], "MissingAuthenticationToken", "reason")
        st, reply, _ = TopicsClient(self.server.endpoint, "test", "wrong").call("GET", "/v1/topics")
        eq((st, reply["error_code"], reply["reason"]), (401, "unauthenticated", "SignatureDoesNotMatch"), "bad secret")

    def test_curl_aws_sigv4_works_as_the_readme_prints(self):
        if shutil.which("curl") is None:
            return
        out = subprocess.run(["curl", "-s", "--aws-sigv4", "aws:amz:us-east-1:sqs", "--user", "test:test",
                              self.server.endpoint + "/v1/topics?prefix=nothing-has-this-prefix"],
                             capture_output=True, text=True, timeout=20).stdout
        eq(out, '{"topics":[],"next_token":null}', "curl reply")

    def test_create_describe_list_and_errors(self):
        t = self.ok("POST", "/v1/topics", {"name": "orders", "partitions": 6,
                                           "config": {"retention.ms": 86400000}}, 201)
        eq(t["name"], "orders")
        eq(t["partition_count"], 6)
        eq(t["config"]["retention.ms"], 86400000)
        eq(t["config"]["retention.bytes"], -1)
        eq(t["config"]["segment.bytes"], 134217728)
        eq(t["config"]["cleanup.policy"], "delete")
        eq([p["partition"] for p in t["partitions"]], [0, 1, 2, 3, 4, 5])
        eq({(p["log_start_offset"], p["high_watermark"]) for p in t["partitions"]}, {(0, 0)})
        d = self.ok("GET", "/v1/topics/orders")
        eq((d["id"], d["partition_count"]), (t["id"], 6))
        self.error("POST", "/v1/topics", {"name": "orders"}, 409, "topic_exists")
        self.error("POST", "/v1/topics", {"name": "bad/name"}, 400, "invalid_topic_name")
        self.error("POST", "/v1/topics", {"name": "zero", "partitions": 0}, 400, "invalid_partitions")
        self.error("POST", "/v1/topics", {"name": "big", "partitions": 1025}, 400, "invalid_partitions")
        r = self.error("POST", "/v1/topics", {"name": "cfg", "config": {"retention.ms": 5}}, 400, "invalid_config")
        eq(r["config_key"], "retention.ms")
        r = self.error("POST", "/v1/topics", {"name": "cfg", "config": {"cleanup.policy": "compact"}}, 400,
                       "unsupported_config")
        eq(r["config_key"], "cleanup.policy")
        self.error("POST", "/v1/topics", {"name": "x", "colour": "red"}, 400, "invalid_request")
        self.error("GET", "/v1/topics/nope", None, 404, "topic_not_found")
        self.ok("POST", "/v1/topics", {"name": "orders-eu"}, 201)
        listed = self.ok("GET", "/v1/topics?prefix=orders")
        eq([x["name"] for x in listed["topics"]], ["orders", "orders-eu"])
        page = self.ok("GET", "/v1/topics?prefix=orders&limit=1")
        eq(([x["name"] for x in page["topics"]], page["next_token"]), (["orders"], "orders"))
        page2 = self.ok("GET", "/v1/topics?prefix=orders&limit=1&next_token=orders")
        eq([x["name"] for x in page2["topics"]], ["orders-eu"])
        st, _, headers = self.c.call("PUT", "/v1/topics/orders")
        eq((st, headers.get("Allow")), (405, "GET, PATCH, DELETE"), "405")

    def test_produce_the_spec_example(self):
        reply = self.ok("POST", "/v1/topics/orders/records", {"records": [
            {"key": "user-1", "value": "{\"event\":\"created\"}", "headers": [{"name": "source", "value": "svc-a"}]},
            {"partition": 2, "value": {"type": "BINARY", "data": "AAEC"}, "timestamp": 1763800000000},
            {"key": {"type": "BINARY", "data": "AAE="}, "value": {"type": "JSON", "data": {"n": 1}}},
            {"key": "user-9", "value": None}]})
        eq(reply["failed_record_count"], 0)
        eq([(r["partition"], r["offset"]) for r in reply["results"]], [(2, 0), (2, 1), (3, 0), (5, 0)])
        eq(reply["results"][1]["timestamp"], 1763800000000)
        f = self.ok("GET", "/v1/topics/orders/partitions/2/records?offset=0")
        eq([r["offset"] for r in f["records"]], [0, 1])
        eq(f["records"][0]["key"], "user-1")
        eq(f["records"][0]["value"], "{\"event\":\"created\"}")
        eq(f["records"][0]["headers"], [{"name": "source", "value": "svc-a"}])
        eq(f["records"][1]["key"], None)
        eq(f["records"][1]["timestamp"], 1763800000000)
        eq(f["records"][1]["timestamp_type"], "CreateTime")
        eq((f["next_offset"], f["high_watermark"], f["log_start_offset"]), (2, 2, 0))
        b = self.ok("GET", "/v1/topics/orders/partitions/2/records?offset=1&value_format=base64")
        eq(b["records"][0]["value"], {"type": "BINARY", "data": "AAEC"})
        j = self.ok("GET", "/v1/topics/orders/partitions/3/records?offset=0")
        eq(j["records"][0]["value"], "{\"n\":1}")
        eq(j["records"][0]["key"], "\u0000\u0001")
        n = self.ok("GET", "/v1/topics/orders/partitions/5/records?offset=0")
        eq((n["records"][0]["key"], n["records"][0]["value"]), ("user-9", None))
        # Non-UTF-8 bytes come back as BINARY in auto and fail in string.
        self.ok("POST", "/v1/topics/orders/partitions/4/records",
                {"records": [{"value": {"type": "BINARY", "data": base64.b64encode(b"\xff\xfe").decode()}}]})
        a = self.ok("GET", "/v1/topics/orders/partitions/4/records?offset=0")
        eq(a["records"][0]["value"], {"type": "BINARY", "data": "//4="})
        self.error("GET", "/v1/topics/orders/partitions/4/records?offset=0&value_format=string", None, 400,
                   "invalid_request")

    def test_keys_land_where_kafkas_partitioner_puts_them(self):
        rng = random.Random(7)
        keys = ["key-%d-%s" % (i, "x" * rng.randrange(0, 9)) for i in range(300)]
        reply = self.ok("POST", "/v1/topics/orders/records",
                        {"records": [{"key": k, "value": "v"} for k in keys]})
        for k, r in zip(keys, reply["results"]):
            eq(r["partition"], kafka_partition(k.encode(), 6), "partition of " + k)
        # Offsets within each partition are contiguous and in request order.
        by_partition = {}
        for r in reply["results"]:
            by_partition.setdefault(r["partition"], []).append(r["offset"])
        for p, offsets in by_partition.items():
            eq(offsets, list(range(offsets[0], offsets[0] + len(offsets))), "offsets of %d" % p)

    def test_null_keys_of_one_request_share_a_partition(self):
        reply = self.ok("POST", "/v1/topics/orders/records", {"records": [{"value": str(i)} for i in range(10)]})
        eq(len({r["partition"] for r in reply["results"]}), 1, "sticky partition")

    def test_batched_produce_is_contiguous_and_fetch_limits_apply(self):
        self.ok("POST", "/v1/topics", {"name": "batched", "partitions": 2}, 201)
        records = [{"value": "v%04d" % i, "key": "k"} for i in range(1000)]
        reply = self.ok("POST", "/v1/topics/batched/partitions/1/records", {"records": records})
        eq([r["offset"] for r in reply["results"]], list(range(1000)))
        eq({r["partition"] for r in reply["results"]}, {1})
        f = self.ok("GET", "/v1/topics/batched/partitions/1/records?offset=250&max_records=100")
        eq([r["offset"] for r in f["records"]], list(range(250, 350)))
        eq(f["records"][0]["value"], "v0250")
        eq(f["next_offset"], 350)
        small = self.ok("GET", "/v1/topics/batched/partitions/1/records?offset=10&max_bytes=12")
        eq([r["offset"] for r in small["records"]], [10, 11])  # 6 bytes each
        one = self.ok("GET", "/v1/topics/batched/partitions/1/records?offset=10&max_bytes=1")
        eq([r["offset"] for r in one["records"]], [10])  # the first record always comes
        latest = self.ok("GET", "/v1/topics/batched/partitions/1/records?offset=latest")
        eq((latest["records"], latest["next_offset"]), ([], 1000))
        earliest = self.ok("GET", "/v1/topics/batched/partitions/1/records?offset=earliest&max_records=1")
        eq(earliest["records"][0]["offset"], 0)
        self.error("POST", "/v1/topics/batched/partitions/1/records",
                   {"records": [{"partition": 0, "value": "x"}]}, 400, "invalid_record")
        self.error("POST", "/v1/topics/batched/partitions/7/records", {"records": [{"value": "x"}]}, 404,
                   "partition_not_found")
        r = self.error("POST", "/v1/topics/batched/records",
                       {"records": [{"value": "ok"}, {"value": "x" * 1048577}]}, 413, "record_too_large")
        eq(r["index"], 1)
        r = self.error("POST", "/v1/topics/batched/records",
                       {"records": [{"value": "a", "timestamp": int(time.time() * 1000) + 7200000}]}, 400,
                       "invalid_timestamp")
        eq(r["index"], 0)
        self.error("POST", "/v1/topics/batched/records", {"records": [{"value": "x"}] * 10001}, 413,
                   "request_too_large")
        self.error("POST", "/v1/topics/batched/records", {"records": [{"value": {"type": "BINARY", "data": "!"}}]},
                   400, "invalid_record")
        # A rejected call stored nothing.
        eq(self.ok("GET", "/v1/topics/batched/partitions/0")["high_watermark"], 0)

    def test_a_produce_call_may_carry_up_to_8_mib(self):
        # spoold's default request cap is the spec's produce limit: a 7 MB call goes through.
        self.ok("POST", "/v1/topics", {"name": "bulky"}, 201)
        reply = self.ok("POST", "/v1/topics/bulky/records", {"records": [{"value": "v" * 1000000}] * 7})
        eq([r["offset"] for r in reply["results"]], list(range(7)))

    def test_a_body_over_8_mib_gets_the_topics_error_not_plain_text(self):
        # The HTTP layer refuses it before any handler; on topic paths it still answers in
        # the topics API's error format, with the limit.
        r = self.error("POST", "/v1/topics/batched/records", {"records": [{"value": "v" * (8 << 20)}]}, 413,
                       "request_too_large")
        eq(r["limit"], 8 << 20)
        eq(r["message"], "the body is over 8388608 bytes")

    def test_out_of_range_names_the_valid_range(self):
        r = self.error("GET", "/v1/topics/batched/partitions/1/records?offset=1001", None, 416, "offset_out_of_range")
        eq((r["log_start_offset"], r["high_watermark"]), (0, 1000))
        eq(r["message"], "offset 1001 is out of range for batched/1: valid offsets are 0 to 1000 (the high watermark)")
        self.error("GET", "/v1/topics/batched/partitions/9/records?offset=0", None, 404, "partition_not_found")
        self.error("GET", "/v1/topics/batched/partitions/1/records", None, 400, "invalid_request")

    def test_list_offsets(self):
        self.ok("POST", "/v1/topics", {"name": "timed"}, 201)
        self.ok("POST", "/v1/topics/timed/records", {"records": [
            {"value": "a", "timestamp": 1000}, {"value": "b", "timestamp": 2000}, {"value": "c", "timestamp": 3000}]})
        o = self.ok("GET", "/v1/topics/timed/partitions/0/offsets?timestamp=1500")
        eq((o["offset"], o["timestamp"], o["log_start_offset"], o["high_watermark"]), (1, 2000, 0, 3))
        eq(self.ok("GET", "/v1/topics/timed/partitions/0/offsets?timestamp=earliest")["offset"], 0)
        eq(self.ok("GET", "/v1/topics/timed/partitions/0/offsets?timestamp=latest")["offset"], 3)
        none = self.ok("GET", "/v1/topics/timed/partitions/0/offsets?timestamp=3001")
        eq((none["offset"], none["timestamp"]), (None, None))
        allp = self.ok("GET", "/v1/topics/timed/offsets?timestamp=2000")
        eq([(p["partition"], p["offset"]) for p in allp["partitions"]], [(0, 1)])

    def test_long_poll_wakes_on_produce_and_times_out_empty(self):
        start = time.monotonic()
        empty = self.ok("GET", "/v1/topics/timed/partitions/0/records?offset=3&wait_ms=400")
        waited = time.monotonic() - start
        eq(empty["records"], [])
        if not (0.35 <= waited < 3):
            raise AssertionError("empty long poll took %.2f s" % waited)
        result = {}

        def poll():
            t0 = time.monotonic()
            result["reply"] = self.c.call("GET", "/v1/topics/timed/partitions/0/records?offset=3&wait_ms=10000")
            result["seconds"] = time.monotonic() - t0
        th = threading.Thread(target=poll)
        th.start()
        time.sleep(0.3)
        self.ok("POST", "/v1/topics/timed/records", {"records": [{"value": "d"}]})
        th.join(15)
        st, reply, _ = result["reply"]
        eq((st, [r["value"] for r in reply["records"]]), (200, ["d"]), "woken poll")
        if result["seconds"] > 5:
            raise AssertionError("woken poll took %.2f s" % result["seconds"])

    def test_consumer_group_offsets_and_lag(self):
        self.ok("PUT", "/v1/groups/billing/offsets", {"topic": "orders", "offsets": [
            {"partition": 2, "offset": 1, "metadata": "host-a"}, {"partition": 3, "offset": 0}]}, 204)
        got = self.ok("GET", "/v1/groups/billing/offsets?topic=orders")
        by = {o["partition"]: o for o in got["offsets"]}
        hwm2 = self.ok("GET", "/v1/topics/orders/partitions/2")["high_watermark"]
        eq((by[2]["offset"], by[2]["metadata"], by[2]["high_watermark"], by[2]["lag"]), (1, "host-a", hwm2, hwm2 - 1))
        eq((by[0]["offset"], by[0]["lag"], by[0]["committed_at"]), (None, None, None))
        self.ok("PUT", "/v1/groups/billing/offsets", {"topic": "orders", "offsets": [{"partition": 2, "offset": 10**9}]},
                204)
        eq({o["partition"]: o["lag"] for o in self.ok("GET", "/v1/groups/billing/offsets?topic=orders")["offsets"]}[2],
           0, "lag clamps at 0")
        self.ok("PUT", "/v1/groups/billing/offsets", {"topic": "orders", "offsets": [{"partition": 2, "offset": 1,
                                                                                      "metadata": "host-b"}]}, 204)
        alltopics = self.ok("GET", "/v1/groups/billing/offsets")
        eq([t["topic"] for t in alltopics["topics"]], ["orders"])
        self.error("PUT", "/v1/groups/billing/offsets", {"topic": "orders", "offsets": [{"partition": 0, "offset": -1}]},
                   400, "invalid_request")
        self.error("PUT", "/v1/groups/billing/offsets", {"topic": "orders", "offsets": [{"partition": 6, "offset": 0}]},
                   404, "partition_not_found")
        self.error("PUT", "/v1/groups/billing/offsets", {"topic": "nope", "offsets": [{"partition": 0, "offset": 0}]},
                   404, "topic_not_found")
        self.error("PUT", "/v1/groups/bad%20name/offsets", {"topic": "orders", "offsets": []}, 400, "invalid_group_id")
        g = self.ok("GET", "/v1/groups/billing")
        eq((g["state"], g["topics"], g["members"]), ("Empty", ["orders"], []))
        self.error("GET", "/v1/groups/never", None, 404, "group_not_found")
        eq(self.ok("GET", "/v1/groups/never/offsets?topic=orders")["offsets"][0]["offset"], None)
        eq([g["group"] for g in self.ok("GET", "/v1/groups")["groups"]], ["billing"])

    def other_tenant(self):
        """A client signed with a second tenant's key, made by `spoold admin` against the
        running server's data dir. Keys are picked up within 2 s, so poll (bounded)."""
        p = subprocess.run([self.server.binary, "admin", "tenant", "create", "--name", "other",
                            "--data-dir", self.server.data_dir], capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, "spoold admin tenant create (%s)" % p.stderr)
        made = dict(line.split(": ", 1) for line in p.stdout.splitlines() if ": " in line)
        if made["account_id"] == ACCOUNT:
            raise AssertionError("the new tenant got the default account id")
        other = TopicsClient(self.server.endpoint, made["access_key_id"], made["secret_access_key"])
        deadline = time.monotonic() + 5
        while True:
            st, reply, _ = other.call("GET", "/v1/topics")
            if st != 401 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        eq(st, 200, "the new key after %r" % reply)
        return other, reply

    def test_another_tenant_sees_none_of_these_topics(self):
        other, listed = self.other_tenant()
        eq(listed, {"topics": [], "next_token": None}, "other tenant's topic list")
        eq(self.ok("GET", "/v1/groups/billing")["topics"], ["orders"])  # exists for the default tenant
        hwm = {p["partition"]: p["high_watermark"] for p in self.ok("GET", "/v1/topics/orders")["partitions"]}

        def refused(method, path, body=None):
            st, reply, _ = other.call(method, path, body)
            eq((st, reply["error_code"], reply["message"]), (404, "topic_not_found", "topic orders does not exist"),
               "other tenant: %s %s" % (method, path))
        refused("GET", "/v1/topics/orders")
        refused("GET", "/v1/topics/orders/partitions/2")
        refused("POST", "/v1/topics/orders/records", {"records": [{"value": "intruder"}]})
        refused("POST", "/v1/topics/orders/partitions/2/records", {"records": [{"value": "intruder"}]})
        refused("GET", "/v1/topics/orders/partitions/2/records?offset=0")
        refused("PUT", "/v1/groups/billing/offsets", {"topic": "orders", "offsets": [{"partition": 2, "offset": 0}]})
        st, reply, _ = other.call("GET", "/v1/groups/billing")
        eq((st, reply["error_code"]), (404, "group_not_found"), "other tenant: describe the default's group")
        st, reply, _ = other.call("GET", "/v1/groups")
        eq((st, reply["groups"]), (200, []), "other tenant's groups")

        # The same name, created by the other tenant, is a topic of its own.
        st, mine, _ = other.call("POST", "/v1/topics", {"name": "orders", "partitions": 1})
        eq((st, mine["partition_count"], mine["partitions"][0]["high_watermark"]), (201, 1, 0), "other's orders")
        st, reply, _ = other.call("POST", "/v1/topics/orders/records", {"records": [{"value": "theirs"}]})
        eq((st, [(r["partition"], r["offset"]) for r in reply["results"]]), (200, [(0, 0)]), "other's produce")
        st, reply, _ = other.call("GET", "/v1/topics/orders/partitions/0/records?offset=0")
        eq((st, [r["value"] for r in reply["records"]], reply["high_watermark"]), (200, ["theirs"], 1),
           "other's fetch")
        st, _, _ = other.call("PUT", "/v1/groups/billing/offsets",
                              {"topic": "orders", "offsets": [{"partition": 0, "offset": 1, "metadata": "theirs"}]})
        eq(st, 204, "other's commit")
        st, reply, _ = other.call("GET", "/v1/topics")
        eq((st, [t["name"] for t in reply["topics"]]), (200, ["orders"]), "other's list")

        # Nothing of it reached the default tenant's topic or group.
        mine_now = self.ok("GET", "/v1/topics/orders")
        eq((mine_now["partition_count"], {p["partition"]: p["high_watermark"] for p in mine_now["partitions"]}),
           (6, hwm), "default tenant's orders after the other's produce")
        f = self.ok("GET", "/v1/topics/orders/partitions/0/records?offset=0")
        eq("theirs" in [r["value"] for r in f["records"]], False, "the other's record in the default's partition 0")
        by = {o["partition"]: o for o in self.ok("GET", "/v1/groups/billing/offsets?topic=orders")["offsets"]}
        eq((by[0]["offset"], by[2]["metadata"]), (None, "host-b"), "default tenant's billing offsets")
        eq([t["name"] for t in self.ok("GET", "/v1/topics?prefix=orders")["topics"]], ["orders", "orders-eu"])

    def test_retention_by_bytes_moves_the_log_start(self):
        self.ok("POST", "/v1/topics", {"name": "retained", "config": {"segment.bytes": 1048576}}, 201)
        value = "r" * 1000
        for batch in range(8):  # 4,000 records of 1,000 bytes: about 4 MB, 4 segments
            self.ok("POST", "/v1/topics/retained/records", {"records": [{"value": value}] * 500})
        before = self.ok("GET", "/v1/topics/retained/partitions/0")
        if before["segments"] < 4:
            raise AssertionError("expected >= 4 segments, got %r" % before)
        after = self.ok("PATCH", "/v1/topics/retained", {"config": {"retention.bytes": 1048576}})
        eq(after["config"]["retention.bytes"], 1048576)
        p = after["partitions"][0]
        if not (p["log_start_offset"] > 0 and p["segments"] < before["segments"] and p["size_bytes"] >= 1048576):
            raise AssertionError("retention did not apply: %r" % p)
        eq(p["high_watermark"], 4000)
        r = self.error("GET", "/v1/topics/retained/partitions/0/records?offset=0", None, 416, "offset_out_of_range")
        eq((r["log_start_offset"], r["high_watermark"]), (p["log_start_offset"], 4000))
        f = self.ok("GET", "/v1/topics/retained/partitions/0/records?offset=earliest&max_records=1")
        eq(f["records"][0]["offset"], p["log_start_offset"])
        self.retained_start = p["log_start_offset"]

    def test_alter_partitions(self):
        t = self.ok("PATCH", "/v1/topics/orders-eu", {"partitions": 3})
        eq((t["partition_count"], t["warning"]), (3, "adding partitions moves keys to other partitions"))
        self.error("PATCH", "/v1/topics/orders-eu", {"partitions": 2}, 400, "invalid_partitions")
        eq(self.ok("POST", "/v1/topics/orders-eu/partitions/2/records", {"records": [{"value": "x"}]})
           ["results"][0]["offset"], 0)

    def test_metrics_show_end_offsets_bytes_and_lag(self):
        deadline = time.monotonic() + 10
        want = ['spool_topic_high_watermark{account="%s",partition="1",topic="batched"} 1000' % ACCOUNT,
                'spool_group_lag{account="%s",group="billing",partition="2",topic="orders"}' % ACCOUNT,
                'spool_topic_bytes{account="%s",partition="0",topic="retained"}' % ACCOUNT]
        text = ""
        while time.monotonic() < deadline:
            with urllib.request.urlopen(self.server.endpoint + "/metrics", timeout=5) as r:
                text = r.read().decode()
            if all(w in text for w in want):
                return
            time.sleep(0.2)
        raise AssertionError("metrics missing: %r" % [w for w in want if w not in text])

    def test_everything_survives_a_restart(self):
        before = {t: self.ok("GET", "/v1/topics/" + t) for t in ("orders", "batched", "retained")}
        code = self.server.stop()
        eq(code, 0, "spoold exit code on SIGTERM")
        self.server.start()
        for name, t in before.items():
            now = self.ok("GET", "/v1/topics/" + name)
            eq(now["partitions"], t["partitions"], "partitions of " + name)
            eq(now["config"], t["config"], "config of " + name)
        got = {o["partition"]: o for o in self.ok("GET", "/v1/groups/billing/offsets?topic=orders")["offsets"]}
        eq((got[2]["offset"], got[2]["metadata"], got[3]["offset"]), (1, "host-b", 0))
        f = self.ok("GET", "/v1/topics/batched/partitions/1/records?offset=998")
        eq([(r["offset"], r["value"]) for r in f["records"]], [(998, "v0998"), (999, "v0999")])
        eq(self.ok("POST", "/v1/topics/batched/partitions/1/records", {"records": [{"value": "after"}]})
           ["results"][0]["offset"], 1000)

    def test_delete_and_recreate_starts_clean(self):
        old = self.ok("GET", "/v1/topics/orders")
        st, _, _ = self.c.call("DELETE", "/v1/topics/orders")
        eq(st, 204, "delete")
        self.error("GET", "/v1/topics/orders", None, 404, "topic_not_found")
        self.error("GET", "/v1/topics/orders/partitions/2/records?offset=0", None, 404, "topic_not_found")
        new = self.ok("POST", "/v1/topics", {"name": "orders", "partitions": 6}, 201)
        if new["id"] == old["id"]:
            raise AssertionError("a re-created topic must get a new id")
        eq({p["high_watermark"] for p in new["partitions"]}, {0})
        eq([o["offset"] for o in self.ok("GET", "/v1/groups/billing/offsets?topic=orders")["offsets"]], [None] * 6)


def main():
    run_suite(Suite, "spool-topics-")


if __name__ == "__main__":
    main()
