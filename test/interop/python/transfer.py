"""upload_file and download_file through s3transfer with a small multipart
threshold: argv = bucket, source file, download destination."""

import hashlib
import sys

from boto3.s3.transfer import TransferConfig

from common import client, emit

MiB = 1024 * 1024

bucket, source, destination = sys.argv[1:4]
s3 = client()
s3.create_bucket(Bucket=bucket)
config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)
s3.upload_file(source, bucket, "big/object.bin", Config=config, ExtraArgs={"Metadata": {"origin": "boto3"}})
head = s3.head_object(Bucket=bucket, Key="big/object.bin")
part = s3.head_object(Bucket=bucket, Key="big/object.bin", PartNumber=1)
s3.download_file(bucket, "big/object.bin", destination, Config=config)
with open(destination, "rb") as f:
    downloaded = hashlib.md5(f.read()).hexdigest()
emit({
    "etag": head["ETag"],
    "length": head["ContentLength"],
    "metadata": head["Metadata"],
    "partsCount": part.get("PartsCount"),
    "part1Length": part["ContentLength"],
    "downloadedMd5": downloaded,
})
