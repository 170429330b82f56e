#!/usr/bin/env python3
"""Terraform conformance: applies terraform/standard_queues and terraform/fifo_dlq
against one private spoold.

Steps for each configuration (each bounded by a timeout): `terraform init` from the
filesystem mirror /opt/tf-plugins, `apply -auto-approve`, read every queue's attributes,
tags and policies back over the SQS API (boto3) and compare them with what the
configuration sets, `plan -detailed-exitcode` must report no changes (exit 0),
`destroy -auto-approve`, and the queues must be gone.

Where the wall time goes (TF_LOG=TRACE, hashicorp/aws 5.100.0 on this 2-core machine):
spoold answers every request in milliseconds. Each resource create or delete waits
~25 s in the provider (it re-reads the attributes until they read back equal several
times in a row; aws_sqs_queue_redrive_policy and _redrive_allow_policy do the same on
create and on destroy), and each terraform command spends 20-40 s before its first
request, starting and configuring the provider (CPU-bound: the provider's schemas; a
provider started once and reattached with TF_REATTACH_PROVIDERS saved nothing). Neither
is spoold's, so the two configurations run at the same time, each in its own thread and
directory with its own init from the shared mirror, against the same spoold: their
waits overlap instead of adding up.

Usage: terraform_test.py --spoold PATH [--only standard_queues|fifo_dlq] [--keep]

Exit codes: 0 all checks passed, 1 a check failed, 77 skipped (terraform, the provider
mirror or boto3 missing, and CI is not "true"; with CI=true a missing tool fails).
The last line printed is `N passed, M failed`.
"""

import argparse
import json
import os
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

SKIP = 77
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIRROR = "/opt/tf-plugins"
PROVIDER_DIR = os.path.join(MIRROR, "registry.terraform.io", "hashicorp", "aws")
REGION = "us-east-1"
ACCOUNT = "000000000000"

# What terraform/standard_queues/main.tf sets; keep the two in step.
EXPECTED = {
    "orders": {
        "attributes": {
            "VisibilityTimeout": "45",
            "MessageRetentionPeriod": "86400",
            "DelaySeconds": "5",
            "MaximumMessageSize": "131072",
            "ReceiveMessageWaitTimeSeconds": "10",
            "SqsManagedSseEnabled": "false",
        },
        "tags": {"team": "payments", "environment": "test"},
        "policy": {
            "Version": "2012-10-17",
            "Id": "orders-policy",
            "Statement": [{
                "Sid": "AllowSendFromAccount",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes"],
                "Resource": None,  # filled in: the queue's ARN
            }],
        },
    },
    "events": {
        "attributes": {
            "VisibilityTimeout": "120",
            "MessageRetentionPeriod": "1209600",
            "DelaySeconds": "0",
            "MaximumMessageSize": "2048",
            "ReceiveMessageWaitTimeSeconds": "20",
            "SqsManagedSseEnabled": "true",
        },
        "tags": {"team": "platform", "purpose": "fan-in"},
        "policy": None,
    },
    "audit": {
        "attributes": {
            "KmsMasterKeyId": "alias/aws/sqs",
            "KmsDataKeyReusePeriodSeconds": "600",
            "VisibilityTimeout": "0",
            "MessageRetentionPeriod": "60",
        },
        "tags": {"team": "security"},
        "policy": None,
    },
}

# The in-place update step re-applies with these variables; the orders queue must then
# read back with UPDATED merged over its EXPECTED entry.
UPDATE_VARS = {
    "TF_VAR_orders_visibility_timeout": "60",
    "TF_VAR_orders_tags": '{team = "payments", tier = "gold"}',
}
UPDATED = {"orders": {"attributes": {"VisibilityTimeout": "60"},
                      "tags": {"team": "payments", "tier": "gold"}}}

