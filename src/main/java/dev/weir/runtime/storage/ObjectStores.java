package dev.weir.runtime.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Opens the {@link ObjectStore} a storage URI names. */
public final class ObjectStores {

    private ObjectStores() {}

    /**
     * @param uri {@code file:///path}, a plain path, or {@code s3://bucket/prefix}
     * @param s3 endpoint and credentials for {@code s3://} URIs (their bucket and prefix are taken
     *     from the URI); may be null for local paths
     */
    public static ObjectStore open(String uri, S3Settings s3) throws IOException {
        if (uri.startsWith("s3://")) {
            if (s3 == null) {
                throw new IllegalArgumentException(uri + " needs S3 settings (endpoint and credentials)");
            }
            String rest = uri.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            return new S3ObjectStore(s3.withLocation(bucket, prefix));
        }
        if (uri.startsWith("file:")) {
            return new LocalObjectStore(Path.of(URI.create(uri)));
        }
        if (uri.contains("://")) {
            throw new IllegalArgumentException("unsupported storage URI " + uri + " (use file:// or s3://)");
        }
        return new LocalObjectStore(Path.of(uri));
    }
}
