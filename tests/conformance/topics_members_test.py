#!/usr/bin/env python3
"""Managed consumer-group membership over HTTP against a real spoold (spec/topics-api.md
section 7): join, fenced hand-over, commit rules, leave, session expiry, restart.

Starts one spoold (embedded PostgreSQL) on a temporary data directory and runs the
checks below in order (later ones build on earlier state), with SigV4-signed requests.
Waits are bounded polls, never fixed sleeps that a slow machine could outrun.

Usage: topics_members_test.py --spoold PATH [--keep]
Last line: `N passed, M failed`. Exit 0 when all passed.
"""

import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spoold_process import run_suite  # noqa: E402
from topics_client import TopicsClient, eq  # noqa: E402

ACCOUNT = "000000000000"


def partitions_of(reply, topic="orders"):
    """{partition: offset} of a join/heartbeat reply's assignment for `topic`."""
    for t in reply["assignment"]:
        if t["topic"] == topic:
            return {p["partition"]: p["offset"] for p in t["partitions"]}
    return {}


def revoked_of(reply, topic="orders"):
    for t in reply["revoked"]:
        if t["topic"] == topic:
            return t["partitions"]
    return []


class Suite:
    def __init__(self, server):
        self.server = server
        self.c = TopicsClient(server.endpoint)

    def ok(self, method, path, body=None, status=200, client=None):
        st, reply, _ = (client or self.c).call(method, path, body)
        eq(st, status, "%s %s -> %r" % (method, path, reply))
        return reply

    def error(self, method, path, body, status, code, client=None):
        st, reply, _ = (client or self.c).call(method, path, body)
        eq((st, reply and reply.get("error_code")), (status, code), "%s %s (%r)" % (method, path, reply))
        return reply

    def join(self, group, body, client=None):
        return self.ok("POST", "/v1/groups/%s/members" % group, body, 201, client)

    def beat(self, group, member, owned=None):
        body = {} if owned is None else {"owned": [{"topic": "orders", "partitions": owned}]}
        return self.ok("POST", "/v1/groups/%s/members/%s/heartbeat" % (group, member), body)

    def commit(self, group, member, partition, offset):
        body = {"topic": "orders", "offsets": [{"partition": partition, "offset": offset}]}
        if member is not None:
            body["member_id"] = member
        return self.c.call("PUT", "/v1/groups/%s/offsets" % group, body)

    # --- checks, in order -----------------------------------------------------------

    def test_two_members_split_four_partitions_after_a_fenced_hand_over(self):
        self.ok("POST", "/v1/topics", {"name": "orders", "partitions": 4}, 201)
        self.ok("POST", "/v1/topics/orders/partitions/2/records", {"records": [{"value": "a"}, {"value": "b"}]})
        a = self.join("billing", {"topics": ["orders"], "client_id": "worker-a", "auto_offset_reset": "earliest"})
        eq(a["member_id"][:2], "m-", "member id")
        eq((a["generation"], a["session_timeout_ms"], a["heartbeat_interval_ms"], a["revoked"]),
           (1, 30000, 3000, []), "first join")
        eq(partitions_of(a), {0: 0, 1: 0, 2: 0, 3: 0}, "the first member gets everything, from earliest")
        self.a = a["member_id"]

        b = self.join("billing", {"topics": ["orders"], "client_id": "worker-b", "session_timeout_ms": 60000})
        self.b = b["member_id"]
        eq((b["generation"], b["heartbeat_interval_ms"], partitions_of(b)), (2, 6000, {}), "second join: nothing yet")
        g = self.ok("GET", "/v1/groups/billing")
        eq((g["state"], g["generation"], g["topics"]), ("Reconciling", 2, ["orders"]), "describe while reconciling")

        # Each keeps its two lowest owned, so A keeps 0 and 1 and gives up 2 and 3.
        ra = self.beat("billing", self.a)
        eq((partitions_of(ra), revoked_of(ra)), ({0: 0, 1: 0}, [2, 3]), "A's revocation")
        eq(partitions_of(self.beat("billing", self.b)), {}, "B before A releases")
        r = self.error("PUT", "/v1/groups/billing/offsets",
                       {"topic": "orders", "member_id": self.b, "offsets": [{"partition": 2, "offset": 1}]},
                       409, "partition_not_assigned")
        eq(r["partition"], 2, "details name the partition")
        self.error("GET", "/v1/topics/orders/partitions/2/records?offset=0&group=billing&member_id=" + self.b,
                   None, 409, "partition_not_assigned")

        # A finishes partition 2 (commits it) and releases both; B gets them with that offset.
        st, _, _ = self.commit("billing", self.a, 2, 1)
        eq(st, 204, "A commits a partition it is giving up")
        ra = self.beat("billing", self.a, owned=[0, 1])
        eq((partitions_of(ra), revoked_of(ra)), ({0: 0, 1: 0}, []), "A after releasing")
        rb = self.beat("billing", self.b)
        eq((rb["generation"], partitions_of(rb)), (2, {2: 1, 3: 0}), "B after the hand-over")
        f = self.ok("GET", "/v1/topics/orders/partitions/2/records?offset=1&group=billing&member_id=" + self.b)
        eq([x["value"] for x in f["records"]], ["b"], "B's fetch as the owner")
        self.error("GET", "/v1/topics/orders/partitions/2/records?offset=0&group=billing&member_id=" + self.a,
                   None, 409, "partition_not_assigned")

        g = self.ok("GET", "/v1/groups/billing")
        eq((g["state"], g["generation"]), ("Stable", 2), "describe when stable")
        by = {m["member_id"]: m for m in g["members"]}
        eq((by[self.a]["client_id"], by[self.a]["assignment"]), ("worker-a", [{"topic": "orders", "partitions": [0, 1]}]),
           "A in describe")
        eq(by[self.b]["assignment"], [{"topic": "orders", "partitions": [2, 3]}], "B in describe")
        if not isinstance(by[self.b]["last_seen"], int) or by[self.b]["last_seen"] < 1_700_000_000_000:
            raise AssertionError("last_seen %r" % by[self.b]["last_seen"])

    def test_multi_partition_fetch_refuses_partitions_the_member_does_not_own(self):
        # B owns 2 and 3 now (previous check). Partition 2 holds "a", "b"; B asks for 1 and 2.
        body = {"group": "billing", "member_id": self.b, "max_records": 10,
                "partitions": [{"topic": "orders", "partition": 1, "offset": 0},
                               {"topic": "orders", "partition": 2, "offset": 0}]}
        r = self.ok("POST", "/v1/fetch", body)
        eq([(p["partition"], p.get("error_code")) for p in r["partitions"]],
           [(1, "partition_not_assigned"), (2, None)], "one refused inline, one fetched")
        eq([x["value"] for x in r["partitions"][1]["records"]], ["a", "b"], "the owned partition's records")
        body["member_id"] = "m-0000000000000000"
        self.error("POST", "/v1/fetch", body, 404, "unknown_member")
        body["partitions"] = [{"topic": "orders", "partition": 0, "offset": 0}]
        body["member_id"] = self.b
        r = self.ok("POST", "/v1/fetch", body)
        eq([p.get("error_code") for p in r["partitions"]], ["partition_not_assigned"], "nothing owned")

    def test_commits_follow_membership(self):
        st, reply, _ = self.commit("billing", None, 0, 5)
        eq((st, reply["error_code"]), (409, "group_not_empty"), "stateless commit with live members")
        st, reply, _ = self.commit("billing", "m-0000000000000000", 0, 5)
        eq((st, reply["error_code"]), (404, "unknown_member"), "commit by a stranger")
        st, _, _ = self.commit("billing", self.b, 3, 7)
        eq(st, 204, "commit by the owner")
        self.error("DELETE", "/v1/groups/billing/offsets?topic=orders", None, 409, "group_not_empty")
        got = {o["partition"]: o["offset"] for o in self.ok("GET", "/v1/groups/billing/offsets?topic=orders")["offsets"]}
        eq(got, {0: None, 1: None, 2: 1, 3: 7}, "committed offsets")
        listed = {g["group"]: g for g in self.ok("GET", "/v1/groups")["groups"]}
        eq((listed["billing"]["state"], listed["billing"]["member_count"], listed["billing"]["topics"]),
           ("Stable", 2, ["orders"]), "list")
        self.error("POST", "/v1/groups/billing/members", {"topics": ["orders"], "session_timeout_ms": 5999}, 400,
                   "invalid_session_timeout")
        self.error("POST", "/v1/groups/billing/members", {"topics": ["nope"]}, 404, "topic_not_found")
        self.error("POST", "/v1/groups/billing/members", {"topics": ["orders"], "colour": 1}, 400, "invalid_request")
        self.error("POST", "/v1/groups/billing/members/m-nobody/heartbeat", {}, 404, "unknown_member")

    def test_leave_hands_everything_to_the_remaining_member(self):
        st, _, _ = self.c.call("DELETE", "/v1/groups/billing/members/" + self.a)
        eq(st, 204, "leave")
        self.error("DELETE", "/v1/groups/billing/members/" + self.a, None, 404, "unknown_member")
        rb = self.beat("billing", self.b)
        # 0 and 1 were never committed: B's reset is latest (the default), the high watermark 0.
        eq((rb["generation"], partitions_of(rb)), (3, {0: 0, 1: 0, 2: 1, 3: 7}), "B after A left")

    def test_an_expired_session_frees_its_partitions(self):
        # C joins with the shortest session (6 s), takes over 2 and 3 from B, then goes
        # quiet; B heartbeats every 0.5 s until it holds everything again.
        c = self.join("billing", {"topics": ["orders"], "session_timeout_ms": 6000})
        self.c_id = c["member_id"]
        eq((c["generation"], c["heartbeat_interval_ms"], partitions_of(c)), (4, 600, {}), "C's join")
        rb = self.beat("billing", self.b)
        eq((sorted(partitions_of(rb)), revoked_of(rb)), ([0, 1], [2, 3]), "B keeps its two lowest")
        self.beat("billing", self.b, owned=[0, 1])
        last_c = time.monotonic()
        rc = self.beat("billing", self.c_id)  # C's last contact
        eq(partitions_of(rc), {2: 1, 3: 7}, "C starts at B's commits")
        deadline = time.monotonic() + 30
        while True:
            rb = self.beat("billing", self.b)
            if sorted(partitions_of(rb)) == [0, 1, 2, 3]:
                break
            if time.monotonic() > deadline:
                raise AssertionError("B never got every partition back: %r" % rb)
            time.sleep(0.5)
        waited = time.monotonic() - last_c
        if waited < 5.9:
            raise AssertionError("C expired after %.2f s; its session is 6 s" % waited)
        eq((rb["generation"], partitions_of(rb)), (5, {0: 0, 1: 0, 2: 1, 3: 7}), "B after C expired")
        self.error("POST", "/v1/groups/billing/members/%s/heartbeat" % self.c_id, {}, 404, "unknown_member")

    def test_another_tenant_sees_no_members(self):
        p = subprocess.run([self.server.binary, "admin", "tenant", "create", "--name", "other",
                            "--data-dir", self.server.data_dir], capture_output=True, text=True, timeout=60)
        eq(p.returncode, 0, "spoold admin tenant create (%s)" % p.stderr)
        made = dict(line.split(": ", 1) for line in p.stdout.splitlines() if ": " in line)
        other = TopicsClient(self.server.endpoint, made["access_key_id"], made["secret_access_key"])
        deadline = time.monotonic() + 5
        while other.call("GET", "/v1/topics")[0] == 401 and time.monotonic() < deadline:
            time.sleep(0.1)
        self.error("GET", "/v1/groups/billing", None, 404, "group_not_found", client=other)
        self.error("POST", "/v1/groups/billing/members/%s/heartbeat" % self.b, {}, 404, "unknown_member",
                   client=other)
        self.error("DELETE", "/v1/groups/billing/members/" + self.b, None, 404, "unknown_member", client=other)
        self.error("POST", "/v1/groups/billing/members", {"topics": ["orders"]}, 404, "topic_not_found", client=other)
        eq(self.ok("GET", "/v1/groups", client=other)["groups"], [], "other tenant's groups")
        eq(self.ok("GET", "/v1/groups/billing")["members"][0]["member_id"], self.b, "ours is untouched")

    def test_metrics_count_members(self):
        want = 'spool_group_members{account="%s",group="billing"} 1' % ACCOUNT
        deadline = time.monotonic() + 10
        text = ""
        while time.monotonic() < deadline:
            with urllib.request.urlopen(self.server.endpoint + "/metrics", timeout=5) as r:
                text = r.read().decode()
            if want in text and 'spool_group_rebalances_total{account="%s",group="billing"} 5' % ACCOUNT in text:
                return
            time.sleep(0.2)
        raise AssertionError("metrics missing %r in:\n%s" % (want, "\n".join(
            line for line in text.splitlines() if line.startswith("spool_group_"))))

    def test_after_a_restart_members_rejoin_and_offsets_remain(self):
        eq(self.server.stop(), 0, "spoold exit code on SIGTERM")
        self.server.start()
        self.error("POST", "/v1/groups/billing/members/%s/heartbeat" % self.b, {}, 404, "unknown_member")
        st, reply, _ = self.commit("billing", self.b, 0, 1)
        eq((st, reply["error_code"]), (404, "unknown_member"), "commit by a member from before the restart")
        g = self.ok("GET", "/v1/groups/billing")
        eq((g["state"], g["members"], g["topics"]), ("Empty", [], ["orders"]), "describe after the restart")
        got = {o["partition"]: o["offset"] for o in self.ok("GET", "/v1/groups/billing/offsets?topic=orders")["offsets"]}
        eq(got, {0: None, 1: None, 2: 1, 3: 7}, "committed offsets after the restart")
        d = self.join("billing", {"topics": ["orders"], "auto_offset_reset": "none"})
        eq(partitions_of(d), {0: None, 1: None, 2: 1, 3: 7}, "a rejoin starts at the committed offsets")
        self.error("POST", "/v1/groups/billing/offsets/reset", {"topic": "orders", "to": "earliest"}, 409,
                   "group_not_empty")
        self.error("DELETE", "/v1/groups/billing", None, 409, "group_not_empty")
        st, _, _ = self.c.call("DELETE", "/v1/groups/billing/members/" + d["member_id"])
        eq(st, 204, "leave")
        st, _, _ = self.commit("billing", None, 0, 2)
        eq(st, 204, "a stateless commit once the group is empty again")

    def test_reset_and_delete_once_the_group_is_empty(self):
        dry = self.ok("POST", "/v1/groups/billing/offsets/reset",
                      {"topic": "orders", "partitions": [2, 3], "to": "latest", "dry_run": True})
        eq(dry, {"offsets": [{"partition": 2, "offset": 2}, {"partition": 3, "offset": 0}]}, "dry run")
        eq(self.ok("GET", "/v1/groups/billing/offsets?topic=orders")["offsets"][3]["offset"], 7, "dry run wrote nothing")
        done = self.ok("POST", "/v1/groups/billing/offsets/reset", {"topic": "orders", "to": {"offset": 1}})
        eq(done["offsets"], [{"partition": p, "offset": o} for p, o in [(0, 0), (1, 0), (2, 1), (3, 0)]],
           "to offset 1, clamped to each partition's log")
        self.error("POST", "/v1/groups/billing/offsets/reset", {"topic": "orders", "to": "middle"}, 400,
                   "invalid_request")
        st, _, _ = self.c.call("DELETE", "/v1/groups/billing")
        eq(st, 204, "delete group")
        self.error("GET", "/v1/groups/billing", None, 404, "group_not_found")
        self.error("DELETE", "/v1/groups/billing", None, 404, "group_not_found")


def main():
    run_suite(Suite, "spool-members-")


if __name__ == "__main__":
    main()