# What terraform/fifo_dlq/main.tf sets (queue name suffix -> expected state); keep the
# two in step. "redrive" and "allow" are the RedrivePolicy and RedriveAllowPolicy JSON
# documents; the ARNs in them are filled in from the name prefix (see fifo_expected()).
FIFO_EXPECTED = {
    "orders.fifo": {
        "attributes": {
            "FifoQueue": "true",
            "ContentBasedDeduplication": "true",
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
            "VisibilityTimeout": "60",
            "MessageRetentionPeriod": "86400",
        },
        "tags": {"team": "payments"},
        "redrive": {"deadLetterTargetArn": "orders-dlq.fifo", "maxReceiveCount": 4},
        "allow": None,
    },
    "orders-dlq.fifo": {
        "attributes": {
            "FifoQueue": "true",
            "ContentBasedDeduplication": "false",
            "DeduplicationScope": "queue",
            "FifoThroughputLimit": "perQueue",
            "MessageRetentionPeriod": "1209600",
        },
        "tags": {},
        "redrive": None,
        "allow": {"redrivePermission": "byQueue", "sourceQueueArns": ["orders.fifo"]},
    },
    "jobs-dlq": {
        "attributes": {"VisibilityTimeout": "30"},
        "tags": {},
        "redrive": None,
        "allow": {"redrivePermission": "allowAll"},
    },
    "jobs": {
        "attributes": {"VisibilityTimeout": "30"},
        "tags": {},
        "redrive": {"deadLetterTargetArn": "jobs-dlq", "maxReceiveCount": 10},
        "allow": None,
    },
}

passed = 0
failed = 0
_lock = threading.Lock()
_ctx = threading.local()  # .tag: the configuration a thread works on, prefixed to its lines


def log(msg):
    tag = getattr(_ctx, "tag", None)
    with _lock:
        print(f"[{tag}] {msg}" if tag else msg, flush=True)


def check(ok, what, detail=""):
    global passed, failed
    with _lock:
        if ok:
            passed += 1
        else:
            failed += 1
    log(f"PASS {what}" if ok else f"FAIL {what}" + (f": {detail}" if detail else ""))
    return ok


def finish(code=None):
    log(f"{passed} passed, {failed} failed")
    sys.exit(code if code is not None else (0 if failed == 0 else 1))


def skip_or_fail(reason):
    if os.environ.get("CI", "").lower() == "true":
        log(f"FAIL prerequisites: {reason} (CI=true, so this is a failure, not a skip)")
        global failed
        failed += 1
        finish(1)
    log(f"SKIP: {reason}")
    finish(SKIP)


# ---------------------------------------------------------------------------- spoold

# ------------------------------------------------------------------------- terraform

