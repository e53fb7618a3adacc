#!/usr/bin/env python3
"""Local fake of Anthropic's API server, for lua-anthropic's test suite.

Usage:  python3 spec/support/fake_server.py --port-file PATH [--no-stdin-watch]
                                            [--tls-cert PEM --tls-key PEM]

Listens on 127.0.0.1 on two ephemeral ports and, once both listen, writes
"API_PORT CONTROL_PORT\n" to PATH atomically (temporary file + rename). Exits
when its stdin reaches EOF (unless --no-stdin-watch), on SIGTERM/SIGINT, or on
POST /shutdown. Python 3 standard library only; logs nothing per request.

API port: HTTP/1.1 with keep-alive, one thread per TCP connection. Request
bodies may use Content-Length or chunked transfer-encoding; `Expect:
100-continue` is answered with `100 Continue`. Every request is recorded, then
answered by the first queued scripted response that matches it, or by the
default reply when none does.

With --tls-cert and --tls-key the API port speaks HTTPS (HTTP/1.1 only).
spec/support/tls/ holds a test CA (ca.pem) and the certificate it signed for
127.0.0.1 (server.pem, server.key), made once with the openssl program:
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 36500 -subj "/CN=lua-anthropic test CA" -keyout ca.key -out ca.pem
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -days 36500 \
    -extfile EXT -out server.pem
where EXT says subjectAltName=IP:127.0.0.1,DNS:localhost, basicConstraints=
CA:FALSE and extendedKeyUsage=serverAuth (ca.key was then thrown away).

Default reply: 200, content-type application/json, a Messages API message
  {"id":"msg_fake","type":"message","role":"assistant","model":<request's
   "model" or "claude-fake">,"content":[{"type":"text","text":"Hello from the
   fake server"}],"stop_reason":"end_turn","stop_sequence":null,
   "usage":{"input_tokens":12,"output_tokens":6}}
Every response carries `request-id: req_fake_<seq>` unless the script sets one.

Scripted response fields (a JSON object; all optional):
  status            HTTP status (default 200); `reason` overrides the phrase.
  headers           object {name: value} or list [[name, value], ...]; a header
                    named like a default one replaces it, a null value removes
                    it. If the script sets content-length or transfer-encoding
                    itself, the server does no framing of its own (lets a test
                    lie about the length).
  body              string: the exact body (bytes: the control API decodes its
                    input as UTF-8 with surrogateescape, so any byte string
                    sent raw inside a JSON string round-trips exactly).
  body_b64          the body, base64-encoded.
  json              any JSON value, served compact as application/json.
  sse               list of events, served as text/event-stream. Each event:
                    {event?, id?, data?, raw?}; `raw` (or `raw_b64`) is written
                    as exact bytes; otherwise `event: X\n` then `data: Y\n`
                    (data JSON-encoded when not a string; a string with
                    newlines becomes several data lines), then `\n`.
  sse_raw           exact bytes of a text/event-stream body (`sse_raw_b64` too).
  body_bytes        N: a valid message JSON (as the default reply) whose text
                    is padded with "x" so that the body is N bytes (>= ~250).
  content_type      shorthand for the content-type header.
  delay_ms          sleep before writing the status line.
  chunk_sizes       list of sizes: the body is written in writes of these
                    sizes, cycling ([1] = a byte per write). Without it the body
                    is one write, except `sse` which is one write per event.
  chunk_delay_ms    sleep between two writes of the body.
  chunked           true: transfer-encoding chunked, one chunk per write.
  no_content_length true: no length; the body ends when the server closes.
  close             true: send `Connection: close` and close after the body.
  drop_after_bytes  N: write N bytes of body then close the connection
                    abruptly (the headers announced the full body).
  rst               with drop_after_bytes / hangup: close with a TCP RST.
  hangup            true: read the request, then close without any response.
                    (A HEAD request gets the headers only.)
  header_bytes      N: add a header `x-huge` whose value is N bytes of "h".
  gzip              true: when the request's accept-encoding names gzip, the
                    body is sent gzip-compressed with `Content-Encoding: gzip`.
  times             how many requests this response answers (default 1;
                    -1 or 0 = forever).
  match             {method?, path?, path_prefix?}: the response is used only
                    by a matching request (others skip it and it stays queued).
                    `path` equals the target with or without its query.

Control port (JSON in and out):
  POST /reset     clear queue, records and counters
  POST /script    one response object or a list; appended to the queue
  GET  /requests  list of records: {seq, connection, time, method, path
                  (target incl. query), route (without query), version,
                  header_list [[name, value]...] (original case and order),
                  headers {lowercase name: value; repeats joined by ", "},
                  body_b64 (raw body bytes, base64), body_size, chunked,
                  expect_continue}
  GET  /requests/last  the last record, or null
  GET  /stats     {connections, open_connections, requests, queued}
  GET  /queue     the responses still queued
  GET  /info      {pid, executable, api_port}
  POST /shutdown  exit
"""

