#!/usr/bin/env python3
"""openapi.yaml against the generator, the SQS model, and a real spoold.

    python3 tests/conformance/openapi_test.py --spoold build/.../spoold
    python3 tests/conformance/openapi_test.py --no-server     # (a) and (b) only

(a) the committed openapi.yaml is byte for byte what scripts/gen_openapi.py renders now,
    and reading it back (a small reader for the emitted YAML subset) gives the same
    document;
(b) the document is well formed: every $ref resolves, every operation has responses,
    every action of botocore's SQS model has its operation with the model's input,
    output and errors, every reachable model shape has a matching schema, and schemas
    use only the keywords the validator below understands;
(c) boto3 (AWS JSON 1.0) drives a fresh spoold through 14 actions and one error; an
    `after-call.sqs` event hook captures each raw HTTP response, whose JSON body is
    validated against the action's 200 schema (or the SqsError schema). Validation is
    strict: an object schema with `properties` and no `additionalProperties` admits no
    other members, so a misspelled or unmodeled member is caught.

Standard library plus boto3 only. The last line is `N passed, M failed`; exit code 1 on
any failure.
"""

import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import gen_openapi as gen  # noqa: E402
import spoold_process  # noqa: E402

OPENAPI_PATH = os.path.join(ROOT, "openapi.yaml")
JSON_MEDIA = gen.JSON_MEDIA
REGION = "us-east-1"
ACCESS_KEY = "test"
SECRET_KEY = "test"

# Keywords the validator below implements (validation) or may ignore (annotation).
VALIDATING = {"$ref", "type", "properties", "required", "items", "additionalProperties",
              "enum", "allOf", "format", "pattern", "x-map-key"}
ANNOTATING = {"description", "example", "deprecated"}
FORMATS = {"byte", "int32", "int64"}


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   - %s" % name, flush=True)
        else:
            self.failed += 1
            self.failures.append((name, detail))
            print("FAIL - %s%s" % (name, (":\n       " + detail.replace("\n", "\n       ")) if detail else ""),
                  flush=True)
        return ok


# --------------------------------------------------------------------- JSON Schema subset

def resolve(doc, ref):
    if not ref.startswith("#/"):
        raise KeyError("external or malformed $ref %r" % ref)
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise KeyError("unresolvable $ref %r (at %r)" % (ref, part))
        node = node[part]
    return node


def validate(doc, schema, value, vpath="$", spath="", errors=None, strict=True):
    """Validates `value` against `schema` (the subset in VALIDATING); appends
    "value-path: problem [schema-path]" strings to `errors` and returns it."""
    if errors is None:
        errors = []

    def err(msg):
        errors.append("%s: %s [%s]" % (vpath, msg, spath or "(inline)"))

    if "$ref" in schema:
        return validate(doc, resolve(doc, schema["$ref"]), value, vpath, schema["$ref"], errors, strict)
    for i, sub in enumerate(schema.get("allOf", [])):
        validate(doc, sub, value, vpath, "%s/allOf/%d" % (spath, i), errors, strict)
    t = schema.get("type")
    type_ok = {
        None: lambda v: True,
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }[t]
    if not type_ok(value):
        err("expected %s, got %s %s" % (t, type(value).__name__, json.dumps(value)[:80]))
        return errors
    if "enum" in schema and value not in schema["enum"]:
        err("%s not in enum %s" % (json.dumps(value), schema["enum"]))
    fmt = schema.get("format")
    if fmt == "byte":
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            err("not base64: %r" % value[:80])
    elif fmt == "int32" and not -2**31 <= value < 2**31:
        err("out of int32 range: %d" % value)
    elif fmt == "int64" and not -2**63 <= value < 2**63:
        err("out of int64 range: %d" % value)
    if "pattern" in schema and not re.search(schema["pattern"], value):
        err("%r does not match %r" % (value, schema["pattern"]))
    if t == "object":
        for name in schema.get("required", []):
            if name not in value:
                err("missing required member %r" % name)
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", False if (strict and "properties" in schema) else True)
        for k, v in value.items():
            if k in props:
                validate(doc, props[k], v, "%s.%s" % (vpath, k), "%s/properties/%s" % (spath, k), errors, strict)
            elif extra is False:
                err("member %r is not in the schema (allowed: %s)" % (k, ", ".join(sorted(props)) or "none"))
            elif isinstance(extra, dict):
                if "x-map-key" in schema:
                    validate(doc, schema["x-map-key"], k, "%s{key %s}" % (vpath, json.dumps(k)),
                             spath + "/x-map-key", errors, strict)
                validate(doc, extra, v, "%s[%s]" % (vpath, json.dumps(k)), spath + "/additionalProperties",
                         errors, strict)
    elif t == "array" and "items" in schema:
        for i, v in enumerate(value):
            validate(doc, schema["items"], v, "%s[%d]" % (vpath, i), spath + "/items", errors, strict)
    return errors


