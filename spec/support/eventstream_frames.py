#!/usr/bin/env python3
"""Encodes Bedrock event-stream frames for the specs (an encoder written
from the format, independent of csrc/eventstream.c), and checks every frame
it makes by decoding it again with botocore's EventStreamBuffer.

Usage: python3 spec/support/eventstream_frames.py < frames.json  (prints base64)

Input: a list of frames, each one of
  {"chunk": "<Anthropic event JSON>"}           :event-type chunk; the payload
                                                 {"bytes": base64, "p": padding}
  {"exception": "<name>", "message": "..."}     :message-type exception
  {"error_code": "...", "error_message": "..."} :message-type error
  {"raw_chunk": "<payload>"}                    a chunk frame with that payload as it is
  {"prelude": total, "headers_len": n}          only a 12-byte prelude (for size limits)
Output: base64 of the frames back to back.
"""
import base64
import json
import struct
import sys
import zlib

from botocore.eventstream import EventStreamBuffer


def frame(headers, payload):
    hb = b""
    for name, value in headers:
        v = value.encode()
        hb += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(v)) + v
    prelude = struct.pack(">II", 16 + len(hb) + len(payload), len(hb))
    prelude += struct.pack(">I", zlib.crc32(prelude) & 0xFFFFFFFF)
    msg = prelude + hb + payload
    return msg + struct.pack(">I", zlib.crc32(msg) & 0xFFFFFFFF)


def encode(spec, i):
    if "prelude" in spec:
        p = struct.pack(">II", spec["prelude"], spec["headers_len"])
        return p + struct.pack(">I", zlib.crc32(p) & 0xFFFFFFFF)
    if "chunk" in spec:
        payload = json.dumps({"bytes": base64.b64encode(spec["chunk"].encode()).decode(),
                              "p": "abcdefghij"[: i % 10]}).encode()
        return frame([(":event-type", "chunk"), (":content-type", "application/json"),
                      (":message-type", "event")], payload)
    if "raw_chunk" in spec:
        return frame([(":event-type", "chunk"), (":content-type", "application/json"),
                      (":message-type", "event")], spec["raw_chunk"].encode())
    if "exception" in spec:
        return frame([(":exception-type", spec["exception"]), (":content-type", "application/json"),
                      (":message-type", "exception")], json.dumps({"message": spec["message"]}).encode())
    return frame([(":error-code", spec["error_code"]), (":error-message", spec["error_message"]),
                  (":message-type", "error")], b"")


def main():
    specs = json.load(sys.stdin)
    frames = [encode(s, i) for i, s in enumerate(specs)]
    buf = EventStreamBuffer()
    buf.add_data(b"".join(f for s, f in zip(specs, frames) if "prelude" not in s))
    for spec, msg in zip([s for s in specs if "prelude" not in s], buf):
        if "chunk" in spec:
            assert msg.headers[":event-type"] == "chunk"
            assert base64.b64decode(json.loads(msg.payload)["bytes"]).decode() == spec["chunk"]
        elif "exception" in spec:
            assert msg.headers[":exception-type"] == spec["exception"]
    sys.stdout.write(base64.b64encode(b"".join(frames)).decode())


if __name__ == "__main__":
    main()
