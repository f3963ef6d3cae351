package dev.weir.runtime.storage;

import static dev.weir.runtime.checkpoint.CheckpointType.CHECKPOINT;
import static dev.weir.runtime.storage.CheckpointFixtures.writeCompleted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.local.EmbeddedS3Server;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class S3ObjectStoreIT extends ObjectStoreContract {

    private static final String BUCKET = "weir-it";
    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();

    private static EmbeddedS3Server server;

    private S3ObjectStore store;

    @BeforeAll
    static void startServer() throws IOException {
        server = EmbeddedS3Server.startInMemory();
        try (S3ObjectStore admin = new S3ObjectStore(server.settings(BUCKET))) {
            admin.ensureBucket();
            admin.ensureBucket(); // a second call finds the bucket and does nothing
        }
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Every test gets its own key prefix, which also exercises prefix handling. */
    @BeforeEach
    void open() {
        store = new S3ObjectStore(server.settings(BUCKET).withLocation(BUCKET, "run/t" + TEST_NUMBER.incrementAndGet()));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Test
    void describeNamesBucketAndPrefixButNoCredentials() {
        assertThat(store.describe()).isEqualTo("s3://" + BUCKET + "/run/t" + TEST_NUMBER.get());
        assertThat(store.describe() + store + store.settings())
                .doesNotContain(server.secretKey())
                .doesNotContain(server.accessKey());
    }

    @Test
    void keysLiveUnderThePrefixInTheBucket() throws Exception {
        store.put("a/b", bytes("x"));

        try (S3ObjectStore bucketRoot = new S3ObjectStore(server.settings(BUCKET))) {
            assertThat(bucketRoot.list("run/t" + TEST_NUMBER.get() + "/")).containsExactly("run/t" + TEST_NUMBER.get() + "/a/b");
        }
    }

    @Test
    void deleteAllRemovesMoreThanOneBatch() throws Exception {
        // MinIO deletes in batches of 1000; write in parallel to keep the test fast.
        ExecutorService writers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < 1_005; i++) {
                String key = "many/" + i;
                puts.add(writers.submit(() -> {
                    store.put(key, new byte[] {1});
                    return null;
                }));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            writers.shutdown();
        }
        assertThat(store.list("many/")).hasSize(1_005);

        store.deleteAll("many/");

        assertThat(store.list("many/")).isEmpty();
    }

    @Test
    void wrongCredentialsFailWithoutLeakingTheSecret() {
        String wrongSecret = "not-the-right-secret-0123456789";
        S3Settings wrong = new S3Settings(server.endpoint(), BUCKET, "us-east-1", true, server.accessKey(), wrongSecret, "");

        try (S3ObjectStore denied = new S3ObjectStore(wrong)) {
            assertThatThrownBy(() -> denied.put("x", bytes("x")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(server.endpoint())
                    .hasMessageContaining("s3://" + BUCKET + "/x")
                    .hasMessageNotContaining(wrongSecret)
                    .hasMessageNotContaining(server.secretKey())
                    .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(wrongSecret));
            assertThatThrownBy(() -> denied.list(""))
                    .isInstanceOf(IOException.class)
                    .hasMessageNotContaining(wrongSecret);
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void missingBucketIsAClearIOException() {
        try (S3ObjectStore missing = new S3ObjectStore(server.settings("no-such-bucket"))) {
            assertThatThrownBy(() -> missing.put("x", bytes("x")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("s3://no-such-bucket/x")
                    .hasMessageContaining("NoSuchBucket");
        }
    }

    @Test
    void checkpointStorageFindsTheLatestCompletedCheckpointOnS3() throws Exception {
        CheckpointStorage storage = new CheckpointStorage(store, "weir/default/keyed-count");
        writeCompleted(storage, 1, CHECKPOINT);
        CheckpointMetadata second = writeCompleted(storage, 2, CHECKPOINT);
        writeCompleted(storage, 3, CHECKPOINT);
        store.put("weir/default/keyed-count/checkpoints/chk-3/_metadata", bytes("not json"));
        CheckpointFixtures.writeStateOnly(storage, 4, CHECKPOINT);

        var latest = storage.findLatestCompleted().orElseThrow();

        assertThat(latest.id()).isEqualTo(2);
        assertThat(latest.metadata()).isEqualTo(second);
        assertThat(latest.location())
                .isEqualTo("s3://" + BUCKET + "/run/t" + TEST_NUMBER.get() + "/weir/default/keyed-count/checkpoints/chk-2");
        assertThat(storage.readMetadata(latest.location())).isEqualTo(second);
        var handle = second.operators().get("count-op").get(0).keyGroups().get(0);
        assertThat(storage.readState(handle)).isEqualTo(bytes("KG0-"));

        storage.retainLatest(1);
        assertThat(storage.completedCheckpointIds()).containsExactly(2L, 3L);
        assertThat(storage.highestCheckpointIdSeen()).isEqualTo(4);
    }

    @Test
    void opensFromAnS3Uri() throws Exception {
        String prefix = "run/t" + TEST_NUMBER.get() + "/from-uri";
        try (CheckpointStorage storage = CheckpointStorage.open("s3://" + BUCKET + "/" + prefix, "weir/ns/job", server.settings("ignored"))) {
            writeCompleted(storage, 1, CHECKPOINT);
            assertThat(storage.location(1, CHECKPOINT)).isEqualTo("s3://" + BUCKET + "/" + prefix + "/weir/ns/job/checkpoints/chk-1");
        }
        assertThat(store.list("from-uri/weir/ns/job/checkpoints/chk-1/")).hasSize(2);
    }

    /**
     * SSL_CERT_FILE and SSL_CERT_DIR are read only for a TLS endpoint: a plain http:// one (the
     * embedded store, a MinIO in the cluster) works whatever they hold, here a file that is no
     * certificate at all, and a worker no longer spends seconds of start-up parsing the system's
     * certificates for it.
     */
    @Test
    void aPlainHttpEndpointNeverReadsTheCertificateFiles() throws Exception {
        java.nio.file.Path certificates = java.nio.file.Files.createTempDirectory("weir-certs");
        java.nio.file.Path broken = certificates.resolve("broken.pem");
        try {
            java.nio.file.Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n");
            ProcessBuilder child = new ProcessBuilder(
                    java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), S3RoundTripMain.class.getName(),
                    server.endpoint(), BUCKET, "run/child-" + TEST_NUMBER.get())
                    .redirectErrorStream(true);
            child.environment().put("SSL_CERT_FILE", broken.toString());
            child.environment().put("SSL_CERT_DIR", certificates.toString());
            child.environment().put("TEST_S3_ACCESS_KEY", server.accessKey());
            child.environment().put("TEST_S3_SECRET_KEY", server.secretKey());
            Process process = child.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

            assertThat(process.waitFor()).as(output).isZero();
            assertThat(output).contains("round trip");
        } finally {
            java.nio.file.Files.deleteIfExists(broken);
            java.nio.file.Files.deleteIfExists(certificates);
        }
    }
}
