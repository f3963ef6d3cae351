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
            store.put("in/_temporary/0/part-9", "not input\n".getBytes(StandardCharsets.UTF_8));
            store.put("in/logs/.staging/part-1", "not input\n".getBytes(StandardCharsets.UTF_8));
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
        assertThat(sorted(SourceTestHarness.readWithRescales(source(), 1, 128, 2, 3, 1))).isEqualTo(EXPECTED);
        assertThat(sorted(SourceTestHarness.readWithRescale(source(), 3, 1, 2, 128))).isEqualTo(EXPECTED);
        assertThat(sorted(SourceTestHarness.readWithRescale(source(), 1, 4, 3, 128))).isEqualTo(EXPECTED);
    }

    /** Objects sorting before, between and after the ones read before the checkpoint appear before the restore. */
    @Test
    void readsObjectsAddedBetweenCheckpointAndRestoreOnce() throws Exception {
        List<String> expected = new ArrayList<>();
        try (S3ObjectStore store = new S3ObjectStore(template)) {
            for (String name : List.of("grow/b-0", "grow/b-1", "grow/b-2", "grow/b-3")) {
                put(store, name, 700, expected);
            }
            SourceTestHarness<String> harness = new SourceTestHarness<>(
                    ObjectStoreTextSource.forUri("s3://" + BUCKET + "/grow", template).withChunkSize(1000), 2, 128, 1);
            while (harness.output().size() < expected.size() / 2) {
                harness.pollAll();
            }
            harness.checkpoint();
            harness.pollAll();
            for (String name : List.of("grow/a-first", "grow/b-1a", "grow/c-last")) {
                put(store, name, 600, expected);
            }
            store.put("grow/_SUCCESS", new byte[0]);
            harness.restore(3);
            while (harness.pollAll()) {
                // read to the end
            }
            assertThat(harness.output()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static void put(S3ObjectStore store, String key, int lines, List<String> expected) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < lines; line++) {
            String value = key + "-l" + line;
            expected.add(value);
            text.append(value).append('\n');
        }
        store.put(key, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void multiByteCharactersSplitAcrossRangedReadsDecodeWhole() throws Exception {
        List<String> lines = List.of("\u00e9\u4e2d\ud83d\ude00", "a\u00fcb", "\ud83d\ude01\u6587");
        try (S3ObjectStore store = new S3ObjectStore(template)) {
            store.put("utf8/lines", String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        }
        for (int chunk = 1; chunk <= 5; chunk++) {
            assertThat(SourceTestHarness.readAll(ObjectStoreTextSource.forUri("s3://" + BUCKET + "/utf8", template)
                    .withChunkSize(chunk), 1, 128)).as("chunk size %d", chunk).containsExactlyElementsOf(lines);
        }
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
        assertThatThrownBy(() -> ObjectStoreTextSource.fromEnvironment("s3://bucket/p", Map.<String, String>of()::get)
                .createReader(new SourceContext("test", 0, 1, 128, 0, null)))
                .hasMessageContaining("S3 source")
                .hasMessageContaining("WEIR_S3_ENDPOINT");
    }
}
