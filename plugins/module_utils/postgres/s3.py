# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Optional S3 copy of verified backups: upload after local verification, sha256 in object metadata,
checked again on download (boto3 is imported lazily, only when an s3_bucket is given)."""

from __future__ import annotations

import json
import os

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError, MissingDependencyError
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import AtomicFile, sha256_file
from ansible_collections.facturino.release.plugins.module_utils.postgres import manifest as mf

META_KEY = "sha256"


def client(params):
    try:
        import boto3  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise MissingDependencyError("s3_bucket needs the Python library boto3 on the managed host",
                                     hint="pip install boto3, or drop the s3_* options")
    kwargs = {"endpoint_url": params.get("s3_endpoint_url"), "region_name": params.get("s3_region"),
              "aws_access_key_id": params.get("s3_access_key"), "aws_secret_access_key": params.get("s3_secret_key")}
    return boto3.client("s3", **{key: value for key, value in kwargs.items() if value})


def _key(params, name):
    prefix = (params.get("s3_prefix") or "").strip("/")
    return "%s/%s" % (prefix, name) if prefix else name


def _files(path, manifest):
    """(local path, object name, sha256) of every file of a backup, manifest last (the completion marker)."""
    name = os.path.basename(path)
    if manifest.get("files"):
        items = [(os.path.join(path, rel), "%s/%s" % (name, rel), digest) for rel, digest in sorted(manifest["files"].items())]
    else:
        items = [(path, name, manifest["checksum"]["value"])]
    for extra in (mf.checksum_path(path), mf.manifest_path(path)):
        items.append((extra, os.path.basename(extra), sha256_file(extra)))
    return items


def _remote_sha(s3, bucket, key):
    from botocore.exceptions import ClientError  # pylint: disable=import-outside-toplevel
    try:
        return s3.head_object(Bucket=bucket, Key=key).get("Metadata", {}).get(META_KEY)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise BackupError("cannot read s3://%s/%s: %s" % (bucket, key, error), hint="check the bucket and credentials")


def upload(params, path, manifest, check_mode=False):
    """Upload a locally verified backup; skip objects already there with the same sha256. Returns uploaded keys."""
    if not (manifest.get("verification") or {}).get("verified"):
        raise BackupError("refusing to upload %s: it is not verified" % path, hint="dump with verify: true")
    from botocore.exceptions import BotoCoreError, ClientError  # pylint: disable=import-outside-toplevel
    s3, bucket, uploaded = client(params), params["s3_bucket"], []
    try:
        for local, name, digest in _files(path, manifest):
            key = _key(params, name)
            if _remote_sha(s3, bucket, key) == digest:
                continue
            if not check_mode:
                s3.upload_file(local, bucket, key, ExtraArgs={"Metadata": {META_KEY: digest}})
            uploaded.append(key)
    except (BotoCoreError, ClientError) as error:
        raise BackupError("upload to s3://%s failed: %s" % (bucket, error),
                          hint="check s3_bucket, s3_endpoint_url and the credentials", uploaded=uploaded)
    return uploaded


def find_by_label(params, label):
    """Name of the newest backup in the bucket whose manifest carries ``label``, or None."""
    from botocore.exceptions import BotoCoreError, ClientError  # pylint: disable=import-outside-toplevel
    s3, bucket, found = client(params), params["s3_bucket"], []
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=_key(params, ""))
        for page in pages:
            for item in page.get("Contents", []):
                if item["Key"].endswith(mf.MANIFEST_SUFFIX):
                    try:
                        manifest = json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
                    except ValueError:
                        continue
                    if manifest.get("label") == label and manifest.get("file"):
                        found.append((manifest.get("created_at") or "", manifest["file"]))
    except (BotoCoreError, ClientError) as error:
        raise BackupError("cannot list s3://%s: %s" % (bucket, error),
                          hint="check s3_bucket, s3_endpoint_url and the credentials")
    return max(found)[1] if found else None


def download(params, dest, name, check_mode=False):
    """Fetch backup ``name`` (single-file formats) and its sidecars into ``dest``; each sha256 is checked against
    the object metadata before the file gets its final name. Returns the local dump path."""
    from botocore.exceptions import BotoCoreError, ClientError  # pylint: disable=import-outside-toplevel
    s3, bucket = client(params), params["s3_bucket"]
    path = os.path.join(dest, name)
    if check_mode:
        return path
    try:
        for target in (path, mf.checksum_path(path), mf.manifest_path(path)):  # manifest last: completion marker
            key = _key(params, os.path.basename(target))
            expected = _remote_sha(s3, bucket, key)
            if expected is None:
                raise BackupError("s3://%s/%s is missing or has no sha256 metadata" % (bucket, key),
                                  hint="upload the backup again with state=dumped and s3_bucket")
            with AtomicFile(target) as tmp:
                s3.download_file(bucket, key, tmp.temp_path)
                actual = sha256_file(tmp.temp_path)
                if actual != expected:
                    raise BackupError("sha256 mismatch on download of s3://%s/%s: got %s, metadata says %s"
                                      % (bucket, key, actual, expected),
                                      hint="the object is damaged; use another backup")
                tmp.commit()
    except (BotoCoreError, ClientError) as error:
        raise BackupError("download from s3://%s failed: %s" % (bucket, error),
                          hint="check s3_bucket, s3_prefix, s3_endpoint_url and the credentials")
    return path
