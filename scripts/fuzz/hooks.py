"""schemathesis hooks for scripts/fuzz.sh: the check that a rejected request changes nothing.

After every response the check reads the monitor's state (products, queue snapshot, the
outbox's pending and parked counts). When the response rejected the request (4xx), that state
must equal the state read after the previous request. Sound only when requests run one at a
time (`--workers 1`), which fuzz.sh uses for the state-checking stage. Delivery attempts and
errors are left out of the state: the link retries on its own clock.
"""
import atexit
import json
import os
import threading
import urllib.request

import schemathesis

BASE = os.environ["FUZZ_BASE"]
SUMMARY = os.environ.get("FUZZ_SUMMARY")
_lock = threading.Lock()
_last = None  # set below, before the first request
_counts = {"checked": 0, "rejected": 0, "accepted": 0, "changed_by_rejected": 0}


def _get(path):
    with urllib.request.urlopen(BASE + path, timeout=10) as reply:
        return json.loads(reply.read())


def _state():
    # The outbox by its counts; see generate.py.
    link = _get("/administration/link")
    return (_get("/administration/get-products"), _get("/administration/get-queues-list"), link["pending"], link["parked"])


_last = _state()


@schemathesis.check
def rejected_request_changes_nothing(ctx, response, case):
    global _last
    with _lock:
        after = _state()
        before, _last = _last, after
        _counts["checked"] += 1
        if response.status_code >= 400:
            _counts["rejected"] += 1
            if before is not None and after != before:
                _counts["changed_by_rejected"] += 1
                raise AssertionError(
                    f"{case.method} {case.formatted_path} was rejected with {response.status_code} "
                    "but the monitor's state changed"
                )
        else:
            _counts["accepted"] += 1
    return None


@atexit.register
def _write_summary():
    if SUMMARY:
        with open(SUMMARY, "w") as out:
            json.dump(_counts, out)
