package dev.weir.runtime.storage;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an S3-compatible bucket is and how to sign requests to it.
 *
 * @param endpoint e.g. {@code https://s3.eu-west-1.amazonaws.com} or {@code http://127.0.0.1:9000}
 * @param region null lets the client ask the server for the bucket's region
 * @param pathStyle address buckets as {@code endpoint/bucket} rather than {@code bucket.endpoint};
 *     most non-AWS servers (MinIO, S3Proxy, Ceph) want this
 * @param keyPrefix prepended (with '/') to every object key; empty for the bucket root
 */
public record S3Settings(
        String endpoint,
        String bucket,
        String region,
        boolean pathStyle,
        String accessKey,
        String secretKey,
        String keyPrefix) {

    /** S3's bucket naming rule (the part a typo breaks); the same as the spec validator's. */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Settings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("bucket must not be blank");
        }
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            // Caught here rather than by the client, which throws from inside each request builder.
            throw new IllegalArgumentException("invalid S3 bucket name '" + bucket + "': 3-63 lowercase letters,"
                    + " digits, '.' and '-', starting and ending with a letter or digit");
        }
        keyPrefix = trimSlashes(keyPrefix == null ? "" : keyPrefix);
    }

    /** The same endpoint and credentials, pointed at another bucket and key prefix. */
    public S3Settings withLocation(String bucket, String keyPrefix) {
        return new S3Settings(endpoint, bucket, region, pathStyle, accessKey, secretKey, keyPrefix);
    }

    /** {@code s3://bucket/prefix}: safe to log and to show users. */
    public String describe() {
        return keyPrefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + keyPrefix;
    }

    /** The full object key of a store-relative key. */
    String objectKey(String key) {
        return keyPrefix.isEmpty() ? key : keyPrefix + "/" + key;
    }

    /** The prefix every object key of this store starts with ("" or "prefix/"). */
    String objectKeyPrefix() {
        return keyPrefix.isEmpty() ? "" : keyPrefix + "/";
    }

    /** Leaves out both keys: this string ends up in logs, exceptions and status. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", location=" + describe() + ", region=" + region
                + ", pathStyle=" + pathStyle + "]";
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }
}
