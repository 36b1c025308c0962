"""Bucket lifecycle through boto3: argv = bucket, seconds to wait for the worker.
Sets a V2 configuration (an Expiration for tmp/ objects, an
AbortIncompleteMultipartUpload for uploads under mp/), reads it back, stores
objects and starts uploads, then waits until the worker has expired and
aborted what the rules name, and reports what is left."""

import sys
import time

from common import client, emit, error_of

bucket, wait = sys.argv[1], float(sys.argv[2])
s3 = client()
s3.create_bucket(Bucket=bucket)
rules = [
    {"ID": "tmp-1-day", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
    {"ID": "abort-mp", "Filter": {"Prefix": "mp/"}, "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
    {"ID": "disabled", "Filter": {"Prefix": ""}, "Status": "Disabled", "Expiration": {"Days": 1}},
]
s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
read_back = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
bad_days = error_of(lambda: s3.put_bucket_lifecycle_configuration(
    Bucket=bucket,
    LifecycleConfiguration={"Rules": [{"ID": "x", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 0}}]},
))

put = s3.put_object(Bucket=bucket, Key="tmp/a", Body=b"a")
s3.put_object(Bucket=bucket, Key="tmp/b", Body=b"b")
s3.put_object(Bucket=bucket, Key="keep/c", Body=b"c")
head = s3.head_object(Bucket=bucket, Key="tmp/a")
kept_head = s3.head_object(Bucket=bucket, Key="keep/c")
copied = s3.copy_object(Bucket=bucket, Key="tmp/copy", CopySource={"Bucket": bucket, "Key": "keep/c"})
done = s3.create_multipart_upload(Bucket=bucket, Key="tmp/multipart")
part = s3.upload_part(Bucket=bucket, Key="tmp/multipart", UploadId=done["UploadId"], PartNumber=1, Body=b"part")
completed = s3.complete_multipart_upload(
    Bucket=bucket, Key="tmp/multipart", UploadId=done["UploadId"],
    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
)
old = s3.create_multipart_upload(Bucket=bucket, Key="mp/big")
old_upload = old["UploadId"]
other = s3.create_multipart_upload(Bucket=bucket, Key="keep/big")
other_upload = other["UploadId"]

deadline = time.time() + wait
while time.time() < deadline:
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    uploads = [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]
    if not any(key.startswith("tmp/") for key in keys) and "mp/big" not in uploads:
        break
    time.sleep(0.2)

s3.abort_multipart_upload(Bucket=bucket, Key="keep/big", UploadId=other_upload)
emit({
    "readBack": read_back,
    "badDays": bad_days,
    "putExpiration": put.get("Expiration"),
    "headExpiration": head.get("Expiration"),
    "headLastModified": head["LastModified"].timestamp(),
    "keptExpiration": kept_head.get("Expiration"),
    "copyExpiration": copied.get("Expiration"),
    "completeExpiration": completed.get("Expiration"),
    "abortDate": old.get("AbortDate").timestamp() if old.get("AbortDate") else None,
    "abortRuleId": old.get("AbortRuleId"),
    "otherAbortRuleId": other.get("AbortRuleId"),
    "keys": keys,
    "uploads": uploads,
    "abortedUploadGone": error_of(lambda: s3.list_parts(Bucket=bucket, Key="mp/big", UploadId=old_upload)),
})
