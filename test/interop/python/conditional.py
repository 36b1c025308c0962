"""Conditional reads as botocore reports them: argv = bucket."""

import sys
from datetime import datetime, timedelta, timezone

from common import client, emit, error_of

bucket = sys.argv[1]
s3 = client()
s3.create_bucket(Bucket=bucket)
etag = s3.put_object(Bucket=bucket, Key="obj", Body=b"conditional body")["ETag"]
past = datetime.now(timezone.utc) - timedelta(days=1)
future = datetime.now(timezone.utc) + timedelta(days=1)
emit({
    "ifNoneMatchGet": error_of(lambda: s3.get_object(Bucket=bucket, Key="obj", IfNoneMatch=etag)),
    "ifNoneMatchHead": error_of(lambda: s3.head_object(Bucket=bucket, Key="obj", IfNoneMatch=etag)),
    "ifModifiedSinceFuture": error_of(lambda: s3.get_object(Bucket=bucket, Key="obj", IfModifiedSince=future)),
    "ifMatchWrong": error_of(lambda: s3.get_object(Bucket=bucket, Key="obj", IfMatch='"0123456789abcdef0123456789abcdef"')),
    "ifUnmodifiedSincePast": error_of(lambda: s3.get_object(Bucket=bucket, Key="obj", IfUnmodifiedSince=past)),
    "ifMatchRight": s3.get_object(Bucket=bucket, Key="obj", IfMatch=etag)["Body"].read().decode(),
    "ifNoneMatchOther": s3.get_object(Bucket=bucket, Key="obj", IfNoneMatch='"other"')["Body"].read().decode(),
    "ifModifiedSincePast": s3.get_object(Bucket=bucket, Key="obj", IfModifiedSince=past)["Body"].read().decode(),
})
