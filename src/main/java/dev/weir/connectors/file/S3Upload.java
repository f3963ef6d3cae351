package dev.weir.connectors.file;

import java.util.List;

import dev.weir.runtime.storage.PartETag;

/**
 * A multipart upload whose parts are all uploaded: everything completing it needs, so it can be
 * kept in a checkpoint and completed by whichever attempt restores that checkpoint.
 */
record S3Upload(String key, String uploadId, List<PartETag> parts) {

    S3Upload {
        parts = List.copyOf(parts);
    }
}
