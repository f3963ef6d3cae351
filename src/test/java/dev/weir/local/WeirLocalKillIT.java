package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.WeirCommand;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.GatedSource;
import dev.weir.testing.KeyedCountVerifier;

/**
 * SIGKILLs a {@code weir local} process mid-run (embedded S3 store, the default) and resumes it
 * with {@code --restore latest}: the committed output is exactly-once. The first run cannot end
 * before the test strikes, however busy the machine: its sources hold after {@link #HOLD_AFTER}
 * records each until the test opens their gate, which it does before the second run.
 */
class WeirLocalKillIT {

    private static final long RECORDS = 400_000;
    private static final long KEYS = 500;
    private static final long HOLD_AFTER = 150_000;
    /** A job with worker processes reached its first checkpoints after 30 s and more at a load average of 40. */
    private static final long AWAIT_SECONDS = WeirLocalProcess.AWAIT_SECONDS;

    @TempDir
    Path dir;

    @Test
    void killedWeirLocalResumesFromLatestCheckpointWithExactlyOnceOutput() throws Exception {
        Path output = dir.resolve("out");
        Path manifest = writeManifest("killed", output, 200);
        Path stateDir = dir.resolve("state");

        Process first = weirLocal(stateDir, manifest);
        LineWatcher firstErr = new LineWatcher(first, line -> line.matches(".* checkpoints ([3-9]|[1-9][0-9]+) completed .*"));
        assertThat(firstErr.await(AWAIT_SECONDS)).as("first run reached 3 checkpoints; stderr: %s", firstErr.lines).isTrue();
        // Two workers and, once they registered, two standby workers (weir local's default): none may outlive it.
        long sparesDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (first.toHandle().descendants().count() < 4 && System.nanoTime() < sparesDeadline) {
            Thread.sleep(20);
        }
        List<ProcessHandle> workers = first.toHandle().descendants().toList();
        assertThat(workers).as("weir local runs its workers and standby workers as child processes").hasSize(4);
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isEqualTo(137);
        // Orphaned workers notice that their coordinator is gone and stop by themselves.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (workers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(workers).as("workers of the killed weir local").noneMatch(ProcessHandle::isAlive);
        long committedBefore = CommittedFiles.lines(output).size();
        assertThat(committedBefore).isLessThan(RECORDS);

        GatedSource.open(gate());
        Process second = weirLocal(stateDir, manifest, "--restore", "latest");
        LineWatcher secondErr = new LineWatcher(second, line -> false);
        String summary = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as("stderr: %s", secondErr.lines).isZero();
        JsonNode json = new ObjectMapper().readTree(summary.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(json.get("state").asText()).isEqualTo("FINISHED");
        assertThat(json.get("restored_from").asText()).contains("/checkpoints/chk-");

        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
        // The finished run's housekeeping ran before weir local stopped its store: the default 3 remain.
        try (var checkpoints = Files.list(stateDir.resolve("s3/weir/weir/default/killed/checkpoints"))) {
            assertThat(checkpoints.filter(c -> Files.exists(c.resolve("_metadata"))).count())
                    .as("completed checkpoints left in the embedded store").isEqualTo(3);
        }
    }

    @Test
    void sigtermStopsWithASavepointThatResumesExactlyOnce() throws Exception {
        Path output = dir.resolve("out");
        Path manifest = writeManifest("stopped", output, 300);
        Path stateDir = dir.resolve("state");

        Process first = weirLocal(stateDir, manifest);
        LineWatcher firstErr = new LineWatcher(first, line -> line.matches(".* checkpoints ([2-9]|[1-9][0-9]+) completed .*"));
        assertThat(firstErr.await(AWAIT_SECONDS)).as("stderr: %s", firstErr.lines).isTrue();
        // SIGTERM, as Kubernetes or a terminal would send (Process.destroy() would also close our pipes)
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(first.pid())).start().waitFor()).isZero();
        String firstSummary = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
        JsonNode stopped = new ObjectMapper().readTree(firstSummary.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(stopped.get("state").asText()).as("stderr: %s", firstErr.lines).isEqualTo("SUSPENDED");
        assertThat(first.exitValue()).as("stopped with a savepoint, as asked").isZero();
        String savepoint = stopped.get("savepoint").get("path").asText();
        assertThat(savepoint).contains("/savepoints/sp-");

        GatedSource.open(gate());
        Process second = weirLocal(stateDir, manifest, "--restore", savepoint);
        LineWatcher secondErr = new LineWatcher(second, line -> false);
        String summary = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as("stderr: %s", secondErr.lines).isZero();
        JsonNode json = new ObjectMapper().readTree(summary.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(json.get("restored_from").asText()).isEqualTo(savepoint);

        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    /**
     * A savepoint taken while the job goes on ({@code weir savepoint}) does not commit the sinks' output
     * (as in Flink since 1.15): a worker killed right after it restarts the job from the latest
     * checkpoint, here none (periodic checkpoints an hour apart), so everything up to the savepoint is
     * written again, and only once. When the savepoint committed, it was there twice.
     */
    @Test
    void aWorkerKilledAfterASavepointTakenWhileRunningLeavesExactlyOnceOutput() throws Exception {
        Path output = dir.resolve("out");
        Path manifest = writeManifest("savepointed", output, 3_600_000);
        Path stateDir = dir.resolve("state");
        try (WeirLocalProcess local = WeirLocalProcess.startWithTestJobs(Map.of(), stateDir, manifest)) {
            // Both sources hold at HOLD_AFTER records until the gate opens: the savepoint covers all of them.
            local.awaitLine(".* records .*", line -> sourceRecords(line) >= 2 * HOLD_AFTER);
            List<ProcessHandle> workers = local.awaitWorkers(2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = WeirCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8))
                    .execute("savepoint", "savepointed", "--state-dir", stateDir.toString());
            assertThat(code).as("weir savepoint: %s", err).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("/savepoints/sp-");

            workers.get(0).destroyForcibly();
            local.awaitLine(".*restarting as attempt 2.*");
            GatedSource.open(gate());
            JsonNode summary = local.awaitSuccess(AWAIT_SECONDS);
            assertThat(summary.get("state").asText()).isEqualTo("FINISHED");
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    /** The records the sources read so far, from a progress line ("... 300,000 records ..."). */
    private static long sourceRecords(String progressLine) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" ([0-9,]+) records ").matcher(progressLine);
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
    }

    /**
     * A worker dies after checkpoints completed (the job restarts at once), then a worker of the next
     * attempt dies before that attempt completed one, and the job waits out a five-minute restart
     * backoff; SIGTERM then ends it at once (no attempt is started to take a savepoint), with the
     * summary naming the last checkpoint, exit code 1 (stopped without a savepoint) and how to resume;
     * resuming from it is exactly-once.
     */
    @Test
    void sigtermDuringARestartBackoffEndsTheJobAtOnceNamingItsLastCheckpoint() throws Exception {
        Path output = dir.resolve("out");
        // Checkpoints 5 s apart: attempt 2's worker is killed long before its first checkpoint.
        Path manifest = writeManifest("backoff", output, 5_000, """
                  restartPolicy:
                    initialBackoffMs: 300000
                    maxBackoffMs: 300000
                """);
        Path stateDir = dir.resolve("state");
        String summary;
        try (WeirLocalProcess first = WeirLocalProcess.startWithTestJobs(Map.of(), stateDir, manifest)) {
            first.awaitCompletedCheckpoints(2);
            List<ProcessHandle> attemptOne = first.awaitWorkers(2);
            attemptOne.get(0).destroyForcibly();
            first.awaitLine(".*restarting as attempt 2 in 0 ms.*");
            ProcessHandle attemptTwo = awaitNewWorker(first, attemptOne);
            attemptTwo.destroyForcibly();
            first.awaitLine(".*restarting as attempt 3 in 300000 ms.*");

            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(first.process.pid())).start().waitFor()).isZero();
            summary = new String(first.process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(first.process.waitFor(90, TimeUnit.SECONDS)).as("ended within the backoff; stderr: %s",
                    first.tail()).isTrue();
            assertThat(first.process.exitValue()).as("stopped without a savepoint; stderr: %s", first.tail()).isEqualTo(1);
            assertThat(first.countLines(".*attempt 3 restoring.*")).as("no attempt after the signal").isZero();
            JsonNode stopped = WeirLocalProcess.lastJsonLine(summary);
            assertThat(stopped.get("state").asText()).isEqualTo("CANCELED");
            assertThat(stopped.get("attempts").asLong()).isEqualTo(2);
            assertThat(stopped.get("error").asText()).contains("stopped while waiting to restart");
            String lastCheckpoint = stopped.get("last_checkpoint").get("path").asText();
            assertThat(lastCheckpoint).contains("/checkpoints/chk-");
            assertThat(first.tail()).contains("weir local: resume it with --restore latest (its latest checkpoint: "
                    + lastCheckpoint + ")");
        }

        GatedSource.open(gate());
        Process second = weirLocal(stateDir, manifest, "--restore", "latest");
        LineWatcher secondErr = new LineWatcher(second, line -> false);
        JsonNode resumed = WeirLocalProcess.lastJsonLine(
                new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as("stderr: %s", secondErr.lines).isZero();
        assertThat(resumed.get("restored_from").asText()).contains("/checkpoints/chk-");
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    /** A worker process that was not among {@code old}: the next attempt's, as soon as it is started. */
    private static ProcessHandle awaitNewWorker(WeirLocalProcess local, List<ProcessHandle> old) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (ProcessHandle worker : local.workers()) {
                if (!old.contains(worker)) {
                    return worker;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no worker of the next attempt within 120 s; stderr: " + local.tail());
    }

    private Path gate() {
        return dir.resolve("gate");
    }

    /**
     * keyed-count at 25 000 records/s per subtask, so the test can strike while records flow, each
     * subtask holding after {@link #HOLD_AFTER} records until the gate opens.
     */
    private Path writeManifest(String name, Path output, long intervalMs) throws IOException {
        return writeManifest(name, output, intervalMs, "");
    }

    /** {@code extraSpec}: more of {@code spec}, indented by two spaces. */
    private Path writeManifest(String name, Path output, long intervalMs, String extraSpec) throws IOException {
        return WeirLocalProcess.gatedKeyedCountManifest(dir, name, RECORDS, KEYS, HOLD_AFTER, gate(), output, intervalMs,
                extraSpec);
    }

    private static Process weirLocal(Path stateDir, Path manifest, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                // Its workers run the test's job classes too (pom.xml: failsafe's worker class path).
                "-D" + WorkerClassPath.PROPERTY + "=" + System.getProperty(WorkerClassPath.PROPERTY),
                "-cp", System.getProperty("java.class.path"), "dev.weir.Main", "local",
                "--state-dir", stateDir.toString()));
        command.addAll(List.of(extra));
        command.add(manifest.toString());
        return new ProcessBuilder(command).start();
    }

    /** Collects a process's stderr and signals when a line matches {@code marker}. */
    static final class LineWatcher {
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch seen = new CountDownLatch(1);

        LineWatcher(Process process, java.util.function.Predicate<String> marker) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                        if (marker.test(line)) {
                            seen.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            });
            t.setDaemon(true);
            t.start();
        }

        boolean await(long seconds) throws InterruptedException {
            return seen.await(seconds, TimeUnit.SECONDS);
        }
    }
}
