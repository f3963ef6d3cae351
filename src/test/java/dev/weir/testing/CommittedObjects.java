package dev.weir.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.storage.MultipartUpload;
import dev.weir.runtime.storage.S3ObjectStore;

/**
 * Reads an S3 sink's output the way a downstream reader would: the objects a listing shows, which
 * are the completed ones only (multipart uploads in progress are never listed).
 */
public final class CommittedObjects {

    private CommittedObjects() {}

    /** Every line of every object under the store's prefix. */
    public static List<String> lines(S3ObjectStore store) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String key : store.list("")) {
            String text = new String(store.get(key), StandardCharsets.UTF_8);
            if (!text.isEmpty()) {
                if (!text.endsWith("\n")) {
                    throw new AssertionError("object " + key + " does not end with a newline");
                }
                lines.addAll(List.of(text.substring(0, text.length() - 1).split("\n", -1)));
            }
        }
        return lines;
    }

    public static List<String> keys(S3ObjectStore store) throws IOException {
        return store.list("");
    }

    /** Multipart uploads still open under the store's prefix. */
    public static List<MultipartUpload> openUploads(S3ObjectStore store) throws IOException {
        return store.multipartUploads().listMultipartUploads("");
    }
}