import argparse
import base64
import gzip
import http.server
import json
import os
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
from http import HTTPStatus

LOCK = threading.Lock()
STATE = {}
STOP = threading.Event()


def reset_state():
    with LOCK:
        STATE.clear()
        STATE.update(queue=[], records=[], seq=0, connections=0, open=0,
                     conn_ids=0)


reset_state()


def to_bytes(s):
    """A str from a JSON control message -> the exact bytes it stands for."""
    if isinstance(s, bytes):
        return s
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


def from_bytes(b):
    return b.decode("utf-8", "surrogateescape")


def dumps(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def default_message(model, text="Hello from the fake server"):
    return {
        "id": "msg_fake", "type": "message", "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 6},
    }


def request_model(body):
    try:
        v = json.loads(from_bytes(body))
        if isinstance(v, dict) and isinstance(v.get("model"), str):
            return v["model"]
    except Exception:
        pass
    return "claude-fake"


def matches(script, rec):
    m = script.get("match")
    if not m:
        return True
    if m.get("method") and m["method"].upper() != rec["method"].upper():
        return False
    if m.get("path") and m["path"] not in (rec["path"], rec["route"]):
        return False
    if m.get("path_prefix") and not rec["path"].startswith(m["path_prefix"]):
        return False
    return True


def take_script(rec):
    with LOCK:
        q = STATE["queue"]
        for i, s in enumerate(q):
            if matches(s, rec):
                left = s.get("_left", 1)
                if left > 0:
                    left -= 1
                    s["_left"] = left
                    if left == 0:
                        del q[i]
                return s
    return None


def header_pairs(h):
    if h is None:
        return []
    if isinstance(h, dict):
        return list(h.items())
    return [(p[0], p[1]) for p in h]


class Abort(Exception):
    pass


class ApiHandler(socketserver.StreamRequestHandler):
    rbufsize = 65536
    wbufsize = 0
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        with LOCK:
            STATE["connections"] += 1
            STATE["open"] += 1
            STATE["conn_ids"] += 1
            self.conn_id = STATE["conn_ids"]

    def finish(self):
        with LOCK:
            STATE["open"] -= 1
        try:
            super().finish()
        except Exception:
            pass

    # -- reading -----------------------------------------------------------
    def readline(self):
        line = self.rfile.readline(1 << 20)
        if not line:
            raise Abort()
        return line

    def read_exact(self, n):
        data = self.rfile.read(n)
        if data is None or len(data) != n:
            raise Abort()
        return data

    def read_request(self):
        line = self.rfile.readline(1 << 20)
        while line in (b"\r\n", b"\n"):  # tolerate stray CRLF between requests
            line = self.rfile.readline(1 << 20)
        if not line:
            return None
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3:
            self.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                       b"Connection: close\r\n\r\n")
            raise Abort()
        method, target, version = parts
        header_list = []
        while True:
            h = self.readline()
            if h in (b"\r\n", b"\n"):
                break
            name, _, value = from_bytes(h.rstrip(b"\r\n")).partition(":")
            header_list.append([name.strip(), value.strip()])
        headers = {}
        for name, value in header_list:
            k = name.lower()
            headers[k] = headers[k] + ", " + value if k in headers else value

        expect = headers.get("expect", "").lower() == "100-continue"
        if expect and version == "HTTP/1.1":
            self.write(b"HTTP/1.1 100 Continue\r\n\r\n")

        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if chunked:
            parts_ = []
            while True:
                size_line = self.readline().split(b";")[0].strip()
                size = int(size_line, 16)
                if size == 0:
                    while self.readline() not in (b"\r\n", b"\n"):
                        pass  # trailers are ignored
                    break
                parts_.append(self.read_exact(size))
                self.readline()
            body = b"".join(parts_)
        elif "content-length" in headers:
            body = self.read_exact(int(headers["content-length"]))
        else:
            body = b""

        conn = headers.get("connection", "").lower()
        if version == "HTTP/1.0":
            keep = "keep-alive" in conn
        else:
            keep = "close" not in conn
        with LOCK:
            STATE["seq"] += 1
            rec = {
                "seq": STATE["seq"], "connection": self.conn_id,
                "time": time.time(), "method": method, "path": target,
                "route": target.split("?", 1)[0], "version": version,
                "header_list": header_list, "headers": headers,
                "body": body, "body_size": len(body), "chunked": chunked,
                "expect_continue": expect,
            }
            STATE["records"].append(rec)
        return rec, keep

    # -- writing -----------------------------------------------------------
    def write(self, data):
        try:
            self.connection.sendall(data)
        except OSError:
            raise Abort()

    def abort(self, rst):
        if rst:
            try:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER,
                    b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
        raise Abort()

    def handle(self):
        try:
            while True:
                got = self.read_request()
                if got is None:
                    return
                rec, keep = got
                if not self.respond(rec, keep):
                    return
        except (Abort, OSError, ValueError):
            return

    def respond(self, rec, keep):
        s = take_script(rec) or {}
        if s.get("delay_ms"):
            time.sleep(s["delay_ms"] / 1000.0)
        if s.get("hangup"):
            self.abort(s.get("rst"))

        status = int(s.get("status", 200))
        ctype = "application/json"
        pieces = None
        if "body_b64" in s:
            body = base64.b64decode(s["body_b64"])
            ctype = None
        elif "body" in s:
            body = to_bytes(s["body"])
            ctype = None
        elif "json" in s:
            body = to_bytes(dumps(s["json"]))
        elif "sse" in s:
            ctype = "text/event-stream"
            pieces = [sse_event(e) for e in s["sse"]]
            body = b"".join(pieces)
        elif "sse_raw" in s or "sse_raw_b64" in s:
            ctype = "text/event-stream"
            body = (base64.b64decode(s["sse_raw_b64"]) if "sse_raw_b64" in s
                    else to_bytes(s["sse_raw"]))
        elif "body_bytes" in s:
            body = padded_message(request_model(rec["body"]),
                                  int(s["body_bytes"]))
        else:
            body = to_bytes(dumps(default_message(request_model(rec["body"]))))
        if s.get("content_type"):
            ctype = s["content_type"]
        if status in (204, 304) or 100 <= status < 200:
            body, pieces = b"", None
        gzipped = bool(s.get("gzip")) and body and "gzip" in \
            rec["headers"].get("accept-encoding", "").lower()
        if gzipped:
            body, pieces = gzip.compress(body), None
        no_body = rec["method"].upper() == "HEAD"

        close = bool(s.get("close")) or not keep
        defaults = []
        if ctype:
            defaults.append(["content-type", ctype])
        defaults.append(["request-id", "req_fake_%d" % rec["seq"]])
        if gzipped:
            defaults.append(["content-encoding", "gzip"])
        headers = []
        script_names = set()
        for name, value in header_pairs(s.get("headers")):
            script_names.add(name.lower())
            if value is not None:
                headers.append([name, str(value) if not isinstance(value, str)
                                else value])
        headers = [h for h in defaults if h[0] not in script_names] + headers
        if s.get("header_bytes"):
            headers.append(["x-huge", "h" * int(s["header_bytes"])])

        chunked = False
        if not ({"content-length", "transfer-encoding"} & script_names):
            if s.get("no_content_length"):
                close = True
            elif s.get("chunked"):
                chunked = True
                headers.append(["Transfer-Encoding", "chunked"])
            else:
                headers.append(["Content-Length", str(len(body))])
        if close:
            headers.append(["Connection", "close"])

        reason = s.get("reason")
        if reason is None:
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Unknown"
        head = "HTTP/1.1 %d %s\r\n" % (status, reason)
        head += "".join("%s: %s\r\n" % (n, v) for n, v in headers) + "\r\n"
        self.write(to_bytes(head))
        if no_body:  # HEAD: the headers describe the body, none is sent
            return not close

        # Split the body into writes.
        sizes = [int(x) for x in s.get("chunk_sizes") or [] if int(x) > 0]
        if sizes:
            pieces, pos, i = [], 0, 0
            while pos < len(body):
                pieces.append(body[pos:pos + sizes[i % len(sizes)]])
                pos += sizes[i % len(sizes)]
                i += 1
        elif pieces is None:
            pieces = [body] if body else []
        pieces = [p for p in pieces if p]

        drop = s.get("drop_after_bytes")
        delay = (s.get("chunk_delay_ms") or 0) / 1000.0
        sent = 0
        for n, p in enumerate(pieces):
            if n > 0 and delay:
                time.sleep(delay)
            if drop is not None and sent + len(p) >= drop:
                part = p[:drop - sent]
                if chunked:
                    self.write(b"%x\r\n" % len(p) + part)
                elif part:
                    self.write(part)
                self.abort(s.get("rst"))
            self.write(b"%x\r\n%s\r\n" % (len(p), p) if chunked else p)
            sent += len(p)
        if drop is not None:
            self.abort(s.get("rst"))
        if chunked:
            self.write(b"0\r\n\r\n")
        return not close


