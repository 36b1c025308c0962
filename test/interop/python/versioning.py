"""Versioning as applications use it through boto3: argv = bucket. Overwrite
and delete in an enabled bucket, read and restore an old version, page
through list_object_versions, delete versions and markers with
delete_objects, and the null version of a suspended bucket."""

import sys

from common import client, emit, error_of

bucket = sys.argv[1]
s3 = client()
s3.create_bucket(Bucket=bucket)
before = s3.get_bucket_versioning(Bucket=bucket).get("Status")
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
status = s3.get_bucket_versioning(Bucket=bucket)["Status"]

v1 = s3.put_object(Bucket=bucket, Key="data.csv", Body=b"first")["VersionId"]
v2 = s3.put_object(Bucket=bucket, Key="data.csv", Body=b"second")["VersionId"]
current = s3.get_object(Bucket=bucket, Key="data.csv")
old = s3.get_object(Bucket=bucket, Key="data.csv", VersionId=v1)
marker = s3.delete_object(Bucket=bucket, Key="data.csv")
after_delete = error_of(lambda: s3.get_object(Bucket=bucket, Key="data.csv"))
head_marker = error_of(lambda: s3.head_object(Bucket=bucket, Key="data.csv", VersionId=marker["VersionId"]))
missing_version = error_of(lambda: s3.get_object(Bucket=bucket, Key="data.csv", VersionId="a" * 32))
bad_version = error_of(lambda: s3.get_object(Bucket=bucket, Key="data.csv", VersionId="not-a-version"))

# Restore the first version by copying it over the key, as the S3 docs teach.
restored = s3.copy_object(Bucket=bucket, Key="data.csv", CopySource={"Bucket": bucket, "Key": "data.csv", "VersionId": v1})
restored_body = s3.get_object(Bucket=bucket, Key="data.csv")["Body"].read().decode()

for i in range(3):
    s3.put_object(Bucket=bucket, Key=f"logs/{i}.txt", Body=b"x" * i)
    s3.put_object(Bucket=bucket, Key=f"logs/{i}.txt", Body=b"y" * i)

pages = []
for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2}):
    pages.append(
        [(v["Key"], v["VersionId"], v["IsLatest"], "version") for v in page.get("Versions", [])]
        + [(m["Key"], m["VersionId"], m["IsLatest"], "marker") for m in page.get("DeleteMarkers", [])]
    )
listed = [entry for page in pages for entry in page]
folders = s3.list_object_versions(Bucket=bucket, Delimiter="/")

logs = [v for v in listed if v[0] == "logs/0.txt"]
deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "logs/0.txt", "VersionId": logs[1][1]}, {"Key": "logs/1.txt"}]})
after_batch = s3.list_object_versions(Bucket=bucket, Prefix="logs/")

s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
null_put = s3.put_object(Bucket=bucket, Key="suspended", Body=b"one")
s3.put_object(Bucket=bucket, Key="suspended", Body=b"two")
suspended_versions = s3.list_object_versions(Bucket=bucket, Prefix="suspended").get("Versions", [])
head_null = s3.head_object(Bucket=bucket, Key="suspended")

emit({
    "before": before,
    "status": status,
    "v1": v1,
    "v2": v2,
    "currentBody": current["Body"].read().decode(),
    "currentVersion": current["VersionId"],
    "oldBody": old["Body"].read().decode(),
    "oldVersion": old["VersionId"],
    "marker": {"DeleteMarker": marker.get("DeleteMarker"), "VersionId": marker.get("VersionId")},
    "afterDelete": after_delete,
    "headMarker": head_marker,
    "missingVersion": missing_version,
    "badVersion": bad_version,
    "restored": {"VersionId": restored.get("VersionId"), "CopySourceVersionId": restored.get("CopySourceVersionId")},
    "restoredBody": restored_body,
    "pageSizes": [len(p) for p in pages],
    "listed": listed,
    "folders": {
        "prefixes": [p["Prefix"] for p in folders.get("CommonPrefixes", [])],
        "keys": [v["Key"] for v in folders.get("Versions", [])] + [m["Key"] for m in folders.get("DeleteMarkers", [])],
    },
    "batchDeleted": sorted(
        [{"Key": d["Key"], "VersionId": d.get("VersionId"), "DeleteMarker": d.get("DeleteMarker", False)} for d in deleted.get("Deleted", [])],
        key=lambda d: d["Key"],
    ),
    "batchErrors": deleted.get("Errors", []),
    "afterBatch": {
        "versions": sorted((v["Key"], v["IsLatest"]) for v in after_batch.get("Versions", [])),
        "markers": sorted((m["Key"], m["IsLatest"]) for m in after_batch.get("DeleteMarkers", [])),
    },
    "nullPutVersion": null_put.get("VersionId"),
    "suspendedVersions": [(v["VersionId"], v["IsLatest"], v["Size"]) for v in suspended_versions],
    "headNullVersion": head_null.get("VersionId"),
})
