package dev.weir.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code weir local} as a user starts it, in a process of its own with worker processes below
 * it: its stderr (progress lines) is collected, its workers can be found and killed, and
 * {@link #close} leaves no process of the test behind.
 */
final class WeirLocalProcess implements AutoCloseable {

    /** How long to wait for a line: generous, since a busy machine (load average 40) needed over 60 s. */
    static final long AWAIT_SECONDS = 180;
    private static final Pattern COMPLETED = Pattern.compile("checkpoints (\\d+) completed");

    private static final Pattern ASSIGNED_SPARE = Pattern.compile("standby worker \\(pid (\\d+)\\) assigned: worker");

    final Process process;
    final WeirLocalKillIT.LineWatcher stderr;
    private final Path stateDir;

    private WeirLocalProcess(Process process, Path stateDir) {
        this.process = process;
        this.stateDir = stateDir;
        this.stderr = new WeirLocalKillIT.LineWatcher(process, line -> false);
    }

    static WeirLocalProcess start(Map<String, String> environment, Path stateDir, Path manifest) throws IOException {
        return start(environment, List.of(), stateDir, manifest);
    }

    /** Its workers also load the test's job classes (pom.xml: failsafe's worker class path). */
    static WeirLocalProcess startWithTestJobs(Map<String, String> environment, Path stateDir, Path manifest)
            throws IOException {
        return start(environment, List.of("-D" + WorkerClassPath.PROPERTY + "=" + System.getProperty(WorkerClassPath.PROPERTY)),
                stateDir, manifest);
    }

    private static WeirLocalProcess start(Map<String, String> environment, List<String> jvmOptions, Path stateDir,
                                          Path manifest) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.weir.Main", "local",
                "--state-dir", stateDir.toString(), manifest.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return new WeirLocalProcess(builder.start(), stateDir);
    }

    /**
     * Writes {@code <dir>/<name>.yaml}: keyed-count ({@code ChaosKeyedCountJob}) at 25 000 records/s
     * per subtask, so a test can strike while records flow, each subtask holding after
     * {@code holdAfter} records until the file {@code gate} exists. {@code more}: further lines of
     * {@code spec.checkpointing} (indented by four spaces) and of {@code spec} (two).
     */
    static Path gatedKeyedCountManifest(Path dir, String name, long records, long keys, long holdAfter, Path gate,
                                        Path output, long intervalMs, String more) throws IOException {
        Path manifest = dir.resolve(name + ".yaml");
        Files.writeString(manifest, """
                apiVersion: weir.dev/v1alpha1
                kind: StreamJob
                metadata:
                  name: %s
                spec:
                  job:
                    className: dev.weir.testing.ChaosKeyedCountJob
                    parallelism: 2
                    args:
                      records: "%d"
                      keys: "%d"
                      rate: "25000"
                      holdAfter: "%d"
                      gate: %s
                      output: %s
                  checkpointing:
                    intervalMs: %d
                """.formatted(name, records, keys, holdAfter, gate, output, intervalMs) + more);
        return manifest;
    }

    /** The worker processes running now. */
    List<ProcessHandle> workers() {
        java.util.Set<Long> assigned = assignedSpares();
        return process.toHandle().descendants().filter(WeirLocalProcess::isWorker)
                .filter(p -> !isSpare(p) || assigned.contains(p.pid())).toList();
    }

    /**
     * Waits up to {@link #AWAIT_SECONDS} until exactly {@code n} worker processes run: right after a
     * restart, a standby worker counts only once its log says it was assigned, and the old attempt's
     * workers may still be stopping.
     */
    List<ProcessHandle> awaitWorkers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        List<ProcessHandle> workers = workers();
        while (workers.size() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " worker processes expected, found " + workers.size() + " (waiting spares "
                        + waitingSpares().size() + ") for " + AWAIT_SECONDS + " s; stderr: " + tail());
            }
            Thread.sleep(20);
            workers = workers();
        }
        return workers;
    }

    /** Standby workers' processes below weir local that wait for an assignment: not workers of an attempt yet. */
    List<ProcessHandle> waitingSpares() {
        java.util.Set<Long> assigned = assignedSpares();
        return process.toHandle().descendants().filter(WeirLocalProcess::isWorker)
                .filter(p -> isSpare(p) && !assigned.contains(p.pid())).toList();
    }

    /** The pids of the standby workers that took an assignment, from their logs (--state-dir/logs/<job>/standby-<n>.log). */
    private java.util.Set<Long> assignedSpares() {
        java.util.Set<Long> pids = new java.util.HashSet<>();
        Path logs = stateDir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return pids;
        }
        try (var files = Files.walk(logs, 2)) {
            for (Path log : files.filter(f -> f.getFileName().toString().startsWith("standby-")).toList()) {
                Matcher matcher = ASSIGNED_SPARE.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                while (matcher.find()) {
                    pids.add(Long.parseLong(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return pids;
    }

    /** A worker process started as a standby worker (assigned since or not). */
    private static boolean isSpare(ProcessHandle process) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(process.pid()), "environ"),
                    StandardCharsets.ISO_8859_1).split("\0")).contains("WEIR_STANDBY=true");
        } catch (IOException e) {
            return false; // gone
        }
    }

    /** Waits up to {@link #AWAIT_SECONDS} for a stderr line matching {@code pattern} and {@code and}. */
    void awaitLine(String pattern, Predicate<String> and) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            synchronized (stderr.lines) {
                if (stderr.lines.stream().anyMatch(line -> line.matches(pattern) && and.test(line))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + pattern + " within " + AWAIT_SECONDS + " s; stderr: " + tail());
    }

    void awaitLine(String pattern) throws InterruptedException {
        awaitLine(pattern, line -> true);
    }

    /** How many stderr lines so far match {@code pattern}. */
    int countLines(String pattern) {
        synchronized (stderr.lines) {
            return (int) stderr.lines.stream().filter(line -> line.matches(pattern)).count();
        }
    }

    /** Waits up to {@link #AWAIT_SECONDS} until {@code n} stderr lines in all match {@code pattern}. */
    void awaitLines(String pattern, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (countLines(pattern) < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " lines matching " + pattern + " not seen within " + AWAIT_SECONDS + " s; stderr: " + tail());
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the progress line says at least {@code n} checkpoints completed. */
    void awaitCompletedCheckpoints(int n) throws InterruptedException {
        awaitLine(".* checkpoints \\d+ completed .*", line -> completedCheckpoints(line) >= n);
    }

    /** The completed checkpoints the last progress line reported (0 before the first). */
    int lastCompletedCheckpoints() {
        synchronized (stderr.lines) {
            return stderr.lines.stream().filter(line -> line.contains(" completed ("))
                    .mapToInt(WeirLocalProcess::completedCheckpoints).reduce((a, b) -> b).orElse(0);
        }
    }

    List<String> tail() {
        synchronized (stderr.lines) {
            return List.copyOf(stderr.lines.subList(Math.max(0, stderr.lines.size() - 30), stderr.lines.size()));
        }
    }

    /** Reads stdout to its end, requires exit code 0 within the timeout, and returns the JSON summary line. */
    JsonNode awaitSuccess(long timeoutSeconds) throws IOException, InterruptedException {
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError("weir local did not exit within " + timeoutSeconds + " s; stderr: " + tail());
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("weir local exited with " + process.exitValue() + "; stderr: " + tail());
        }
        return lastJsonLine(stdout);
    }

    static JsonNode lastJsonLine(String stdout) throws IOException {
        return new ObjectMapper().readTree(stdout.strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    static int completedCheckpoints(String progressLine) {
        Matcher m = COMPLETED.matcher(progressLine);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** From /proc: ProcessHandle.Info leaves out command lines as long as a worker's class path. */
    private static boolean isWorker(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"), StandardCharsets.ISO_8859_1)
                    .contains("dev.weir.runtime.worker.WorkerMain");
        } catch (IOException e) {
            return false; // gone
        }
    }

    /** No weir local or worker of the test outlives it, whatever failed. */
    @Override
    public void close() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
