"""delete_objects, verbose and quiet: argv = bucket."""

import sys

from common import client, emit

bucket = sys.argv[1]
s3 = client()
s3.create_bucket(Bucket=bucket)
for i in range(10):
    s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x" * i)
verbose = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": f"k{i}"} for i in range(4)] + [{"Key": "never-existed"}]})
quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": f"k{i}"} for i in range(4, 7)], "Quiet": True})
left = s3.list_objects_v2(Bucket=bucket)
emit({
    "verboseDeleted": sorted(d["Key"] for d in verbose.get("Deleted", [])),
    "verboseErrors": verbose.get("Errors", []),
    "quietDeleted": quiet.get("Deleted", []),
    "quietErrors": quiet.get("Errors", []),
    "left": [o["Key"] for o in left.get("Contents", [])],
})
