"""Flexible checksums on put_object and head_object(ChecksumMode=ENABLED):
argv = bucket. The default (CRC32, computed by botocore), SHA256 computed by
botocore, and CRC32C/CRC64NVME (botocore needs awscrt to compute those; without
it the value is computed here and sent explicitly)."""

import hashlib
import os
import sys

from botocore.exceptions import MissingDependencyException

from common import b64, client, crc32, crc32c, crc64nvme, emit, error_of

bucket = sys.argv[1]
s3 = client()
s3.create_bucket(Bucket=bucket)
sent = {}


def record_sent(request, **_):
    for name, value in request.headers.items():
        name = name.lower() if isinstance(name, str) else name.decode().lower()
        if name.startswith("x-amz-checksum-") or name in ("x-amz-trailer", "x-amz-sdk-checksum-algorithm"):
            sent[name] = value if isinstance(value, str) else value.decode()


s3.meta.events.register("before-send.s3.PutObject", record_sent)


def put_and_head(key, body, **params):
    sent.clear()
    put = s3.put_object(Bucket=bucket, Key=key, Body=body, **params)
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    checksums = lambda r: {k: v for k, v in r.items() if k.startswith("Checksum")}
    return {"sent": dict(sent), "put": checksums(put), "head": checksums(head), "etagOk": head["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()}


def explicit(algorithm, value, key, body):
    try:
        return dict(put_and_head(key, body, ChecksumAlgorithm=algorithm), computedBy="botocore")
    except MissingDependencyException:
        return dict(put_and_head(key, body, **{"Checksum" + algorithm: value}), computedBy="test")


small = os.urandom(1000)
large = os.urandom(100_000)
emit({
    "expected": {
        "smallCRC32": crc32(small),
        "CRC32": crc32(large),
        "SHA256": b64(hashlib.sha256(large).digest()),
        "CRC32C": crc32c(large),
        "CRC64NVME": crc64nvme(large),
    },
    "defaultSmall": put_and_head("default-small", small),
    "default": put_and_head("default", large),
    "SHA256": put_and_head("sha256", large, ChecksumAlgorithm="SHA256"),
    "CRC32C": explicit("CRC32C", crc32c(large), "crc32c", large),
    "CRC64NVME": explicit("CRC64NVME", crc64nvme(large), "crc64nvme", large),
    # botocore retries BadDigest (as network corruption) unless told not to.
    "wrongCRC32": error_of(lambda: client(retries={"total_max_attempts": 1}).put_object(
        Bucket=bucket, Key="default", Body=b"other", ChecksumCRC32=crc32(b"not other"),
    )),
    "afterWrong": s3.head_object(Bucket=bucket, Key="default", ChecksumMode="ENABLED").get("ChecksumCRC32"),
})
