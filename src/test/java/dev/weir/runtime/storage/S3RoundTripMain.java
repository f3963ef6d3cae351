package dev.weir.runtime.storage;

import java.nio.charset.StandardCharsets;

/**
 * Run in a JVM of its own by {@link S3ObjectStoreIT}, for what only a process's environment can
 * set: writes and reads back one object through {@link S3ObjectStore} and prints what it read.
 * Arguments: endpoint, bucket, key; the credentials come from {@code TEST_S3_ACCESS_KEY} and
 * {@code TEST_S3_SECRET_KEY}.
 */
public final class S3RoundTripMain {

    public static void main(String[] args) throws Exception {
        S3Settings settings = new S3Settings(args[0], args[1], null, true,
                System.getenv("TEST_S3_ACCESS_KEY"), System.getenv("TEST_S3_SECRET_KEY"), "");
        try (S3ObjectStore store = new S3ObjectStore(settings)) {
            store.put(args[2], "round trip".getBytes(StandardCharsets.UTF_8));
            System.out.println(new String(store.get(args[2]), StandardCharsets.UTF_8));
        }
        // The shared HTTP client's idle threads would keep the JVM for a minute.
        System.exit(0);
    }

    private S3RoundTripMain() {}
}
