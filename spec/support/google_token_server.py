#!/usr/bin/env python3
"""Local fake of Google's OAuth 2.0 token endpoint, for the Vertex specs.
Needs Debian's python3-google-auth and python3-cryptography.

Usage: python3 spec/support/google_token_server.py --dir DIR --port-file PATH

At start it generates a fresh RSA key (never stored anywhere but DIR, a
temporary directory of the test run) and writes:
  DIR/service_account.json  a service-account key file whose token_uri is
                            this server's /token
  DIR/authorized_user.json  a gcloud-style authorized-user file (with a
                            token_uri pointing here)
then listens on 127.0.0.1 and writes "PORT\n" to PATH (atomically). Exits
when its stdin reaches EOF.

POST /token (application/x-www-form-urlencoded), as Google's:
  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT: the
    JWT is verified with google.auth.jwt.decode against the key's certificate
    (RS256 signature, aud https://oauth2.googleapis.com/token, iat/exp), and
    its header (alg RS256, typ JWT, kid = the key id) and claims (iss = the
    client_email, scope = cloud-platform, exp - iat <= 3600) are checked.
  grant_type=refresh_token&client_id&client_secret&refresh_token[&scope]: the
    three must match the authorized-user file.
  Success: 200 {"access_token": "ya29.fake-N", "expires_in": 3599,
  "token_type": "Bearer"}; refusal: 400 {"error": "invalid_grant",
  "error_description": ...}.
POST /control  {fail_status, fail_body, times, expires_in,
                expires_in_string}: the next `times` (default 1) token
                requests fail with that status and body; expires_in is used
                (as a string when expires_in_string) from then on.
GET  /requests list of {grant_type, ok, problems, claims, header, form_keys}.
POST /reset    clears requests and control settings.
"""
import argparse
import datetime
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import jwt

AUDIENCE = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
CLIENT_EMAIL = "lua-test@test-project.iam.gserviceaccount.com"
KEY_ID = "0123456789abcdef0123456789abcdef01234567"
CLIENT_ID = "client-id.apps.googleusercontent.com"
CLIENT_SECRET = "test-client-secret"
REFRESH_TOKEN = "1//test-refresh-token"

LOCK = threading.Lock()
STATE = {"requests": [], "fail": None, "expires_in": 3599, "expires_in_string": False, "seq": 0}
CERT_PEM = None


def make_key(directory, token_uri):
    global CERT_PEM
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CLIENT_EMAIL)])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .sign(key, hashes.SHA256()))
    CERT_PEM = cert.public_bytes(serialization.Encoding.PEM)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    sa = {
        "type": "service_account", "project_id": "test-project", "private_key_id": KEY_ID,
        "private_key": pem, "client_email": CLIENT_EMAIL, "client_id": "1234567890",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
    }
    au = {
        "type": "authorized_user", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN, "quota_project_id": "quota-project", "token_uri": token_uri,
    }
    for fname, doc in (("service_account.json", sa), ("authorized_user.json", au)):
        path = os.path.join(directory, fname)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f)


def check_jwt(assertion):
    problems, claims, header = [], None, None
    try:
        header = jwt.decode_header(assertion)
        claims = jwt.decode(assertion, certs=CERT_PEM, audience=AUDIENCE)
    except Exception as e:  # the signature, audience, iat or exp is wrong
        return ["jwt: %s" % e], claims, header
    if header.get("alg") != "RS256":
        problems.append("alg is %r" % header.get("alg"))
    if header.get("typ") != "JWT":
        problems.append("typ is %r" % header.get("typ"))
    if header.get("kid") != KEY_ID:
        problems.append("kid is %r" % header.get("kid"))
    if claims.get("iss") != CLIENT_EMAIL:
        problems.append("iss is %r" % claims.get("iss"))
    if claims.get("scope") != SCOPE:
        problems.append("scope is %r" % claims.get("scope"))
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int) or exp - iat > 3600 or exp - iat <= 0:
        problems.append("iat/exp are %r/%r" % (iat, exp))
    elif abs(iat - time.time()) > 300:
        problems.append("iat is not now")
    return problems, claims, header


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("content-length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        if self.path == "/requests":
            with LOCK:
                return self.reply(200, STATE["requests"])
        self.reply(404, {"error": "not_found"})

    def do_POST(self):
        raw = self.read_body()
        if self.path == "/reset":
            with LOCK:
                STATE.update(requests=[], fail=None, expires_in=3599, expires_in_string=False)
            return self.reply(200, True)
        if self.path == "/control":
            ctl = json.loads(raw or b"{}")
            with LOCK:
                if "fail_status" in ctl:
                    STATE["fail"] = {"status": ctl["fail_status"], "body": ctl.get("fail_body", ""),
                                     "times": ctl.get("times", 1)}
                if "expires_in" in ctl:
                    STATE["expires_in"] = ctl["expires_in"]
                STATE["expires_in_string"] = bool(ctl.get("expires_in_string"))
            return self.reply(200, True)
        if self.path != "/token":
            return self.reply(404, {"error": "not_found"})
        form = dict(urllib.parse.parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
        grant = form.get("grant_type")
        rec = {"grant_type": grant, "form_keys": sorted(form), "content_type": self.headers.get("content-type")}
        problems, claims, header = [], None, None
        if not (self.headers.get("content-type") or "").startswith("application/x-www-form-urlencoded"):
            problems.append("content-type is %r" % self.headers.get("content-type"))
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            p, claims, header = check_jwt(form.get("assertion", ""))
            problems += p
        elif grant == "refresh_token":
            for k, want in (("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET),
                            ("refresh_token", REFRESH_TOKEN)):
                if form.get(k) != want:
                    problems.append("%s does not match" % k)
        else:
            problems.append("grant_type is %r" % grant)
        rec.update(ok=not problems, problems=problems, claims=claims, header=header)
        with LOCK:
            STATE["requests"].append(rec)
            STATE["seq"] += 1
            seq = STATE["seq"]
            fail = STATE["fail"]
            if fail:
                fail["times"] -= 1
                if fail["times"] <= 0:
                    STATE["fail"] = None
            expires = STATE["expires_in"]
            if STATE["expires_in_string"]:
                expires = str(expires)
        if fail:
            body = fail["body"].encode()
            self.send_response(fail["status"])
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if problems:
            return self.reply(400, {"error": "invalid_grant", "error_description": "; ".join(problems)})
        self.reply(200, {"access_token": "ya29.fake-%d" % seq, "expires_in": expires, "token_type": "Bearer"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    port = srv.server_address[1]
    make_key(args.dir, "http://127.0.0.1:%d/token" % port)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    tmp = "%s.%d.tmp" % (args.port_file, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, args.port_file)
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