def sse_event(e):
    if "raw_b64" in e:
        return base64.b64decode(e["raw_b64"])
    if "raw" in e:
        return to_bytes(e["raw"])
    out = []
    if e.get("event") is not None:
        out.append("event: %s\n" % e["event"])
    if e.get("id") is not None:
        out.append("id: %s\n" % e["id"])
    if "data" in e:
        data = e["data"]
        if not isinstance(data, str):
            data = dumps(data)
        for line in data.split("\n"):
            out.append("data: %s\n" % line)
    out.append("\n")
    return to_bytes("".join(out))


def padded_message(model, size):
    empty = to_bytes(dumps(default_message(model, "")))
    pad = max(0, size - len(empty))
    return to_bytes(dumps(default_message(model, "x" * pad)))


class QuietThreadingTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    tls = None  # an ssl.SSLContext: connections speak TLS

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls is not None:
            # (the handshake happens in the connection's thread, at its first read)
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        pass


# -- control -----------------------------------------------------------------

def public_record(r):
    out = dict(r)
    out["body_b64"] = base64.b64encode(out.pop("body")).decode("ascii")
    return out


class ControlHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, value, status=200):
        data = json.dumps(value).encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        return json.loads(from_bytes(raw)) if raw.strip() else None

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        with LOCK:
            if path == "/requests":
                v = [public_record(r) for r in STATE["records"]]
            elif path == "/requests/last":
                rs = STATE["records"]
                v = public_record(rs[-1]) if rs else None
            elif path == "/stats":
                v = {"connections": STATE["connections"],
                     "open_connections": STATE["open"],
                     "requests": len(STATE["records"]),
                     "queued": len(STATE["queue"])}
            elif path == "/queue":
                v = [dict(s) for s in STATE["queue"]]
            elif path == "/info":
                v = {"pid": os.getpid(), "executable": sys.executable,
                     "api_port": self.server.api_port}
            else:
                return self.reply({"error": "not found"}, 404)
        self.reply(v)

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        try:
            body = self.read_json()
        except ValueError as e:
            return self.reply({"error": "bad json: %s" % e}, 400)
        if path == "/reset":
            reset_state()
            self.reply({"ok": True})
        elif path == "/script":
            items = body if isinstance(body, list) else [body]
            for it in items:
                if not isinstance(it, dict):
                    return self.reply({"error": "script must be objects"}, 400)
            with LOCK:
                for it in items:
                    it = dict(it)
                    t = it.get("times", 1)
                    it["_left"] = -1 if t is None or t <= 0 else int(t)
                    STATE["queue"].append(it)
                n = len(STATE["queue"])
            self.reply({"ok": True, "queued": n})
        elif path == "/shutdown":
            self.reply({"ok": True})
            STOP.set()
        else:
            self.reply({"error": "not found"}, 404)


class QuietHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


def watch_stdin():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    STOP.set()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--no-stdin-watch", action="store_true")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *a: STOP.set())
    signal.signal(signal.SIGINT, lambda *a: STOP.set())

    api = QuietThreadingTCPServer(("127.0.0.1", 0), ApiHandler)
    if args.tls_cert:
        api.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        api.tls.load_cert_chain(args.tls_cert, args.tls_key)
    ctl = QuietHTTPServer(("127.0.0.1", 0), ControlHandler)
    ctl.api_port = api.server_address[1]
    for srv in (api, ctl):
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
    if not args.no_stdin_watch:
        threading.Thread(target=watch_stdin, daemon=True).start()

    tmp = "%s.%d.tmp" % (args.port_file, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d %d\n" % (api.server_address[1], ctl.server_address[1]))
    os.replace(tmp, args.port_file)

    while not STOP.wait(0.2):
        pass
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