def walk(node, path=""):
    """Yields (json-pointer-ish path, node) for every dict in the document."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, "%s/%s" % (path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, "%s/%d" % (path, i))


def schema_nodes(doc):
    """Every schema object in the document: components/schemas and the `schema` of
    parameters, media types and headers, recursively through properties/items/..."""
    out = []

    def visit(s, path):
        out.append((path, s))
        for k, sub in s.get("properties", {}).items():
            visit(sub, path + "/properties/" + k)
        if isinstance(s.get("items"), dict):
            visit(s["items"], path + "/items")
        if isinstance(s.get("additionalProperties"), dict):
            visit(s["additionalProperties"], path + "/additionalProperties")
        if isinstance(s.get("x-map-key"), dict):
            visit(s["x-map-key"], path + "/x-map-key")
        for i, sub in enumerate(s.get("allOf", [])):
            visit(sub, "%s/allOf/%d" % (path, i))

    for name, s in doc["components"]["schemas"].items():
        visit(s, "#/components/schemas/" + name)
    for path, node in walk(doc):
        if "/components/schemas" in path:
            continue
        if isinstance(node.get("schema"), dict):
            visit(node["schema"], path + "/schema")
    return out


def path_key(model, action):
    return gen.PATH_PREFIX + model["metadata"]["targetPrefix"] + "." + action


# ------------------------------------------------------------------------- (a) and (b)

def check_document(R, model):
    expected = gen.build_document(model)
    rendered = gen.render(expected)
    try:
        with open(OPENAPI_PATH, encoding="utf-8") as f:
            on_disk = f.read()
    except OSError as e:
        R.check("openapi.yaml is readable", False, str(e))
        return None
    same = on_disk == rendered
    detail = ""
    if not same:
        a, b = on_disk.splitlines(), rendered.splitlines()
        n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        detail = ("first difference at line %d:\n  file:      %r\n  generator: %r\nregenerate with: "
                  "python3 scripts/gen_openapi.py > openapi.yaml" % (
                      n + 1, a[n] if n < len(a) else "<end>", b[n] if n < len(b) else "<end>"))
    R.check("(a) openapi.yaml equals the generator's output", same, detail)
    try:
        parsed = gen.parse_yaml(on_disk)
        R.check("(a) openapi.yaml reads back to the generator's document", parsed == expected,
                "" if parsed == expected else "parsed document differs from build_document()")
    except ValueError as e:
        R.check("(a) openapi.yaml reads back to the generator's document", False, str(e))
        parsed = None
    doc = parsed if parsed is not None else expected

    # (b) structure
    R.check("(b) openapi is 3.0.3 with title and version",
            doc.get("openapi") == "3.0.3" and doc.get("info", {}).get("title") and doc["info"].get("version"))

    bad_refs = []
    for p, node in walk(doc):
        if "$ref" in node:
            try:
                resolve(doc, node["$ref"])
            except KeyError as e:
                bad_refs.append("%s: %s" % (p, e))
    R.check("(b) every $ref resolves", not bad_refs, "\n".join(bad_refs[:20]))

    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    problems = []
    op_ids = {}
    for key, item in doc["paths"].items():
        # Templates are for the topics REST paths (/v1/...) only; SQS keys stay plain.
        templated_ok = key.startswith("/v1/") and re.fullmatch(r"(/([A-Za-z0-9._-]+|\{[a-z_]+\}))+", key)
        if not key.startswith("/") or "?" in key or "#" in key or ("{" in key and not templated_ok):
            problems.append("path key %r: must start with / and have no query, fragment or template" % key)
        for m, op in item.items():
            if m not in methods:
                continue
            resp = op.get("responses") or {}
            if not resp:
                problems.append("%s %s: no responses" % (m, key))
            for code, r in resp.items():
                if not isinstance(code, str) or not re.fullmatch(r"[1-5][0-9][0-9]|default", code):
                    problems.append("%s %s: bad response key %r" % (m, key, code))
                r = resolve(doc, r["$ref"]) if "$ref" in r else r
                if not r.get("description"):
                    problems.append("%s %s %s: response without description" % (m, key, code))
            oid = op.get("operationId")
            if not oid or oid in op_ids:
                problems.append("%s %s: missing or duplicate operationId %r" % (m, key, oid))
            op_ids[oid] = key
    R.check("(b) every operation has responses and a unique operationId; path keys are plain", not problems,
            "\n".join(problems[:20]))

    problems = []
    statuses = gen.ERROR_STATUSES
    for action in sorted(model["operations"]):
        mop = model["operations"][action]
        key = path_key(model, action)
        op = doc["paths"].get(key, {}).get("post")
        if op is None:
            problems.append("%s: no path item %r" % (action, key))
            continue
        target = model["metadata"]["targetPrefix"] + "." + action
        if op.get("operationId") != action or op.get("x-amz-target") != target:
            problems.append("%s: operationId/x-amz-target wrong" % action)
        hdr = [p for p in op.get("parameters", []) if p.get("in") == "header" and p.get("name") == "X-Amz-Target"]
        if not hdr or not hdr[0].get("required") or hdr[0]["schema"].get("enum") != [target]:
            problems.append("%s: X-Amz-Target header parameter missing or wrong" % action)
        body = op.get("requestBody", {}).get("content", {}).get(JSON_MEDIA, {}).get("schema", {})
        if body.get("$ref") != "#/components/schemas/" + mop["input"]["shape"]:
            problems.append("%s: request schema %r is not the input shape" % (action, body))
        out = op["responses"].get("200", {}).get("content", {}).get(JSON_MEDIA, {}).get("schema", {})
        want = mop["output"]["shape"] if "output" in mop else gen.EMPTY_SCHEMA
        if out.get("$ref") != "#/components/schemas/" + want:
            problems.append("%s: 200 schema %r is not %s" % (action, out, want))
        for s in statuses:
            if op["responses"].get(s) != {"$ref": "#/components/responses/SqsError"}:
                problems.append("%s: %s is not the SqsError response" % (action, s))
        errors = [e["shape"] for e in mop.get("errors", [])]
        if op.get("x-sqs-errors") != errors or any(e not in op.get("description", "") for e in errors):
            problems.append("%s: modeled errors not all listed" % action)
    extra = sorted(k for k, v in doc["paths"].items()
                   if k.startswith(gen.PATH_PREFIX) and v["post"]["operationId"] not in model["operations"])
    if extra:
        problems.append("operations not in the model: %s" % extra)
    R.check("(b) every model action (%d) has its operation with input, output and errors"
            % len(model["operations"]), not problems, "\n".join(problems[:30]))

    err_resp = doc["components"]["responses"].get("SqsError", {})
    err_body = doc["components"]["schemas"].get("SqsErrorBody", {})
    R.check("(b) SqsError response: x-amzn-query-error header and SqsErrorBody {__type, message}",
            "x-amzn-query-error" in err_resp.get("headers", {})
            and err_resp.get("content", {}).get(JSON_MEDIA, {}).get("schema") == {"$ref": "#/components/schemas/SqsErrorBody"}
            and err_body.get("required") == ["__type", "message"]
            and set(err_body.get("properties", {})) == {"__type", "message"})

    # Shapes <-> schemas.
    problems = []
    schemas = doc["components"]["schemas"]
    type_of = {"structure": ("object", None), "list": ("array", None), "map": ("object", None),
               "string": ("string", None), "integer": ("integer", "int32"), "long": ("integer", "int64"),
               "boolean": ("boolean", None), "blob": ("string", "byte")}
    shapes = gen.reachable_shapes(model)
    for name in sorted(shapes):
        s = model["shapes"][name]
        sc = schemas.get(name)
        if sc is None:
            problems.append("%s: no schema" % name)
            continue
        t, fmt = type_of[s["type"]]
        if sc.get("type") != t or sc.get("format") != fmt:
            problems.append("%s: type %s/%s, want %s/%s" % (name, sc.get("type"), sc.get("format"), t, fmt))
        if s["type"] == "structure":
            if sorted(sc.get("properties", {})) != sorted(s.get("members", {})):
                problems.append("%s: properties differ from members" % name)
            if sc.get("required", []) != s.get("required", []):
                problems.append("%s: required differs" % name)
            for mname, m in s.get("members", {}).items():
                p = sc.get("properties", {}).get(mname, {})
                r = p.get("$ref") or (p.get("allOf") or [{}])[0].get("$ref")
                if r != "#/components/schemas/" + m["shape"]:
                    problems.append("%s.%s: not a $ref to %s" % (name, mname, m["shape"]))
        elif s["type"] == "list":
            if sc.get("items") != {"$ref": "#/components/schemas/" + s["member"]["shape"]}:
                problems.append("%s: items wrong" % name)
        elif s["type"] == "map":
            if sc.get("additionalProperties") != {"$ref": "#/components/schemas/" + s["value"]["shape"]}:
                problems.append("%s: additionalProperties wrong" % name)
            if sc.get("x-map-key") != {"$ref": "#/components/schemas/" + s["key"]["shape"]}:
                problems.append("%s: x-map-key wrong" % name)
        if sc.get("enum") != s.get("enum"):
            problems.append("%s: enum differs" % name)
    # The topics schemas are written by hand (scripts/openapi_topics.py), not model shapes.
    topics_schemas = set(gen.openapi_topics.schemas())
    unused = sorted(set(schemas) - shapes - topics_schemas - {"SqsErrorBody", gen.EMPTY_SCHEMA})
    if unused:
        problems.append("schemas for no reachable shape: %s" % unused)
    R.check("(b) one schema per reachable model shape (%d), matching type/members/required/enum" % len(shapes),
            not problems, "\n".join(problems[:30]))

    referenced = {node["$ref"].rsplit("/", 1)[1] for _, node in walk(doc)
                  if "$ref" in node and node["$ref"].startswith("#/components/schemas/")}
    unreferenced = sorted(set(schemas) - referenced)
    R.check("(b) every component schema is referenced", not unreferenced, str(unreferenced))

    problems = []
    for p, s in schema_nodes(doc):
        # The topics section uses a few more keywords (bounds, nullable, oneOf); the
        # topics tests check its wire behaviour, this validator covers the SQS schemas.
        if (p.startswith("#/components/schemas/") and p.split("/")[3] in topics_schemas) or \
                p.startswith("/paths//v1/"):
            continue
        unknown = set(s) - VALIDATING - ANNOTATING
        if unknown:
            problems.append("%s: keywords %s" % (p, sorted(unknown)))
        if "$ref" in s and len(s) > 1:
            problems.append("%s: siblings of $ref are ignored in 3.0" % p)
        if s.get("format") and s["format"] not in FORMATS:
            problems.append("%s: format %s" % (p, s["format"]))
    R.check("(b) schemas use only the validated keyword subset", not problems, "\n".join(problems[:20]))

    # The validator itself, on known cases (a broken validator would pass everything).
    cases = [
        (doc["components"]["schemas"]["SendMessageResult"], {"MessageId": "x", "MD5OfMessageBody": "y"}, True),
        (doc["components"]["schemas"]["SendMessageResult"], {"MessageID": "x"}, False),
        ({"$ref": "#/components/schemas/GetQueueUrlResult"}, {"QueueUrl": 1}, False),
        ({"$ref": "#/components/schemas/QueueAttributeMap"}, {"VisibilityTimeout": "30"}, True),
        ({"$ref": "#/components/schemas/QueueAttributeMap"}, {"VisibilityTimeout": 30}, False),
        ({"$ref": "#/components/schemas/QueueAttributeMap"}, {"VisibilityTimeoutX": "30"}, False),
        ({"$ref": "#/components/schemas/Binary"}, "AAH/", True),
        ({"$ref": "#/components/schemas/Binary"}, "not base64!", False),
        ({"$ref": "#/components/schemas/QueueAttributeName"}, "Bogus", False),
        ({"$ref": "#/components/schemas/SqsErrorBody"}, {"__type": "a"}, False),
        ({"$ref": "#/components/schemas/" + gen.EMPTY_SCHEMA}, {}, True),
        ({"$ref": "#/components/schemas/" + gen.EMPTY_SCHEMA}, {"x": 1}, False),
        ({"$ref": "#/components/schemas/BatchResultErrorEntry"},
         {"Id": "a", "SenderFault": True, "Code": "c"}, True),
        ({"$ref": "#/components/schemas/BatchResultErrorEntry"}, {"Id": "a", "SenderFault": "true", "Code": "c"},
         False),
    ]
    wrong = [(s, v) for s, v, ok in cases if (not validate(doc, s, v)) != ok]
    R.check("(b) the schema validator accepts and rejects known cases", not wrong, repr(wrong))
    return doc


# ------------------------------------------------------------------------------ spoold

class Spoold:
    def __init__(self, binary, start_timeout=60):
        self.binary = os.path.abspath(binary)
        self.start_timeout = start_timeout
        self.dir = None
        self.proc = None
        self.log = None
        self.port = spoold_process.free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise RuntimeError("spoold not found or not executable: %s" % self.binary)
        # As root, spoold runs PostgreSQL as `postgres`, which must traverse the directory.
        self.dir = spoold_process.make_data_root("spool-openapi-")
        data = os.path.join(self.dir, "data")
        os.mkdir(data)
        os.chmod(data, 0o755)
        log_path = os.path.join(self.dir, "spoold.log")
        self.log = open(log_path, "ab")
        for attempt in range(5):  # another suite's spoold may take the port first: pick again
            if attempt:
                self.port = spoold_process.free_port()
                self.endpoint = "http://127.0.0.1:%d" % self.port
            cmd = [self.binary, "--data-dir", data, "--listen", "127.0.0.1:%d" % self.port]
            print("# starting: %s" % " ".join(cmd), flush=True)
            offset = self.log.tell()
            self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         preexec_fn=spoold_process.parent_death_signal(signal.SIGTERM))
            try:
                taken = spoold_process.wait_until_ready(self.proc, log_path, offset, self.port, self.start_timeout)
            except RuntimeError as e:
                raise RuntimeError("%s:\n%s" % (e, self.log_tail()))
            if not taken:
                return
            self.log.seek(0, os.SEEK_END)
        raise RuntimeError("no free port after 5 tries:\n%s" % self.log_tail())

    def log_tail(self, n=40):
        try:
            with open(os.path.join(self.dir, "spoold.log"), "rb") as f:
                return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-n:])
        except (OSError, TypeError):
            return ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.log is not None:
            self.log.close()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------------------- (c)

class Wire:
    """A boto3 SQS client whose raw HTTP responses are captured by an event hook."""

    def __init__(self, endpoint):
        import boto3
        import botocore
        from botocore.config import Config
        self.botocore = botocore
        self.client = boto3.client(
            "sqs", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30))
        self.captured = []
        self.client.meta.events.register("after-call.sqs", self._hook)

    def _hook(self, http_response, parsed, model, **_):
        self.captured.append({"action": model.name, "status": http_response.status_code,
                              "headers": {k.lower(): v for k, v in http_response.headers.items()},
                              "body": http_response.content})

    def call(self, action, **params):
        """Returns (parsed or None, ClientError or None, captured raw response or None)."""
        self.captured.clear()
        method = getattr(self.client, self.botocore.xform_name(action))
        parsed, error = None, None
        try:
            parsed = method(**params)
        except self.botocore.exceptions.ClientError as e:
            error = e
        raw = self.captured[-1] if self.captured else None
        return parsed, error, raw


def response_schema(doc, action, status):
    op = doc["paths"][gen.PATH_PREFIX + "AmazonSQS." + action]["post"]
    resp = op["responses"].get(str(status))
    if resp is None:
        return None, None
    spath = "paths/%s/post/responses/%s" % (gen.PATH_PREFIX + "AmazonSQS." + action, status)
    if "$ref" in resp:
        spath = resp["$ref"]
        resp = resolve(doc, resp["$ref"])
    return resp.get("content", {}).get(JSON_MEDIA, {}).get("schema"), spath


def check_raw(R, doc, action, raw, expect_status=200, label=None):
    """Validates one captured response; returns the decoded body (or None)."""
    label = label or action
    if raw is None:
        R.check("(c) %s: raw response captured" % label, False, "the after-call hook saw nothing")
        return None
    problems = []
    if raw["action"] != action:
        problems.append("captured %s, expected %s" % (raw["action"], action))
    if raw["status"] != expect_status:
        problems.append("HTTP %d, expected %d" % (raw["status"], expect_status))
    if not raw["headers"].get("x-amzn-requestid"):
        problems.append("no x-amzn-RequestId header")
    ctype = raw["headers"].get("content-type", "")
    if not ctype.startswith(JSON_MEDIA):
        problems.append("Content-Type %r, expected %s" % (ctype, JSON_MEDIA))
    body = None
    try:
        body = json.loads(raw["body"].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        problems.append("body is not JSON (%s): %r" % (e, raw["body"][:300]))
    schema, spath = response_schema(doc, action, raw["status"])
    if schema is None:
        problems.append("the document has no JSON schema for HTTP %d" % raw["status"])
    elif body is not None:
        errs = validate(doc, schema, body, "$", spath)
        problems.extend(errs)
    detail = ""
    if problems:
        detail = "\n".join(problems) + "\nbody: " + raw["body"].decode("utf-8", "replace")[:1500]
        if spath:
            detail += "\nschema: " + spath + (" -> " + schema["$ref"] if schema and "$ref" in schema else "")
    R.check("(c) %s: HTTP %d body matches its schema" % (label, expect_status), not problems, detail)
    return body


def md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def run_live(R, doc, spoold_path, start_timeout):
    try:
        import boto3  # noqa: F401
    except ImportError:
        R.check("(c) boto3 is importable", False, "pip install boto3 (or run with the pyenv python3)")
        return
    server = Spoold(spoold_path, start_timeout)
    try:
        try:
            server.start()
        except Exception as e:  # noqa: BLE001
            R.check("(c) spoold starts and is ready", False, str(e))
            return
        R.check("(c) spoold starts and is ready", True)
        w = Wire(server.endpoint)
        R.check("(c) boto3 speaks AWS JSON 1.0 (botocore %s)" % w.botocore.__version__,
                w.client.meta.service_model.protocol == "json",
                "protocol %s: this test validates JSON bodies" % w.client.meta.service_model.protocol)
        if w.client.meta.service_model.protocol != "json":
            return
        live_checks(R, doc, w)
        check_oversized_body(R, doc, server.endpoint)
    except Exception:  # noqa: BLE001
        R.check("(c) live checks ran to the end", False, traceback.format_exc())
    finally:
        server.stop()


def live_checks(R, doc, w):
    prefix = "oapi-%s" % secrets.token_hex(4)
    name = prefix + "-q"

    def ok(action, label=None, **params):
        parsed, error, raw = w.call(action, **params)
        if error is not None:
            detail = "%s" % error
            if raw is not None:
                detail += "\nbody: " + raw["body"].decode("utf-8", "replace")[:1000]
            R.check("(c) %s succeeds" % (label or action), False, detail)
            # Still validate the error body against the error schema.
            if raw is not None:
                check_raw(R, doc, action, raw, raw["status"], (label or action) + " (error)")
            return None, None
        return parsed, check_raw(R, doc, action, raw, 200, label)

    _, body = ok("CreateQueue", QueueName=name, Attributes={"VisibilityTimeout": "30"})
    url = (body or {}).get("QueueUrl", "")
    R.check("(c) CreateQueue returns the queue's URL", isinstance(url, str) and url.endswith("/" + name), repr(body))
    if not url:
        return

    _, body = ok("GetQueueUrl", QueueName=name)
    R.check("(c) GetQueueUrl returns the same URL", (body or {}).get("QueueUrl") == url, repr(body))

    _, body = ok("ListQueues", QueueNamePrefix=prefix)
    R.check("(c) ListQueues lists the queue", url in (body or {}).get("QueueUrls", []), repr(body))

    _, body = ok("GetQueueAttributes", QueueUrl=url, AttributeNames=["All"])
    attrs = (body or {}).get("Attributes", {})
    R.check("(c) GetQueueAttributes returns QueueArn and VisibilityTimeout=30",
            str(attrs.get("QueueArn", "")).endswith(":" + name) and attrs.get("VisibilityTimeout") == "30",
            repr(body))

    body_text = "hello openapi"
    _, body = ok("SendMessage", QueueUrl=url, MessageBody=body_text,
                 MessageAttributes={"color": {"DataType": "String", "StringValue": "blue"}})
    R.check("(c) SendMessage returns MessageId and the body's MD5",
            bool((body or {}).get("MessageId")) and (body or {}).get("MD5OfMessageBody") == md5(body_text)
            and bool((body or {}).get("MD5OfMessageAttributes")), repr(body))

    entries = [
        {"Id": "b1", "MessageBody": "batch one"},
        {"Id": "b2", "MessageBody": "batch two",
         "MessageAttributes": {"blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe\xff"},
                               "n": {"DataType": "Number", "StringValue": "42"}}},
    ]
    _, body = ok("SendMessageBatch", QueueUrl=url, Entries=entries)
    succ = (body or {}).get("Successful", [])
    R.check("(c) SendMessageBatch: both entries succeed, none fail",
            sorted(e.get("Id") for e in succ) == ["b1", "b2"] and not (body or {}).get("Failed")
            and all(e.get("MD5OfMessageBody") == md5(x["MessageBody"])
                    for e in succ for x in entries if x["Id"] == e.get("Id")), repr(body))

    # Receive all three (bounded), validating every response.
    want = {body_text, "batch one", "batch two"}
    got = {}
    deadline = time.monotonic() + 20
    n = 0
    while set(got) != want and time.monotonic() < deadline:
        n += 1
        _, body = ok("ReceiveMessage", "ReceiveMessage #%d" % n, QueueUrl=url, MaxNumberOfMessages=10,
                     WaitTimeSeconds=1, VisibilityTimeout=60, MessageAttributeNames=["All"],
                     MessageSystemAttributeNames=["All"])
        if body is None:
            break
        for m in body.get("Messages", []):
            got[m.get("Body")] = m
    R.check("(c) ReceiveMessage returns the three messages", set(got) == want, "got %s" % sorted(got))
    m2 = got.get("batch two", {})
    R.check("(c) ReceiveMessage: attributes, binary attribute and system attributes come back",
            m2.get("MessageAttributes", {}).get("blob", {}).get("BinaryValue")
            == base64.b64encode(b"\x00\x01\xfe\xff").decode()
            and m2.get("MessageAttributes", {}).get("n", {}).get("StringValue") == "42"
            and m2.get("Attributes", {}).get("ApproximateReceiveCount") == "1"
            and m2.get("MD5OfBody") == md5("batch two"), json.dumps(m2)[:1000])
    if set(got) != want:
        return

    first = got[body_text]
    _, body = ok("ChangeMessageVisibility", QueueUrl=url, ReceiptHandle=first["ReceiptHandle"],
                 VisibilityTimeout=45)
    R.check("(c) ChangeMessageVisibility returns {}", body == {}, repr(body))

    _, body = ok("DeleteMessage", QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    R.check("(c) DeleteMessage returns {}", body == {}, repr(body))

    _, body = ok("DeleteMessageBatch", QueueUrl=url, Entries=[
        {"Id": "d1", "ReceiptHandle": got["batch one"]["ReceiptHandle"]},
        {"Id": "d2", "ReceiptHandle": got["batch two"]["ReceiptHandle"]},
        {"Id": "bad", "ReceiptHandle": "not-a-receipt-handle"},
    ])
    failed = (body or {}).get("Failed", [])
    R.check("(c) DeleteMessageBatch: d1, d2 succeed; the bogus handle is a sender-fault Failed entry",
            sorted(e.get("Id") for e in (body or {}).get("Successful", [])) == ["d1", "d2"]
            and len(failed) == 1 and failed[0].get("Id") == "bad" and failed[0].get("SenderFault") is True
            and bool(failed[0].get("Code")), repr(body))

    _, body = ok("TagQueue", QueueUrl=url, Tags={"team": "spool", "env": "test"})
    R.check("(c) TagQueue returns {}", body == {}, repr(body))

    _, body = ok("ListQueueTags", QueueUrl=url)
    R.check("(c) ListQueueTags returns the tags", (body or {}).get("Tags") == {"team": "spool", "env": "test"},
            repr(body))

    _, body = ok("PurgeQueue", QueueUrl=url)
    R.check("(c) PurgeQueue returns {}", body == {}, repr(body))

    _, body = ok("DeleteQueue", QueueUrl=url)
    R.check("(c) DeleteQueue returns {}", body == {}, repr(body))

    # One error: GetQueueUrl of a queue that does not exist.
    _, error, raw = w.call("GetQueueUrl", QueueName=prefix + "-missing")
    R.check("(c) GetQueueUrl of a missing queue fails", error is not None, "it succeeded")
    if raw is not None and error is not None:
        body = check_raw(R, doc, "GetQueueUrl", raw, 400, "GetQueueUrl (missing queue)")
        qerr = raw["headers"].get("x-amzn-query-error", "")
        R.check("(c) missing queue: __type QueueDoesNotExist, x-amzn-query-error NonExistentQueue;Sender",
                (body or {}).get("__type") == "com.amazonaws.sqs#QueueDoesNotExist"
                and qerr == "AWS.SimpleQueueService.NonExistentQueue;Sender"
                and error.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue",
                "body %r, x-amzn-query-error %r, boto code %r" % (body, qerr, error.response["Error"].get("Code")))


def check_oversized_body(R, doc, endpoint):
    """A body one byte over the default 8 MiB cap gets the documented 413 (plain text)."""
    import http.client
    import urllib.parse
    documented = resolve(doc, doc["paths"][gen.PATH_PREFIX + "AmazonSQS.SendMessage"]["post"]["responses"]["413"]["$ref"])
    example = documented["content"]["text/plain"]["schema"]["example"]
    url = urllib.parse.urlparse(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("POST", "/", body=b"x" * (8 * 1024 * 1024 + 1),
                 headers={"Content-Type": JSON_MEDIA, "X-Amz-Target": "AmazonSQS.SendMessage"})
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    R.check("(c) an 8 MiB + 1 byte body: HTTP 413, text/plain, the documented text",
            (resp.status, resp.getheader("Content-Type", "").split(";")[0], body)
            == (413, "text/plain", example),
            "got %d %r %r, documented %r" % (resp.status, resp.getheader("Content-Type"), body, example))


# ------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="openapi.yaml conformance")
    ap.add_argument("--spoold", help="path to the spoold binary")
    ap.add_argument("--no-server", action="store_true", help="only (a) and (b)")
    ap.add_argument("--model", help="botocore sqs service-2.json(.gz); default: found on sys.path")
    ap.add_argument("--start-timeout", type=int, default=60)
    args = ap.parse_args()
    if not args.spoold and not args.no_server:
        ap.error("--spoold PATH is required (or --no-server)")

    R = Results()
    try:
        model = gen.load_model(args.model)
        doc = check_document(R, model)
        if doc is not None and not args.no_server:
            run_live(R, doc, args.spoold, args.start_timeout)
    except Exception:  # noqa: BLE001
        R.check("test ran to the end", False, traceback.format_exc())
    if R.failures:
        print("\nfailures:")
        for name, detail in R.failures:
            print("- %s" % name)
    print("%d passed, %d failed" % (R.passed, R.failed))
    return 1 if R.failed else 0


if __name__ == "__main__":
    sys.exit(main())
