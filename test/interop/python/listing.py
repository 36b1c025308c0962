"""Paginated listings over ~2,500 keys: argv = bucket. Writes the keys
(24 prefixes of 100 keys and 100 top-level keys) with a thread pool, then
lists them with the paginators, with and without a delimiter."""

import sys
from concurrent.futures import ThreadPoolExecutor

from common import client, emit

bucket = sys.argv[1]
s3 = client(max_pool_connections=16)
s3.create_bucket(Bucket=bucket)
keys = [f"p{i % 24:02d}/sub/k{i:05d}" for i in range(2400)] + [f"top-{i:03d}" for i in range(100)]
with ThreadPoolExecutor(16) as pool:
    list(pool.map(lambda key: s3.put_object(Bucket=bucket, Key=key, Body=key.encode()), keys))


def collect(operation, **params):
    found = {"keys": [], "prefixes": [], "pages": 0}
    for page in s3.get_paginator(operation).paginate(Bucket=bucket, **params):
        found["pages"] += 1
        found["keys"] += [o["Key"] for o in page.get("Contents", [])]
        found["prefixes"] += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    return found


emit({
    "written": len(keys),
    "v2": collect("list_objects_v2"),
    "v2Small": collect("list_objects_v2", PaginationConfig={"PageSize": 333}),
    "v2Delimiter": collect("list_objects_v2", Delimiter="/", PaginationConfig={"PageSize": 7}),
    "v2PrefixDelimiter": collect("list_objects_v2", Prefix="p05/", Delimiter="/"),
    "v2Prefix": collect("list_objects_v2", Prefix="p05/sub/", PaginationConfig={"PageSize": 30}),
    "v2StartAfter": collect("list_objects_v2", StartAfter="p23/sub/k02399"),
    "v1Delimiter": collect("list_objects", Delimiter="/", PaginationConfig={"PageSize": 7}),
    "v1": collect("list_objects", PaginationConfig={"PageSize": 1000}),
})
