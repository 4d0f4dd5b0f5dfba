"""Property-based fuzzing of a live booking-monitor from docs/openapi.yaml, with Hypothesis.

Why not schemathesis alone: on this 2-core machine schemathesis generates about 5 set-queue
and 25 switch-state cases a second (its per-case overhead, not the server's), so 10,000
requests would take over five minutes. fuzz.sh runs schemathesis for a short, time-boxed
pass (schema conformance of responses), and this generator for the bulk: the same document
drives it (operations, parameters, body schemas), Hypothesis draws valid and broken values
for each part, and one keep-alive connection sends them.

Properties, for every request:
  - no 5xx, an answer within the timeout (no hang), the process stays up (no crash);
  - a 4xx is application/problem+json with status, title, detail and instance;
  - a rejected state-changing request (PUT/POST answered 4xx) leaves the state unchanged:
    products, queue snapshot and the outbox's pending and parked counts read before and after.

Usage: generate.py BASE_URL OPENAPI_YAML REQUESTS
"""
import http.client
import json
import sys
import time
import urllib.parse

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE, DOCUMENT, REQUESTS = sys.argv[1], sys.argv[2], int(sys.argv[3])
url = urllib.parse.urlsplit(BASE)
spec = yaml.safe_load(open(DOCUMENT, encoding="utf-8"))
INT32 = (-(2**31), 2**31 - 1)
TIMEOUT = 10


def resolve(schema):
    while "$ref" in schema:
        node = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


# Titles from the built-in demo catalog, so valid bodies meet real products and book.
TITLES = ["Война и мир. Том 1", "Война и мир. Том 2", "Мастер и Маргарита", "Анна Каренина"]
any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def valid(schema, name=""):
    """Values the schema accepts (property names in the document's case or lower case)."""
    schema = resolve(schema)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        if schema.get("format") == "int32":
            return st.integers(0, 40) | st.integers(*INT32)
        return st.integers(0, 2**53)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return st.sampled_from(TITLES) | st.text(max_size=30) if name.lower() == "title" else st.text(max_size=30)
    if kind == "array":
        return st.lists(valid(schema["items"]), max_size=6)
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        fields = {}
        for key, sub in props.items():
            spelled = st.sampled_from([key, key.lower(), key[:1].lower() + key[1:]])
            fields[key] = st.tuples(spelled, valid(sub, key))
        drawn = st.fixed_dictionaries({k: v for k, v in fields.items() if k in required},
                                      optional={k: v for k, v in fields.items() if k not in required})
        return drawn.map(lambda d: dict(d.values()))
    return any_json


def invalid(schema, name=""):
    """Values the schema rejects: wrong types, out of range, missing or null required fields,
    repeated titles, and anything at all in place of an object or array."""
    schema = resolve(schema)
    kind = schema.get("type")
    wrong_type = any_json.filter(lambda v: not _is(kind, v))
    if kind == "integer" and schema.get("format") == "int32":
        return st.one_of(wrong_type, st.integers(max_value=INT32[0] - 1), st.integers(min_value=INT32[1] + 1))
    if kind == "array":
        items = resolve(schema["items"])
        one_bad = st.tuples(st.lists(valid(items), max_size=3), invalid(items), st.lists(valid(items), max_size=3))
        bad = one_bad.map(lambda t: t[0] + [t[1]] + t[2])
        if "Title" in items.get("properties", {}):
            # A title may appear once per push.
            bad = bad | st.tuples(st.sampled_from(TITLES), st.sampled_from(["Title", "title"])).map(
                lambda t: [{t[1]: t[0], "Customers": []}, {"title": t[0], "customers": [{"customerId": 1}]}])
        return wrong_type | bad
    if kind == "object":
        required = schema.get("required", [])
        props = schema.get("properties", {})
        base = valid(schema)
        options = [wrong_type]
        for key in required:
            options.append(base.map(lambda d, key=key: {k: v for k, v in d.items() if k.lower() != key.lower()}))
            options.append(st.tuples(base, invalid(props[key], key)).map(
                lambda t, key=key: {**{k: v for k, v in t[0].items() if k.lower() != key.lower()}, key: t[1]}))
            options.append(base.map(lambda d, key=key: {**{k: v for k, v in d.items() if k.lower() != key.lower()},
                                                        key: None}))
        return st.one_of(*options)
    return wrong_type


def _is(kind, value):
    return {
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "string": lambda v: isinstance(v, str),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }.get(kind, lambda v: True)(value)


operations = [(path, method.upper(), op) for path, item in spec["paths"].items() for method, op in item.items()]
raw_text = st.text(max_size=12) | st.sampled_from(["", "-1", "2147483648", "1e3", "0x1", "%00", "..", "ü", " 1"])


