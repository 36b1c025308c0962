"""copy_object with MetadataDirective COPY and REPLACE: argv = bucket."""

import sys

from common import client, emit, error_of

bucket = sys.argv[1]
s3 = client()
s3.create_bucket(Bucket=bucket)
body = bytes(range(256)) * 400
s3.put_object(Bucket=bucket, Key="src", Body=body, Metadata={"a": "1", "b": "two"}, ContentType="text/x-src")


def describe(key):
    head = s3.head_object(Bucket=bucket, Key=key)
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return {"metadata": head["Metadata"], "contentType": head["ContentType"], "etag": head["ETag"], "same": data == body}


copied = s3.copy_object(Bucket=bucket, Key="dst/copy", CopySource={"Bucket": bucket, "Key": "src"})
s3.copy_object(
    Bucket=bucket, Key="dst/replace", CopySource=f"{bucket}/src",
    MetadataDirective="REPLACE", Metadata={"c": "3"}, ContentType="text/x-new",
)
s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"}, MetadataDirective="REPLACE", Metadata={"self": "yes"}, ContentType="text/x-self")
emit({
    "copyEtag": copied["CopyObjectResult"]["ETag"],
    "copy": describe("dst/copy"),
    "replace": describe("dst/replace"),
    "self": describe("src"),
    "selfWithoutReplace": error_of(lambda: s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"})),
    "missingSource": error_of(lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "nope"})),
})
