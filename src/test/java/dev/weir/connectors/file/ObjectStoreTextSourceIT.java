package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.weir.local.EmbeddedS3Server;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;
import dev.weir.testing.SourceTestHarness;

/**
 * The S3 text source against a real S3 API (S3Proxy): every line exactly once, across restores
 * after every poll, rescaling, chunk boundaries in the middle of lines and multi-byte characters.
 */
class ObjectStoreTextSourceIT {

    private static final String BUCKET = "weir-input";
    private static EmbeddedS3Server server;
    private static S3Settings template;
    private static final List<String> EXPECTED = new ArrayList<>();

    @BeforeAll
    static void upload() throws Exception {
        server = EmbeddedS3Server.startInMemory();
        template = server.settings(BUCKET);
        try (S3ObjectStore store = new S3ObjectStore(template)) {
            store.ensureBucket();
            for (int object = 0; object < 5; object++) {
                StringBuilder text = new StringBuilder();
                for (int line = 0; line < 300 + object * 131; line++) {
                    String value = "o" + object + "-l" + line + (line % 9 == 0 ? "-\u00e9\u4e2d\ud83d\ude00" : "");
                    EXPECTED.add(value);
                    // Windows line ends in one object; the last object has no final newline.
                    text.append(value).append(object == 1 ? "\r\n" : "\n");
                }
                if (object == 4) {
                    text.setLength(text.length() - 1);
                }
                store.put("in/part-" + object, text.toString().getBytes(StandardCharsets.UTF_8));
            }
            store.put("in/_SUCCESS", new byte[0]);
            store.put("in/.hidden", "not input\n".getBytes(StandardCharsets.UTF_8));
            store.put("input-elsewhere/x", "not input either\n".getBytes(StandardCharsets.UTF_8));
        }
        EXPECTED.sort(null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ObjectStoreTextSource source() {
        return ObjectStoreTextSource.forUri("s3://" + BUCKET + "/in", template).withChunkSize(1000);
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        copy.sort(null);
        return copy;
    }

    @Test
    void readsEveryLineOfEveryObjectOnce() throws Exception {
        assertThat(sorted(SourceTestHarness.readAll(source(), 2, 128))).isEqualTo(EXPECTED);
        Map<String, String> environment = Map.of("WEIR_S3_ENDPOINT", server.endpoint(),
                "WEIR_S3_ACCESS_KEY", server.accessKey(), "WEIR_S3_SECRET_KEY", server.secretKey());
        assertThat(sorted(SourceTestHarness.readAll(ObjectStoreTextSource.fromEnvironment("s3://" + BUCKET + "/in/",
                environment::get), 3, 128))).isEqualTo(EXPECTED);
    }

    @Test
    void restoreAfterEveryPollReplaysExactly() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            assertThat(sorted(SourceTestHarness.readWithRestoreAfterEveryPoll(source(), 2, 128, seed)))
                    .as("seed %d", seed).isEqualTo(EXPECTED);
        }
    }

    @Test
    void rescalesUpAndDown() throws Exception {
        assertThat(sorted(SourceTestHarness.readWithRescale(source(), 2, 3, 1, 128))).isEqualTo(EXPECTED);
        assertThat(sorted(SourceTestHarness.readWithRescale(source(), 3, 1, 2, 128))).isEqualTo(EXPECTED);
        assertThat(sorted(SourceTestHarness.readWithRescale(source(), 1, 4, 3, 128))).isEqualTo(EXPECTED);
    }

    @Test
    void anExactKeyIsASingleObject() throws Exception {
        List<String> lines = SourceTestHarness.readAll(ObjectStoreTextSource.forUri("s3://" + BUCKET + "/in/part-4",
                template), 2, 128);
        assertThat(lines).hasSize(300 + 4 * 131).startsWith("o4-l0-\u00e9\u4e2d\ud83d\ude00").endsWith("o4-l823");
    }

    @Test
    void aMissingBucketOrEmptyPrefixFailsNamingTheSourceAndLocation() {
        assertThatThrownBy(() -> ObjectStoreTextSource.forUri("s3://no-such-bucket/in", template)
                .createReader(new SourceContext("test", 0, 1, 128, 0, null)))
                .hasMessageContaining("S3 source s3://no-such-bucket/in")
                .hasMessageContaining(server.endpoint())
                .hasMessageNotContaining(server.secretKey());
        assertThatThrownBy(() -> ObjectStoreTextSource.forUri("s3://" + BUCKET + "/nothing-here", template)
                .createReader(new SourceContext("test", 0, 1, 128, 0, null)))
                .hasMessageContaining("S3 source s3://" + BUCKET + "/nothing-here")
                .hasMessageContaining("no objects found");
    }

    @Test
    void settingsComeFromTheSameVariablesAsTheSink() {
        assertThatThrownBy(() -> ObjectStoreTextSource.fromEnvironment("s3://b/p", Map.<String, String>of()::get)
                .createReader(new SourceContext("test", 0, 1, 128, 0, null)))
                .hasMessageContaining("S3 source")
                .hasMessageContaining("WEIR_S3_ENDPOINT");
    }
}