def run_tf(args, cwd, env, timeout, log_dir, step):
    """Runs terraform with a timeout; returns (exit code or None on timeout, output)."""
    step = f"{_ctx.tag}-{step}" if getattr(_ctx, "tag", None) else step
    out_path = os.path.join(log_dir, f"{step}.out")
    env = dict(env)
    env["TF_LOG"] = "DEBUG"
    env["TF_LOG_PATH"] = os.path.join(log_dir, f"{step}.tflog")
    start = time.monotonic()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(["terraform"] + args, cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            code = None
    with open(out_path, "r", errors="replace") as f:
        output = f.read()
    took = time.monotonic() - start
    log(f"terraform {' '.join(args[:1])}: exit {code if code is not None else 'TIMEOUT'} "
        f"after {took:.1f} s (log {env['TF_LOG_PATH']})")
    return code, output


def tail(text, lines=30):
    return "\n".join(text.rstrip().splitlines()[-lines:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spoold", required=True, help="path of the spoold binary")
    ap.add_argument("--only", action="append", choices=sorted(CONFIGS),
                    help="run only this configuration (repeatable); default: all, concurrently")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--no-update", action="store_true",
                    help="skip the in-place update step (re-apply with changed variables)")
    args = ap.parse_args()

    if shutil.which("terraform") is None:
        skip_or_fail("terraform is not on PATH")
    if not os.path.isdir(PROVIDER_DIR) or not os.listdir(PROVIDER_DIR):
        skip_or_fail(f"no hashicorp/aws provider under the mirror {MIRROR}")
    try:
        import boto3  # noqa: F401
        import botocore  # noqa: F401
    except ImportError:
        skip_or_fail(f"boto3 is not importable by {sys.executable}")
    if not os.access(args.spoold, os.X_OK):
        log(f"FAIL spoold binary {args.spoold} is not executable")
        global failed
        failed += 1
        finish(1)

    work = tempfile.mkdtemp(prefix="spool-tf-")
    os.chmod(work, 0o755)
    data_dir = os.path.join(work, "data")
    os.mkdir(data_dir)
    os.chmod(data_dir, 0o755)
    cli_config = os.path.join(work, "terraformrc")
    with open(cli_config, "w") as f:
        f.write('provider_installation {\n'
                f'  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n')
    log(f"work directory {work}")

    spoold = Spoold(args.spoold, data_dir, os.path.join(work, "spoold.log"))
    try:
        t0 = time.monotonic()
        spoold.start()
        log(f"spoold ready at {spoold.endpoint} after {time.monotonic() - t0:.1f} s")
        run_configurations(args.only or sorted(CONFIGS), spoold, cli_config, work, not args.no_update)
    except Exception as e:  # a harness error is a failure, not a crash
        check(False, "harness", repr(e))
    finally:
        spoold.stop()
        if failed:
            log("spoold output (tail):\n" + spoold.output_tail())
        if args.keep or failed:
            log(f"kept {work} (terraform output *.out, TF_LOG=DEBUG logs *.tflog, spoold.log)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    finish()


def run_configurations(names, spoold, cli_config, work, update):
    """Runs each configuration's scenario in its own thread (see the module comment)."""
    def one(name):
        _ctx.tag = name
        tf_dir = os.path.join(work, f"tf-{name}")
        shutil.copytree(os.path.join(REPO, "terraform", name), tf_dir,
                        ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl"))
        t0 = time.monotonic()
        try:
            CONFIGS[name](spoold, tf_dir, cli_config, work, update)
        except Exception as e:  # a harness error is a failure, not a crash
            check(False, "harness", repr(e))
        log(f"scenario took {time.monotonic() - t0:.1f} s")

    threads = [threading.Thread(target=one, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def tf_env(spoold, cli_config, prefix):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "TF_CLI_CONFIG_FILE": cli_config,
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "TF_VAR_endpoint": spoold.endpoint,
        "TF_VAR_region": REGION,
        "TF_VAR_access_key": "test",
        "TF_VAR_secret_key": "test",
        "TF_VAR_name_prefix": prefix,
    })
    env.pop("TF_PLUGIN_CACHE_DIR", None)
    return env


def sqs_client(spoold):
    import boto3
    import botocore.config
    return boto3.client("sqs", endpoint_url=spoold.endpoint, region_name=REGION,
                       aws_access_key_id="test", aws_secret_access_key="test",
                       config=botocore.config.Config(retries={"total_max_attempts": 2},
                                                     connect_timeout=5, read_timeout=30))


def init(tf_dir, env, work):
    code, out = run_tf(["init", "-no-color", "-input=false"], tf_dir, env, 180, work, "init")
    if not check(code == 0, "terraform init from the mirror", tail(out)):
        return False
    lock = os.path.join(tf_dir, ".terraform.lock.hcl")
    if os.path.exists(lock):
        with open(lock) as f:
            versions = [l.split('"')[1] for l in f if l.strip().startswith("version")]
        log(f"provider hashicorp/aws {', '.join(versions)}")
    return True


def scenario(spoold, tf_dir, cli_config, work, update):
    import botocore.exceptions

    prefix = f"tf{os.getpid()}"
    env = tf_env(spoold, cli_config, prefix)
    sqs = sqs_client(spoold)
    if not init(tf_dir, env, work):
        return False

    code, out = run_tf(["apply", "-auto-approve", "-no-color", "-input=false"],
                       tf_dir, env, 600, work, "apply")
    applied = check(code == 0, "terraform apply", tail(out))

    code_o, out_o = run_tf(["output", "-json", "-no-color"], tf_dir, env, 60, work, "output")
    outputs = {}
    if code_o == 0:
        try:
            outputs = {k: v["value"] for k, v in json.loads(out_o).items()}
        except (ValueError, KeyError, TypeError):
            outputs = {}
    if applied:
        check(all(f"{q}_queue_{k}" in outputs for q in EXPECTED for k in ("url", "arn")),
              "outputs carry both queues' URL and ARN", repr(outputs))

    urls = {}
    for q in EXPECTED:
        name = f"{prefix}-{q}"
        try:
            urls[q] = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        except botocore.exceptions.ClientError as e:
            check(False, f"{name} exists after apply", str(e))
            continue
        if f"{q}_queue_url" in outputs:
            check(outputs[f"{q}_queue_url"] == urls[q], f"{name}: output URL is the queue's URL",
                  f"output {outputs[f'{q}_queue_url']!r}, GetQueueUrl {urls[q]!r}")
        verify_queue(sqs, q, name, urls[q], outputs)

    if applied:
        code, out = run_tf(["plan", "-detailed-exitcode", "-no-color", "-input=false"],
                           tf_dir, env, 300, work, "plan")
        check(code == 0, "plan after apply shows no changes (exit 0)",
              f"exit {code}\n" + plan_summary(out))

    if applied and update and "orders" in urls:
        # In place: SetQueueAttributes(VisibilityTimeout), TagQueue(tier), UntagQueue(environment).
        env2 = dict(env)
        env2.update(UPDATE_VARS)
        code, out = run_tf(["apply", "-auto-approve", "-no-color", "-input=false"],
                           tf_dir, env2, 600, work, "apply-update")
        if check(code == 0, "terraform apply of an in-place update", tail(out)):
            check("0 added, 1 changed, 0 destroyed" in out, "the update changed the queue in place",
                  plan_summary(out))
            verify_queue(sqs, "orders", f"{prefix}-orders", urls["orders"], outputs,
                         UPDATED["orders"])
            code, out = run_tf(["plan", "-detailed-exitcode", "-no-color", "-input=false"],
                               tf_dir, env2, 300, work, "plan-update")
            check(code == 0, "plan after the update shows no changes (exit 0)",
                  f"exit {code}\n" + plan_summary(out))

    code, out = run_tf(["destroy", "-auto-approve", "-no-color", "-input=false"],
                       tf_dir, env, 600, work, "destroy")
    check(code == 0, "terraform destroy", tail(out))
    for q in EXPECTED:
        name = f"{prefix}-{q}"
        try:
            sqs.get_queue_url(QueueName=name)
            check(False, f"{name} gone after destroy", "GetQueueUrl still answers")
        except botocore.exceptions.ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            check("NonExistentQueue" in code or "QueueDoesNotExist" in code,
                  f"{name} gone after destroy", f"error code {code!r}")
    listed = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    check(listed == [], "ListQueues shows none of the configuration's queues", repr(listed))
    return failed == 0


def plan_summary(out):
    lines = out.splitlines()
    keep = [l for l in lines if l.strip().startswith(("~", "+", "-", "#", "Plan:", "Error"))
            or "->" in l]
    return "\n".join(keep[:60]) if keep else tail(out)


def verify_queue(sqs, q, name, url, outputs, update=None):
    want = {"attributes": dict(EXPECTED[q]["attributes"]), "tags": EXPECTED[q]["tags"],
            "policy": EXPECTED[q]["policy"]}
    if update:
        want["attributes"].update(update.get("attributes", {}))
        want["tags"] = update.get("tags", want["tags"])
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    for key, value in want["attributes"].items():
        check(attrs.get(key) == value, f"{name}: {key} = {value}", f"read back {attrs.get(key)!r}")
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
    check(attrs.get("QueueArn") == arn, f"{name}: QueueArn", f"read back {attrs.get('QueueArn')!r}")
    if f"{q}_queue_arn" in outputs:
        check(outputs[f"{q}_queue_arn"] == arn, f"{name}: output ARN",
              f"output {outputs[f'{q}_queue_arn']!r}")
    tags = sqs.list_queue_tags(QueueUrl=url).get("Tags", {})
    check(tags == want["tags"], f"{name}: tags", f"read back {tags!r}")
    if want["policy"] is None:
        check("Policy" not in attrs or attrs["Policy"] == "", f"{name}: no Policy",
              f"read back {attrs.get('Policy')!r}")
        return
    expected_policy = json.loads(json.dumps(want["policy"]))
    for st in expected_policy["Statement"]:
        if st.get("Resource") is None:
            st["Resource"] = arn
    raw = attrs.get("Policy")
    try:
        got = json.loads(raw) if raw else None
    except ValueError:
        got = None
    check(got == expected_policy, f"{name}: Policy is the configured JSON document",
          f"read back {raw!r}")


def fifo_expected(prefix):
    """FIFO_EXPECTED with full queue names and ARNs for `prefix`."""
    arn = lambda suffix: f"arn:aws:sqs:{REGION}:{ACCOUNT}:{prefix}-{suffix}"  # noqa: E731
    out = {}
    for suffix, want in FIFO_EXPECTED.items():
        want = json.loads(json.dumps(want))
        if want["redrive"]:
            want["redrive"]["deadLetterTargetArn"] = arn(want["redrive"]["deadLetterTargetArn"])
        if want["allow"] and "sourceQueueArns" in want["allow"]:
            want["allow"]["sourceQueueArns"] = [arn(q) for q in want["allow"]["sourceQueueArns"]]
        out[f"{prefix}-{suffix}"] = want
    return out


def json_attribute(attrs, name):
    raw = attrs.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return f"(not JSON) {raw!r}"


def scenario_fifo(spoold, tf_dir, cli_config, work, update):
    """terraform/fifo_dlq: a FIFO queue and its FIFO DLQ wired with
    aws_sqs_queue_redrive_policy and aws_sqs_queue_redrive_allow_policy, and a standard
    pair with both policies inline."""
    import botocore.exceptions

    prefix = f"ff{os.getpid()}"  # not a prefix of the standard configuration's names
    env = tf_env(spoold, cli_config, prefix)
    sqs = sqs_client(spoold)
    expected = fifo_expected(prefix)
    if not init(tf_dir, env, work):
        return

    code, out = run_tf(["apply", "-auto-approve", "-no-color", "-input=false"], tf_dir, env, 600, work, "apply")
    applied = check(code == 0, "terraform apply", tail(out))

    urls = {}
    for name, want in expected.items():
        try:
            urls[name] = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        except botocore.exceptions.ClientError as e:
            check(False, f"{name} exists after apply", str(e))
            continue
        attrs = sqs.get_queue_attributes(QueueUrl=urls[name], AttributeNames=["All"])["Attributes"]
        for key, value in want["attributes"].items():
            check(attrs.get(key) == value, f"{name}: {key} = {value}", f"read back {attrs.get(key)!r}")
        check(attrs.get("QueueArn") == f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}", f"{name}: QueueArn",
              f"read back {attrs.get('QueueArn')!r}")
        for attr, key in (("RedrivePolicy", "redrive"), ("RedriveAllowPolicy", "allow")):
            got = json_attribute(attrs, attr)
            check(got == want[key], f"{name}: {attr} = {want[key]}", f"read back {attrs.get(attr)!r}")
        tags = sqs.list_queue_tags(QueueUrl=urls[name]).get("Tags", {})
        check(tags == want["tags"], f"{name}: tags", f"read back {tags!r}")

    orders, dlq = f"{prefix}-orders.fifo", f"{prefix}-orders-dlq.fifo"
    if orders in urls and dlq in urls:
        listed = sqs.list_dead_letter_source_queues(QueueUrl=urls[dlq]).get("queueUrls", [])
        check(listed == [urls[orders]], "ListDeadLetterSourceQueues(orders DLQ) is the orders queue", repr(listed))
        # The policies Terraform set are in force: the 5th receive (maxReceiveCount 4)
        # moves the message to the DLQ.
        sent = sqs.send_message(QueueUrl=urls[orders], MessageBody="tf-redrive", MessageGroupId="g")
        counts = []
        for _ in range(5):
            got = sqs.receive_message(QueueUrl=urls[orders], VisibilityTimeout=0, AttributeNames=["All"],
                                      WaitTimeSeconds=1).get("Messages", [])
            counts.append(got[0]["Attributes"]["ApproximateReceiveCount"] if got else None)
        check(counts == ["1", "2", "3", "4", None], "orders: four deliveries, then redriven", repr(counts))
        moved, deadline = [], time.monotonic() + 5
        while not moved and time.monotonic() < deadline:
            moved = sqs.receive_message(QueueUrl=urls[dlq], VisibilityTimeout=600, WaitTimeSeconds=1,
                                        AttributeNames=["All"]).get("Messages", [])
        check([(m["MessageId"], m["Attributes"].get("DeadLetterQueueSourceArn")) for m in moved]
              == [(sent["MessageId"], f"arn:aws:sqs:{REGION}:{ACCOUNT}:{orders}")],
              "the message is in the orders DLQ with DeadLetterQueueSourceArn", repr(moved))

    if applied:
        code, out = run_tf(["plan", "-detailed-exitcode", "-no-color", "-input=false"], tf_dir, env, 300, work,
                           "plan")
        check(code == 0, "plan after apply shows no changes (exit 0)", f"exit {code}\n" + plan_summary(out))

    code, out = run_tf(["destroy", "-auto-approve", "-no-color", "-input=false"], tf_dir, env, 600, work, "destroy")
    check(code == 0, "terraform destroy", tail(out))
    listed = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    check(listed == [], "ListQueues shows none of the configuration's queues", repr(listed))


CONFIGS = {"standard_queues": scenario, "fifo_dlq": scenario_fifo}


if __name__ == "__main__":
    main()
