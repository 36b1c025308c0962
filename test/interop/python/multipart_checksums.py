"""Multipart uploads with ChecksumAlgorithm=CRC32, ChecksumType FULL_OBJECT and
COMPOSITE, then get_object/head_object with PartNumber: argv = bucket."""

import hashlib
import os
import sys

from common import b64, client, crc32, crc32_raw, emit

MiB = 1024 * 1024

bucket = sys.argv[1]
s3 = client()
s3.create_bucket(Bucket=bucket)
parts = [os.urandom(5 * MiB), os.urandom(2 * MiB + 17)]
whole = b"".join(parts)


def upload(checksum_type):
    key = f"mp-{checksum_type.lower()}"
    created = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="CRC32", ChecksumType=checksum_type)
    upload_id = created["UploadId"]
    done_parts = []
    for number, body in enumerate(parts, start=1):
        r = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body, ChecksumAlgorithm="CRC32")
        done_parts.append({"PartNumber": number, "ETag": r["ETag"], "ChecksumCRC32": r.get("ChecksumCRC32")})
    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)
    extra = {"ChecksumCRC32": crc32(whole)} if checksum_type == "FULL_OBJECT" else {}
    completed = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, ChecksumType=checksum_type,
        MultipartUpload={"Parts": done_parts}, **extra,
    )
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    got = s3.get_object(Bucket=bucket, Key=key)
    body = got["Body"].read()
    part1 = s3.get_object(Bucket=bucket, Key=key, PartNumber=1)
    part1_body = part1["Body"].read()
    part2_head = s3.head_object(Bucket=bucket, Key=key, PartNumber=2)
    return {
        "createAlgorithm": created.get("ChecksumAlgorithm"),
        "createType": created.get("ChecksumType"),
        "partChecksums": [p["ChecksumCRC32"] for p in done_parts],
        "listedChecksums": [p.get("ChecksumCRC32") for p in listed["Parts"]],
        "listedType": listed.get("ChecksumType"),
        "completeChecksum": completed.get("ChecksumCRC32"),
        "completeType": completed.get("ChecksumType"),
        "headChecksum": head.get("ChecksumCRC32"),
        "headType": head.get("ChecksumType"),
        "etag": head["ETag"],
        "bodyOk": hashlib.md5(body).hexdigest() == hashlib.md5(whole).hexdigest(),
        "part1": {
            "length": part1["ContentLength"], "partsCount": part1.get("PartsCount"), "range": part1.get("ContentRange"),
            "ok": part1_body == parts[0],
        },
        "part2Head": {"length": part2_head["ContentLength"], "partsCount": part2_head.get("PartsCount"), "range": part2_head.get("ContentRange")},
    }


emit({
    "expected": {
        "parts": [crc32(p) for p in parts],
        "FULL_OBJECT": crc32(whole),
        "COMPOSITE": b64(crc32_raw(b"".join(crc32_raw(p) for p in parts))) + f"-{len(parts)}",
        "etag": '"%s-%d"' % (hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest(), len(parts)),
        "sizes": [len(p) for p in parts],
    },
    "FULL_OBJECT": upload("FULL_OBJECT"),
    "COMPOSITE": upload("COMPOSITE"),
})
