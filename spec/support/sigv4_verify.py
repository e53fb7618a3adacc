#!/usr/bin/env python3
"""Re-derives the SigV4 signature of requests as a server received them, with
botocore's SigV4Auth (Debian's python3-botocore), and says whether the
request's own Authorization header matches.

Usage: python3 spec/support/sigv4_verify.py < input.json > output.json

Input: {"access_key", "secret_key", "session_token" (or null), "region",
        "service", "scheme" ("http"), "requests": [fake_server records:
        {method, path, header_list [[name, value]...], body_b64}]}
Output: a list, one per request: {"match": bool, "authorization": received,
        "expected": botocore's, "signed_headers": [...], "problems": [...]}

Like a real AWS front end, the check takes the headers named by the
Authorization's SignedHeaders (with their values as received), the received
X-Amz-Date as the signing time, the URL as received (Host header + target,
the path exactly as sent) and the body bytes, and signs them again.
"""
import base64
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class FixedClock:
    """Stands in for botocore.auth's datetime module during one signing."""

    def __init__(self, when):
        fixed = when

        class _Datetime(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return fixed

            @classmethod
            def now(cls, tz=None):
                return fixed.replace(tzinfo=tz) if tz else fixed

        self.datetime = _Datetime
        self.timezone = datetime.timezone
        self.timedelta = datetime.timedelta


def sign_as_botocore(args, rec, when):
    headers = {}
    for name, value in rec["header_list"]:
        headers.setdefault(name.lower(), []).append(value)
    auth = ",".join(headers.get("authorization", [""]))
    problems = []
    signed = []
    if auth.startswith("AWS4-HMAC-SHA256 "):
        for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
            k, _, v = part.strip().partition("=")
            if k == "SignedHeaders":
                signed = v.split(";")
    else:
        problems.append("no AWS4-HMAC-SHA256 Authorization header")
    for need in ("host", "x-amz-date"):
        if need not in signed:
            problems.append(need + " is not signed")
    if args.get("session_token") and "x-amz-security-token" not in signed:
        problems.append("x-amz-security-token is not signed")
    host = ",".join(headers.get("host", [""]))
    url = args.get("scheme", "http") + "://" + host + rec["path"]
    req = AWSRequest(method=rec["method"], url=url, data=base64.b64decode(rec["body_b64"]))
    for name in signed:
        if name in ("authorization", "x-amz-date", "x-amz-security-token"):
            continue  # botocore sets these itself
        if name not in headers:
            problems.append("signed header %s was not received" % name)
            continue
        req.headers[name] = ",".join(headers[name])
    creds = Credentials(args["access_key"], args["secret_key"], args.get("session_token") or None)
    signer = botocore.auth.SigV4Auth(creds, args["service"], args["region"])
    saved = botocore.auth.datetime
    saved_now = getattr(botocore.auth, "get_current_datetime", None)
    botocore.auth.datetime = FixedClock(when)
    if saved_now is not None:
        botocore.auth.get_current_datetime = lambda: when
    try:
        signer.add_auth(req)
    finally:
        botocore.auth.datetime = saved
        if saved_now is not None:
            botocore.auth.get_current_datetime = saved_now
    expected = req.headers["Authorization"]
    # botocore signs every header it is given except its own short list; so
    # its SignedHeaders must equal the received one for a match.
    return {
        "match": expected == auth and not problems,
        "authorization": auth,
        "expected": expected,
        "signed_headers": signed,
        "problems": problems,
    }


def main():
    args = json.load(sys.stdin)
    out = []
    for rec in args["requests"]:
        names = {n.lower(): v for n, v in rec["header_list"]}
        try:
            when = datetime.datetime.strptime(names.get("x-amz-date", ""), "%Y%m%dT%H%M%SZ")
        except ValueError:
            out.append({"match": False, "problems": ["no valid x-amz-date"]})
            continue
        out.append(sign_as_botocore(args, rec, when))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
