package dev.weir.local;

import static dev.weir.runtime.checkpoint.CheckpointType.CHECKPOINT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3ServerIT {

    @TempDir
    Path dir;

    @Test
    void filesystemBackendKeepsCheckpointsAcrossARestart() throws Exception {
        CheckpointMetadata written = new CheckpointMetadata(4, false, 1, 2, "job", 1, 128, Map.of());
        String endpoint;
        try (EmbeddedS3Server server = EmbeddedS3Server.startPersistent(dir);
                S3ObjectStore store = new S3ObjectStore(server.settings("weir"))) {
            endpoint = server.endpoint();
            store.ensureBucket();
            CheckpointStorage storage = new CheckpointStorage(store, "weir/default/job");
            storage.writeState(storage.stateKey(4, CHECKPOINT, new ExecutionVertexId("t", 0), 0, 127), new byte[] {1, 2});
            storage.writeMetadata(written, CHECKPOINT);
        }

        try (EmbeddedS3Server restarted = EmbeddedS3Server.startPersistent(dir);
                S3ObjectStore store = new S3ObjectStore(restarted.settings("weir"))) {
            store.ensureBucket();
            CheckpointStorage storage = new CheckpointStorage(store, "weir/default/job");

            var latest = storage.findLatestCompleted().orElseThrow();
            assertThat(latest.id()).isEqualTo(4);
            assertThat(latest.metadata()).isEqualTo(written);
            assertThat(store.list("weir/default/job/")).hasSize(2);
            assertThat(restarted.endpoint()).startsWith("http://127.0.0.1:").isNotEqualTo("http://127.0.0.1:0");
            assertThat(endpoint).isNotBlank();
        }
        assertThat(dir.resolve("weir/weir/default/job/checkpoints/chk-4/_metadata")).isRegularFile();
    }

    @Test
    void servesOnAGivenPortWithGivenCredentials() throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (EmbeddedS3Server server = EmbeddedS3Server.start(null, port, "weir-access", "weir-secret-key-123");
                S3ObjectStore store = new S3ObjectStore(server.settings("fixed"))) {
            store.ensureBucket();
            store.put("k", new byte[] {7});

            assertThat(server.endpoint()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(server.accessKey()).isEqualTo("weir-access");
            assertThat(server.secretKey()).isEqualTo("weir-secret-key-123");
            assertThat(store.get("k")).containsExactly(7);
            assertThat(server.settings("fixed").toString()).doesNotContain("weir-secret-key-123", "weir-access");
        }
    }

    @Test
    void aStoppedServerKeepsItsEndpointAndRefusesConnections() throws Exception {
        EmbeddedS3Server server = EmbeddedS3Server.startInMemory();
        int port = server.port();
        S3Settings settings = server.settings("gone");
        server.close();

        // Jetty reports -2 for a stopped connector: a client built from it failed with "port out of range".
        assertThat(server.port()).isEqualTo(port).isPositive();
        assertThat(server.endpoint()).isEqualTo("http://127.0.0.1:" + port);
        try (S3ObjectStore store = new S3ObjectStore(settings)) {
            assertThatThrownBy(() -> store.put("k", new byte[] {1}))
                    .as("a stopped store is an outage, reported as the connection it refuses")
                    .hasStackTraceContaining("onnect");
        }
    }

    @Test
    void generatedCredentialsDifferPerServer() throws Exception {
        try (EmbeddedS3Server a = EmbeddedS3Server.startInMemory();
                EmbeddedS3Server b = EmbeddedS3Server.startInMemory()) {
            assertThat(a.secretKey()).isNotEqualTo(b.secretKey()).hasSizeGreaterThanOrEqualTo(32);
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.directory()).isNull();
        }
    }
}
