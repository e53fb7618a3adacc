#!/usr/bin/env python3
"""Runs the LÖVE demo (examples/love) for real under xvfb-run against the
local fake server and checks it (called by examples/love/test.sh; standard
library only).

    check.py ROOT OUTDIR

Everything it writes goes to OUTDIR (build/love): the work tree is left as it
was. examples/love/screenshot.png (the README's picture) changes only with
`make love-screenshot`, which copies OUTDIR/screenshot-async.png there.

For each mode (the non-blocking API in love.update, then the love.thread
variant): scripts a streamed answer (one text delta every DELAY_MS), runs
`xvfb-run love examples/love`, and checks that the game quit by itself, that
the text it drew is exactly the streamed text, that its screenshot is a real
image (more than one distinct color), and, for the non-blocking mode, that no
frame while streaming took as long as the gap between two deltas (a frame
that waited for the network would).
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

ROOT, OUT = sys.argv[1], sys.argv[2]
DELAY_MS = 80
FAILED = []

TEXT = ("A frame loop that blocks stutters: the window freezes, input lags and "
        "animations jump. So the game asks the SDK for whatever has arrived — "
        "never waiting — and draws it, sixty times a second, until the whole answer is in: voilà, déjà fini.")


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILED.append(what)


def start_server():
    port_file = os.path.join(tempfile.mkdtemp(prefix="love-fake-"), "ports")
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


def sse_of(text):
    events = [
        {"event": "message_start", "data": {"type": "message_start", "message": {
            "id": "msg_love", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 20, "output_tokens": 1}}}},
        {"event": "content_block_start", "data": {"type": "content_block_start", "index": 0,
                                                  "content_block": {"type": "text", "text": ""}}},
    ]
    for word in re.findall(r"\S+\s*", text):
        events.append({"event": "content_block_delta", "data": {
            "type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}}})
    events += [
        {"event": "content_block_stop", "data": {"type": "content_block_stop", "index": 0}},
        {"event": "message_delta", "data": {"type": "message_delta",
                                            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                            "usage": {"output_tokens": 60}}},
        {"event": "message_stop", "data": {"type": "message_stop"}},
    ]
    return events


def png_colors(path):
    """(width, height, number of distinct RGBA colors) of an 8-bit RGB/RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError("unexpected PNG format (depth %d, color type %d)" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colors = set()
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colors.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp))
        prev = line
    return width, height, len(colors)


def run_game(api, ctl, mode, screenshot):
    control(ctl, "/reset", {})
    control(ctl, "/script", {"sse": sse_of(TEXT), "chunk_delay_ms": DELAY_MS})
    text_out = os.path.join(OUT, "love-%s.txt" % mode)
    for p in (text_out, screenshot):
        if os.path.exists(p):
            os.remove(p)
    env = dict(os.environ, LIBGL_ALWAYS_SOFTWARE="1", SDL_AUDIODRIVER="dummy",
               ANTHROPIC_BASE_URL="http://127.0.0.1:%d" % api, ANTHROPIC_API_KEY="sk-love-test",
               ANTHROPIC_SDK_ROOT=ROOT, LOVE_DEMO_OUT=text_out, LOVE_DEMO_SCREENSHOT=screenshot,
               LOVE_DEMO_MODE=mode)
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1024x768x24", "love", os.path.join(ROOT, "examples/love")]
    t = time.time()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        check(False, "%s: the game quit by itself within 120 s" % mode)
        return
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    sys.stdout.write(out)
    if p.returncode != 0 and err:
        sys.stdout.write(err)
    check(p.returncode == 0, "%s: the game quit by itself with status 0 (%.1f s)" % (mode, time.time() - t))
    drawn = open(text_out, encoding="utf-8").read() if os.path.exists(text_out) else None
    check(drawn == TEXT, "%s: the text it drew is exactly the streamed text (%d chars)"
          % (mode, len(drawn or "")))
    if os.path.exists(screenshot):
        w, h, n = png_colors(screenshot)
        check(n > 1, "%s: screenshot %s is %dx%d with %d distinct colors" % (mode, screenshot, w, h, n))
    else:
        check(False, "%s: screenshot %s was written" % (mode, screenshot))
    m = re.search(r"love-demo: mode=(\S+) deltas=(\d+) streaming_frames=(\d+) worst_frame_ms=([\d.]+) "
                  r"worst_poll_ms=([\d.]+) stream_s=([\d.]+)", out)
    if not m:
        check(False, "%s: the game reported its frame times" % mode)
        return
    deltas, frames, worst, poll, secs = int(m.group(2)), int(m.group(3)), float(m.group(4)), \
        float(m.group(5)), float(m.group(6))
    check(deltas == len(TEXT.split()), "%s: %d text deltas arrived one by one" % (mode, deltas))
    print("%s: %d frames in %.2f s of streaming (%.0f fps); largest frame time %.2f ms; %sa delta every %d ms"
          % (mode, frames, secs, frames / secs if secs else 0, worst,
             "largest client:poll(0) %.3f ms; " % poll if mode == "async" else "", DELAY_MS))
    check(frames > deltas, "%s: more frames than deltas (the loop kept running between deltas)" % mode)
    check(worst < DELAY_MS, "%s: no frame while streaming took %d ms or more (largest %.2f ms)"
          % (mode, DELAY_MS, worst))


def main():
    os.makedirs(OUT, exist_ok=True)
    proc, api, ctl = start_server()
    try:
        run_game(api, ctl, "async", os.path.join(OUT, "screenshot-async.png"))
        run_game(api, ctl, "thread", os.path.join(OUT, "screenshot-thread.png"))
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    if FAILED:
        print("test-hosts (love): %d check(s) failed" % len(FAILED))
        sys.exit(1)
    print("test-hosts (love): all checks passed")


main()