@st.composite
def request(draw):
    path, method, op = draw(st.sampled_from(operations))
    concrete, query = path, []
    # A share of requests valid in every part, so the fuzzing also books, requeues and reads
    # real state; the rest break one or more parts.
    all_valid = draw(st.integers(0, 9)) < 4
    for parameter in op.get("parameters", []):
        parameter = resolve(parameter)
        if parameter["in"] == "header":
            continue  # headers (Idempotency-Key) are schemathesis's part; this generator builds URLs and bodies
        schema = resolve(parameter["schema"])
        mode = "valid" if all_valid else draw(st.sampled_from(["valid", "invalid", "raw", "absent"]))
        if mode == "absent" and not parameter.get("required"):
            continue
        if mode == "valid":
            value = draw(valid(schema))
            text = json.dumps(value) if isinstance(value, bool) else str(value)
            if isinstance(value, bool):
                text = draw(st.sampled_from([text, text.upper(), text.capitalize()]))
        elif mode == "invalid":
            value = draw(invalid(schema))
            text = value if isinstance(value, str) else json.dumps(value)
        else:
            text = draw(raw_text)
        if parameter["in"] == "path":
            concrete = concrete.replace("{" + parameter["name"] + "}", urllib.parse.quote(text, safe="") or "%20")
        else:
            query.append((draw(st.sampled_from([parameter["name"], parameter["name"].lower()])), text))
    target = concrete + ("?" + urllib.parse.urlencode(query) if query else "")
    body = None
    if "requestBody" in op:
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        mode = "valid" if all_valid else draw(st.sampled_from(["valid", "invalid", "invalid", "bytes", "large"]))
        if mode == "valid":
            body = json.dumps(draw(valid(schema)), ensure_ascii=draw(st.booleans())).encode()
        elif mode == "invalid":
            body = json.dumps(draw(invalid(schema))).encode()
        elif mode == "bytes":
            body = draw(st.binary(max_size=64) | st.sampled_from([b"", b"[", b"[{]", b"null", b"[1e999]", b"\xff\xfe"]))
        else:
            body = b"[" + b" " * draw(st.integers(70_000, 140_000)) + b"]"  # over --max-body 65536
    return method, target, path, body


class Client:
    def __init__(self):
        self.connection = None
        self.sent = 0

    def send(self, method, target, body=None):
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
            try:
                headers = {"Content-Type": "application/json"} if body is not None else {}
                self.connection.request(method, target, body=body, headers=headers)
                reply = self.connection.getresponse()
                data = reply.read()
                if reply.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return reply.status, reply.getheader("Content-Type"), data
            except (ConnectionError, http.client.RemoteDisconnected, BrokenPipeError):
                # The server may close a keep-alive connection after an error (e.g. 413); reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 1:
                    raise

    def state(self):
        products = json.loads(self.send("GET", "/administration/get-products")[2])
        queues = json.loads(self.send("GET", "/administration/get-queues-list")[2])
        # The outbox by its counts: a new event comes with a booking, which turns a product
        # unavailable, and a resend changes the counts. Reading the whole outbox after every
        # request would make the run slower as it grows.
        link = json.loads(self.send("GET", "/administration/link")[2])
        return products, queues, link["pending"], link["parked"]


client = Client()
counts = {"requests": 0, "2xx": 0, "4xx": 0, "rejected_state_changing": 0, "by_status": {}}
last_state = client.state()


@settings(max_examples=REQUESTS, deadline=None, database=None, derandomize=False,
          suppress_health_check=list(HealthCheck), phases=["generate", "shrink"])
@given(request())
def test_requests(req):
    global last_state
    method, target, template, body = req
    started = time.monotonic()
    status, content_type, data = client.send(method, target, body)
    elapsed = time.monotonic() - started
    counts["requests"] += 1
    counts["by_status"][status] = counts["by_status"].get(status, 0) + 1
    where = f"{method} {target[:200]}"
    assert status < 500, f"{where} -> {status} {data[:300]!r}"
    assert elapsed < TIMEOUT, f"{where} took {elapsed:.1f}s"
    if status >= 400:
        counts["4xx"] += 1
        assert content_type == "application/problem+json", f"{where} -> {status} with {content_type}"
        problem = json.loads(data)
        assert problem["status"] == status and problem["title"] and problem["detail"] and problem["instance"], problem
    else:
        counts["2xx"] += 1
    if method in ("PUT", "POST"):
        after = client.state()
        if status >= 400:
            counts["rejected_state_changing"] += 1
            assert after == last_state, f"{where} was rejected with {status} but the state changed"
        last_state = after


started = time.monotonic()
test_requests()
counts["seconds"] = round(time.monotonic() - started, 1)
print(json.dumps(counts, sort_keys=True))
assert counts["requests"] >= REQUESTS, f"only {counts['requests']} requests were generated"
