#!/usr/bin/python3
# From shared/infra/ssh-hosts (a tested recipe), copied unchanged into the repo for the SSH tests.
"""s3probe.py - stdlib-only S3 client (SigV4, path style) to prove that a host reaches the S3
endpoint with working signatures. No boto3 needed, so it runs on any "host" as-is.

usage: s3probe.py ENDPOINT ls                      list buckets
       s3probe.py ENDPOINT mb|rb BUCKET            make / remove a bucket
       s3probe.py ENDPOINT put BUCKET KEY TEXT     put an object
       s3probe.py ENDPOINT get|rm BUCKET KEY       print / delete an object
env: AWS_ACCESS_KEY_ID (default CIACCESSKEY), AWS_SECRET_ACCESS_KEY (CISECRETKEY),
     AWS_REGION (us-east-1). Exit 0 on HTTP 2xx; prints the HTTP status.
"""
import datetime
import hashlib
import hmac
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

ACCESS = os.environ.get("AWS_ACCESS_KEY_ID", "CIACCESSKEY")
SECRET = os.environ.get("AWS_SECRET_ACCESS_KEY", "CISECRETKEY")
REGION = os.environ.get("AWS_REGION", "us-east-1")


def request(endpoint, method, path, body=b""):
    host = urllib.parse.urlsplit(endpoint).netloc      # what urllib sends as Host (host:port)
    amzdate = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    day = amzdate[:8]
    payload_hash = hashlib.sha256(body).hexdigest()
    uri = urllib.parse.quote(path, safe="/-_.~")
    headers = {"host": host, "x-amz-content-sha256": payload_hash, "x-amz-date": amzdate}
    signed = ";".join(sorted(headers))
    canonical = "\n".join([method, uri, "", "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)),
                           signed, payload_hash])
    scope = f"{day}/{REGION}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amzdate, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + SECRET).encode()
    for part in (day, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    req = urllib.request.Request(endpoint.rstrip("/") + uri, method=method,
                                 data=body if method in ("PUT", "POST") else None)
    req.add_header("x-amz-content-sha256", payload_hash)
    req.add_header("x-amz-date", amzdate)
    req.add_header("Authorization", f"AWS4-HMAC-SHA256 Credential={ACCESS}/{scope}, "
                                    f"SignedHeaders={signed}, Signature={signature}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    endpoint, op, args = argv[1], argv[2], argv[3:]
    if op == "ls":
        st, body = request(endpoint, "GET", "/")
        names = re.findall(r"<Name>([^<]*)</Name>", body.decode(errors="replace"))
        print(f"HTTP {st} buckets={names}")
    elif op in ("mb", "rb"):
        st, body = request(endpoint, "PUT" if op == "mb" else "DELETE", f"/{args[0]}")
        print(f"HTTP {st} {op} {args[0]}")
    elif op == "put":
        st, body = request(endpoint, "PUT", f"/{args[0]}/{args[1]}", args[2].encode())
        print(f"HTTP {st} put {args[0]}/{args[1]}")
    elif op == "get":
        st, body = request(endpoint, "GET", f"/{args[0]}/{args[1]}")
        print(f"HTTP {st} get {args[0]}/{args[1]}: {body.decode(errors='replace')}")
    elif op == "rm":
        st, body = request(endpoint, "DELETE", f"/{args[0]}/{args[1]}")
        print(f"HTTP {st} rm {args[0]}/{args[1]}")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    if not 200 <= st < 300:
        print(body.decode(errors="replace")[:500], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
