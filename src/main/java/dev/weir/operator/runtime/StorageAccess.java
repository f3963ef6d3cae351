package dev.weir.operator.runtime;

import dev.weir.runtime.storage.S3Settings;

/**
 * How the operator reaches a job's checkpoint storage: the S3 settings (keys read from the user's
 * Secret, held in memory only) and the job's base path {@code <prefix>/<namespace>/<job>}.
 */
public record StorageAccess(S3Settings s3, String basePath) {

    /** {@code s3://bucket/base}: what status and messages may show. */
    public String describe() {
        return "s3://" + s3.bucket() + "/" + basePath;
    }

    @Override
    public String toString() {
        return describe() + " at " + s3.endpoint();
    }
}
