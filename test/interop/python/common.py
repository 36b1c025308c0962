"""Shared setup for the boto3 interop scenarios: a client for the Aitta
endpoint the test passed in AITTA_ENDPOINT (credentials, region and
addressing style come from the isolated AWS config the test wrote), a record
of the hosts requests were sent to, local checksum references, and the one
JSON document each scenario prints for the test to assert on."""

import base64
import json
import os
import sys
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HOSTS = set()


def client(**config):
    s3 = boto3.client("s3", endpoint_url=os.environ["AITTA_ENDPOINT"], config=Config(**config))

    def record_host(request, **_):
        HOSTS.add(request.url.split("/")[2])

    s3.meta.events.register("before-send.s3", record_host)
    return s3


def error_of(call):
    """Runs call(); returns the S3 error code and HTTP status it failed with, or None."""
    try:
        call()
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    return None


def _reflected_table(poly):
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC32C = _reflected_table(0x82F63B78)
_CRC64NVME = _reflected_table(0x9A6C9329AC4BC9B5)


def _reflected_crc(data, table, bits):
    mask = (1 << bits) - 1
    crc = mask
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return (crc ^ mask).to_bytes(bits // 8, "big")


def b64(raw):
    return base64.b64encode(raw).decode()


def crc32(data):
    return b64((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big"))


def crc32_raw(data):
    return (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")


def crc32c(data):
    return b64(_reflected_crc(data, _CRC32C, 32))


def crc64nvme(data):
    return b64(_reflected_crc(data, _CRC64NVME, 64))


def emit(result):
    result["hosts"] = sorted(HOSTS)
    sys.stdout.write(json.dumps(result, default=str) + "\n")
