"""generate_presigned_url for get_object and put_object, used with urllib
(which honours the same HTTP_PROXY as botocore), with botocore's default
presigning (SigV2 query string for S3) and with signature_version s3v4:
argv = bucket."""

import sys
import urllib.error
import urllib.request

from common import client, emit

bucket = sys.argv[1]
KEY = "shared/a file+plus&amp.txt"


def fetch(url, method="GET", data=None, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method, data=data, headers=headers or {})) as r:
            return {"status": r.status, "body": r.read().decode()}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode()}


def scenario(s3, name):
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": KEY}, ExpiresIn=300)
    put_key = f"shared/uploaded-{name}"
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": put_key, "ContentType": "text/plain"}, ExpiresIn=300,
    )
    put = fetch(put_url, "PUT", f"uploaded with {name}".encode(), {"Content-Type": "text/plain"})
    head = s3.head_object(Bucket=bucket, Key=put_key) if put["status"] == 200 else {}
    return {
        "getUrl": get_url,
        "get": fetch(get_url),
        "tampered": fetch(get_url.replace("/shared/", "/shared/x")),
        "put": put,
        "afterPut": s3.get_object(Bucket=bucket, Key=put_key)["Body"].read().decode() if put["status"] == 200 else None,
        "afterPutType": head.get("ContentType"),
    }


s3 = client()
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key=KEY, Body=b"presigned content")
emit({"default": scenario(s3, "default"), "s3v4": scenario(client(signature_version="s3v4"), "s3v4")})
