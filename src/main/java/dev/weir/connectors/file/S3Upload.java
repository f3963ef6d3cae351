package dev.weir.connectors.file;

import java.util.List;

import dev.weir.runtime.storage.PartETag;
import dev.weir.runtime.storage.S3Settings;

/**
 * A multipart upload whose parts are all uploaded: everything completing it needs, so it can be
 * kept in a checkpoint and completed by whichever attempt restores that checkpoint, also one whose
 * sink writes to another bucket or prefix (a job restored with another output location).
 *
 * @param bucket the bucket the upload is in; null in a handle from a checkpoint taken before
 *     handles named it, which was always the sink's own bucket and prefix then
 * @param keyPrefix the key prefix {@code key} is relative to
 */
record S3Upload(String bucket, String keyPrefix, String key, String uploadId, List<PartETag> parts) {

    S3Upload {
        parts = List.copyOf(parts);
    }

    /** Whether this upload is in the bucket and under the key prefix of {@code sink}. */
    boolean isIn(S3Settings sink) {
        return bucket == null || (bucket.equals(sink.bucket()) && keyPrefix.equals(sink.keyPrefix()));
    }
}
