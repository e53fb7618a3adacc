#!/usr/bin/env python3
"""Drives examples/embed/host against the local fake server and checks its
output (called by examples/embed/test.sh; standard library only).

    check.py HOST ROOT

Starts spec/support/fake_server.py, scripts its answers on the control port,
runs the host in single mode and in --threads mode (2 and 8 states), and
fails (exit 1) on any difference from the expected text.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

HOST, ROOT = sys.argv[1], sys.argv[2]
FAILED = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILED.append(what)


def start_server():
    port_file = os.path.join(tempfile.mkdtemp(prefix="embed-fake-"), "ports")
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "spec/support/fake_server.py"),
                             "--port-file", port_file], stdin=subprocess.PIPE)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            with open(port_file) as f:
                api, ctl = f.read().split()
            return proc, int(api), int(ctl)
        except (OSError, ValueError):
            time.sleep(0.01)
    proc.kill()
    sys.exit("fake server did not start")


def control(ctl, path, body):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (ctl, path), data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def sse_of(text, model="claude-sonnet-4-5"):
    events = [
        {"event": "message_start", "data": {"type": "message_start", "message": {
            "id": "msg_embed", "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 1}}}},
        {"event": "content_block_start", "data": {"type": "content_block_start", "index": 0,
                                                  "content_block": {"type": "text", "text": ""}}},
        {"event": "ping", "data": {"type": "ping"}},
    ]
    for word in re.findall(r"\S+\s*", text):
        events.append({"event": "content_block_delta", "data": {
            "type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}}})
    events += [
        {"event": "content_block_stop", "data": {"type": "content_block_stop", "index": 0}},
        {"event": "message_delta", "data": {"type": "message_delta",
                                            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                            "usage": {"output_tokens": 42}}},
        {"event": "message_stop", "data": {"type": "message_stop"}},
    ]
    return events


def run_host(args, env=None):
    t = time.time()
    p = subprocess.run([HOST, "--root", ROOT] + args, capture_output=True, timeout=120, env=env)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), time.time() - t


def single(api, ctl):
    url = "http://127.0.0.1:%d" % api
    story = "Once upon a time, a wörld ✓ of ants streamed its words one by one."
    control(ctl, "/script", [
        {"json": {"id": "msg_create", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                  "content": [{"type": "text", "text": "Hello from the embedded host"}],
                  "stop_reason": "end_turn", "stop_sequence": None,
                  "usage": {"input_tokens": 9, "output_tokens": 5}}},
        {"sse": sse_of(story), "chunk_delay_ms": 10},
    ])
    rc, out, err, _ = run_host([os.path.join(ROOT, "examples/embed/chat.lua"), url])
    print(out, end="")
    if err:
        print(err, end="", file=sys.stderr)
    expected = ('anthropic.core 0.1.0 from package.preload (package.cpath = "")\n'
                "create: Hello from the embedded host\n"
                "stream: " + story + "\n"
                "[stop_reason=end_turn output_tokens=42 deltas=%d]\n" % len(story.split()))
    check(rc == 0, "single: host exits 0")
    m = re.match(r"anthropic\.core (\S+)", out)
    if m:
        expected = expected.replace("0.1.0", m.group(1), 1)
    check(out == expected, "single: create + streamed text exactly as sent")


def threads(api, ctl, n, delay_ms=25):
    url = "http://127.0.0.1:%d" % api
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november".split()
    texts = {}
    for i in range(1, n + 1):
        texts[i] = " ".join("%s%d" % (w, i) for w in words[: 8 + i % 7]) + " (thread %d done)" % i
        control(ctl, "/script", {"sse": sse_of(texts[i]), "chunk_delay_ms": delay_ms,
                                 "match": {"path": "/t%d/v1/messages" % i}})
    rc, out, err, wall = run_host(["--threads", str(n), os.path.join(ROOT, "examples/embed/chat.lua"), url])
    print(out, end="")
    if err:
        print(err, end="", file=sys.stderr)
    check(rc == 0, "threads=%d: host exits 0" % n)
    windows = []
    for i in range(1, n + 1):
        m = re.search(r"^\[thread %d\] [\d.]+\.\.[\d.]+ s: (.*?)\n\[stop_reason=(\S+) output_tokens=(\d+) "
                      r"deltas=(\d+)\]\n@stream ([\d.]+) ([\d.]+)$" % i, out, re.M | re.S)
        got = m and m.group(1)
        check(got == texts[i], "threads=%d: thread %d got exactly its own text (%d deltas)"
              % (n, i, int(m.group(4)) if m else -1))
        if m:
            windows.append((float(m.group(5)), float(m.group(6))))
    if len(windows) == n:
        overlap = min(w[1] for w in windows) - max(w[0] for w in windows)
        longest = max(w[1] - w[0] for w in windows)
        print("threads=%d: every stream was receiving at the same time for %.3f s; "
              "longest stream %.3f s; host wall time %.3f s" % (n, overlap, longest, wall))
        check(overlap > 0, "threads=%d: the %d streams overlapped in time" % (n, n))


def fork_check(api, ctl):
    """fork.lua: the child refuses the parent's client, makes its own, and
    closes cleanly; the parent's client goes on (its request in flight at
    the fork answers late)."""
    url = "http://127.0.0.1:%d" % api
    msg = {"id": "msg_fork", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
           "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "stop_sequence": None,
           "usage": {"input_tokens": 1, "output_tokens": 1}}
    control(ctl, "/script", [{"json": msg}, {"json": msg, "delay_ms": 300}, {"json": msg}, {"json": msg}])
    # The child leaves the parent's libcurl handles unreleased on purpose:
    # cleaning them up would write to the sockets it shares with the parent
    # (a TLS close_notify, an HTTP/2 GOAWAY). Under ASan that is no leak.
    env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
    rc, out, err, _ = run_host([os.path.join(ROOT, "examples/embed/fork.lua"), url], env)
    print(out, end="")
    if err:
        print(err, end="", file=sys.stderr)
    check(rc == 0 and out == "fork: child ok; parent's client went on\n",
          "fork: the child refuses the parent's client and uses a new one; the parent's goes on")


def main():
    proc, api, ctl = start_server()
    try:
        single(api, ctl)
        control(ctl, "/reset", {})
        if os.environ.get("EMBED_SKIP_FORK") != "1":
            fork_check(api, ctl)
            control(ctl, "/reset", {})
        threads(api, ctl, 2)
        control(ctl, "/reset", {})
        threads(api, ctl, 8)
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    if FAILED:
        print("embed-test: %d check(s) failed" % len(FAILED))
        sys.exit(1)
    print("embed-test: all checks passed")


main()
