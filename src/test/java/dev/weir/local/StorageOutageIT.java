package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.weir.testing.CommittedFiles;
import dev.weir.testing.GatedSource;
import dev.weir.testing.KeyedCountVerifier;

/**
 * The checkpoint store of a {@code weir local} job with worker processes (S3Proxy on files, the
 * user's own endpoint) is stopped mid-run and started again on the same port with the same data,
 * twice: a blip of several failed checkpoints at 200 ms intervals, which the time-based tolerance
 * rides out without a restart, then an outage longer than the tolerance, after which the job fails
 * over, waits for storage (reporting every try), and restores once it is back. It finishes, and
 * the output is exactly-once. Its sources hold after {@link #HOLD_AFTER} records each until the
 * test opens their gate, so the job cannot end before both outages.
 */
class StorageOutageIT {

    private static final long RECORDS = 300_000;
    private static final long KEYS = 500;
    private static final long HOLD_AFTER = 100_000;
    private static final long TOLERABLE_FAILURE_MS = 15_000;
    private static final String FAILED = ".*checkpoint \\d+ failed: DECLINED.*";
    private static final String RESTARTING = ".*restarting as attempt \\d+.*";
    private static final String UNAVAILABLE = ".*checkpoint storage unavailable for .*";

    @TempDir
    Path dir;

    @Test
    void jobRidesOutABlipWaitsOutAnOutageAndFinishesExactlyOnce() throws Exception {
        Path output = dir.resolve("out");
        Path data = dir.resolve("s3");
        EmbeddedS3Server s3 = EmbeddedS3Server.startPersistent(data);
        int port = s3.port();
        String endpoint = s3.endpoint();
        Map<String, String> credentials = Map.of(LocalStorage.ACCESS_KEY_ENV, s3.accessKey(),
                LocalStorage.SECRET_KEY_ENV, s3.secretKey());
        try (WeirLocalProcess weirLocal = WeirLocalProcess.startWithTestJobs(credentials, dir.resolve("state"),
                writeManifest(endpoint, output))) {
            weirLocal.awaitCompletedCheckpoints(3);

            // A blip: more failed checkpoints than tolerableFailures, well within tolerableFailureMs.
            int completedBefore = weirLocal.lastCompletedCheckpoints();
            s3.close();
            weirLocal.awaitLines(FAILED, 4);
            s3 = EmbeddedS3Server.start(data, port, s3.accessKey(), s3.secretKey());
            weirLocal.awaitCompletedCheckpoints(completedBefore + 1);
            assertThat(weirLocal.countLines(RESTARTING)).as("no restart for a blip; stderr: %s", weirLocal.tail())
                    .isZero();

            // An outage longer than the tolerance: one failover, then the job waits for storage.
            s3.close();
            weirLocal.awaitLines(RESTARTING, 1);
            weirLocal.awaitLines(UNAVAILABLE, 2);
            assertThat(weirLocal.countLines(".*checkpoint storage unavailable .*" + endpoint.replace(".", "\\.") + ".*"))
                    .as("the report names the store").isGreaterThanOrEqualTo(2);
            s3 = EmbeddedS3Server.start(data, port, s3.accessKey(), s3.secretKey());
            weirLocal.awaitLine(".*checkpoint storage available again after .*");

            GatedSource.open(gate());
            JsonNode summary = weirLocal.awaitSuccess(180);
            assertThat(summary.get("state").asText()).isEqualTo("FINISHED");
            assertThat(summary.get("restarts").asLong()).as("only the outage cost a restart").isEqualTo(1);
            assertThat(summary.get("restored_from").asText()).contains("/checkpoints/chk-");
        } finally {
            s3.close();
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    /**
     * The exit code rule (README): storage settings the store refuses, or none given, are bad input
     * (2); a store that does not answer at the start may come back (1). Neither message holds a secret.
     */
    @Test
    void refusedOrMissingStorageSettingsAreBadInputAnUnreachableStoreIsNot() throws Exception {
        EmbeddedS3Server s3 = EmbeddedS3Server.startInMemory();
        try {
            String wrongSecret = "wrong-secret-" + System.nanoTime();
            Path manifest = writeManifest(s3.endpoint(), dir.resolve("out"));
            Exit wrong = exitOf(WeirLocalProcess.start(Map.of(LocalStorage.ACCESS_KEY_ENV, s3.accessKey(),
                    LocalStorage.SECRET_KEY_ENV, wrongSecret), dir.resolve("state"), manifest));
            assertThat(wrong.code()).as(wrong.stderr()).isEqualTo(2);
            assertThat(wrong.stderr()).startsWith("weir local: checkpoint storage: ").contains(s3.endpoint())
                    .doesNotContain(wrongSecret);

            Exit none = exitOf(WeirLocalProcess.start(Map.of(), dir.resolve("state"), manifest));
            assertThat(none.code()).as(none.stderr()).isEqualTo(2);
            assertThat(none.stderr()).startsWith("weir local: checkpoint storage: spec.storage.endpoint is set but"
                    + " no credentials were found: set WEIR_S3_ACCESS_KEY and WEIR_S3_SECRET_KEY");
        } finally {
            s3.close();
        }
        String closed = "http://127.0.0.1:" + closedPort();
        Exit unreachable = exitOf(WeirLocalProcess.start(Map.of(LocalStorage.ACCESS_KEY_ENV, "key",
                LocalStorage.SECRET_KEY_ENV, "secret-of-nobody"), dir.resolve("state"),
                writeManifest(closed, dir.resolve("out"))));
        assertThat(unreachable.code()).as(unreachable.stderr()).isEqualTo(1);
        assertThat(unreachable.stderr()).startsWith("weir local: checkpoint storage: ").contains(closed)
                .doesNotContain("secret-of-nobody");
    }

    private record Exit(int code, String stderr) {}

    /** Its exit code and its storage message (which the stderr reader may pass on after the exit). */
    private static Exit exitOf(WeirLocalProcess weirLocal) throws Exception {
        try (weirLocal) {
            weirLocal.process.getInputStream().readAllBytes();
            assertThat(weirLocal.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("exits").isTrue();
            String message = "weir local: checkpoint storage: .*";
            weirLocal.awaitLine(message);
            String line;
            synchronized (weirLocal.stderr.lines) {
                line = weirLocal.stderr.lines.stream().filter(l -> l.matches(message)).findFirst().orElseThrow();
                assertThat(String.join("\n", weirLocal.stderr.lines)).as("all of stderr")
                        .doesNotContain("secret-of-nobody").doesNotContain("wrong-secret-");
            }
            return new Exit(weirLocal.process.exitValue(), line);
        }
    }

    private static int closedPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Path gate() {
        return dir.resolve("gate");
    }

    private Path writeManifest(String endpoint, Path output) throws IOException {
        return WeirLocalProcess.gatedKeyedCountManifest(dir, "outage", RECORDS, KEYS, HOLD_AFTER, gate(), output, 200, """
                    tolerableFailureMs: %d
                  storage:
                    endpoint: %s
                  restartPolicy:
                    initialBackoffMs: 500
                """.formatted(TOLERABLE_FAILURE_MS, endpoint));
    }
}
