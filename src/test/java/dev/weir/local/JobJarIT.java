package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.usercode.Sha256;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.KeyedCountVerifier;
import dev.weir.testing.TestJar;

/**
 * A job written outside Weir (issue 11): compiled here into its own jar, which is not on any class
 * path, with its own record, key and state types and serializers, Java serialization across a
 * keyBy, and checks that every thread running its code has its class loader as context class
 * loader. Run through {@code weir local} with worker processes (a worker killed mid-run), then
 * resumed in process at another parallelism; and from an s3:// jar. Its output is keyed-count's,
 * so {@link KeyedCountVerifier} checks it independently for exactly-once.
 */
class JobJarIT {

    private static final String JOB_CLASS = "userjob.SensorJob";

    /**
     * keyed-count with a user's own types; every constructor and deserializer checks the context class loader.
     * Its HeldSource is dev.weir.testing.GatedSource again: the workers here have the jar, not the test classes.
     */
    private static final String JOB_SOURCE = """
            package userjob;

            import java.io.DataInput;
            import java.io.DataOutput;
            import java.io.IOException;
            import java.io.Serializable;
            import java.nio.file.Files;
            import java.nio.file.Path;

            import dev.weir.connectors.file.ExactlyOnceFileSink;
            import dev.weir.connectors.generator.GeneratorSource;
            import dev.weir.runtime.dataflow.InputStatus;
            import dev.weir.runtime.dataflow.JobArgs;
            import dev.weir.runtime.dataflow.JobDefinition;
            import dev.weir.runtime.dataflow.Source;
            import dev.weir.runtime.dataflow.SourceContext;
            import dev.weir.runtime.dataflow.SourceReader;
            import dev.weir.runtime.dataflow.StreamEnvironment;
            import dev.weir.runtime.dataflow.functions.Collector;
            import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
            import dev.weir.runtime.dataflow.functions.RuntimeContext;
            import dev.weir.runtime.state.StateDescriptor;
            import dev.weir.runtime.state.ValueState;
            import dev.weir.runtime.state.serialization.TypeSerializer;
            import dev.weir.runtime.state.serialization.Types;

            public final class SensorJob implements JobDefinition {

                static void requireJobClassLoader(String what) {
                    ClassLoader context = Thread.currentThread().getContextClassLoader();
                    if (context != SensorJob.class.getClassLoader()) {
                        throw new IllegalStateException(what + " on thread " + Thread.currentThread().getName()
                                + " with context class loader " + context + " instead of the job's");
                    }
                }

                public record SensorId(long id) implements Serializable {
                    @Override
                    public int hashCode() {
                        return Long.hashCode(id);
                    }
                }

                /** Crosses the keyBy with Java serialization (no serializer declared); records deserialize through this constructor. */
                public record Reading(SensorId sensor, long value) implements Serializable {
                    public Reading {
                        requireJobClassLoader("Reading created");
                    }
                }

                public record Tally(long count, long sum) {}

                public static final class SensorIdSerializer implements TypeSerializer<SensorId> {
                    public void serialize(SensorId value, DataOutput out) throws IOException {
                        out.writeLong(value.id());
                    }

                    public SensorId deserialize(DataInput in) throws IOException {
                        requireJobClassLoader("SensorId read");
                        return new SensorId(in.readLong());
                    }
                }

                public static final class TallySerializer implements TypeSerializer<Tally> {
                    public void serialize(Tally value, DataOutput out) throws IOException {
                        out.writeLong(value.count());
                        out.writeLong(value.sum());
                    }

                    public Tally deserialize(DataInput in) throws IOException {
                        requireJobClassLoader("Tally read");
                        return new Tally(in.readLong(), in.readLong());
                    }
                }

                static final class TallyFunction extends KeyedProcessFunction<SensorId, Reading, String> {
                    private ValueState<Tally> tally;

                    @Override
                    public void open(RuntimeContext context) {
                        requireJobClassLoader("open()");
                        tally = context.getState(StateDescriptor.value("tally", new TallySerializer()));
                    }

                    @Override
                    public void processElement(Reading reading, Context<SensorId> context, Collector<String> out) {
                        Tally before = tally.value();
                        Tally after = before == null ? new Tally(1, reading.value())
                                : new Tally(before.count() + 1, before.sum() + reading.value());
                        tally.update(after);
                        out.collect(reading.sensor().id() + "," + after.count() + "," + after.sum());
                    }
                }

                /** Each subtask holds after holdAfter records (counted anew on restore) until the file gate exists. */
                record HeldSource(Source<Long> inner, long holdAfter, String gate) implements Source<Long> {
                    @Override
                    public SourceReader<Long> createReader(SourceContext context) throws Exception {
                        SourceReader<Long> reader = inner.createReader(context);
                        return new SourceReader<>() {
                            private long emitted;

                            @Override
                            public InputStatus pollNext(Collector<Long> output) throws Exception {
                                if (emitted >= holdAfter && !Files.exists(Path.of(gate))) {
                                    return InputStatus.NOTHING_AVAILABLE;
                                }
                                return reader.pollNext(record -> {
                                    emitted++;
                                    output.collect(record);
                                });
                            }

                            @Override
                            public byte[] snapshotState(long checkpointId) throws Exception {
                                return reader.snapshotState(checkpointId);
                            }

                            @Override
                            public void close() throws Exception {
                                reader.close();
                            }
                        };
                    }
                }

                @Override
                public void define(StreamEnvironment env, JobArgs args) {
                    requireJobClassLoader("define()");
                    long records = args.getLong("records", 1000);
                    long keys = args.getLong("keys", 10);
                    GeneratorSource<Long> generator = GeneratorSource.sequence(records);
                    long rate = args.getLong("rate", 0);
                    if (rate > 0) {
                        generator = generator.withRateLimit(rate);
                    }
                    Source<Long> source = args.asMap().containsKey("gate")
                            ? new HeldSource(generator, args.getLong("holdAfter", 0), args.get("gate", null)) : generator;
                    env.fromSource(source, "generator").returns(Types.LONG)
                            .map(i -> new Reading(new SensorId(Math.floorMod(i * 2654435761L, keys)), i))
                            .keyBy(Reading::sensor, new SensorIdSerializer())
                            .process(new TallyFunction())
                            .uid("tally")
                            .sinkTo(new ExactlyOnceFileSink<>(Path.of(args.require("output"))))
                            .uid("sink");
                }
            }
            """;

    @TempDir
    Path dir;
    private Path jar;

    @BeforeEach
    void buildJar() throws IOException {
        jar = new TestJar().source(JOB_CLASS, JOB_SOURCE).build(dir.resolve("work"), dir.resolve("jars/sensor-job.jar"));
    }

    @Test
    void userJobFromAJarSurvivesAWorkerKillAndResumesInProcessAtAnotherParallelism() throws Exception {
        long records = 300_000;
        long keys = 500;
        Path output = dir.resolve("out");
        Path stateDir = dir.resolve("state");
        // A path relative to the manifest, as a user would write it next to their build. Its sources hold
        // after 50,000 records each (of 150,000; counted anew after the restore) until the gate opens, so
        // the first run is still going when the test kills it, however busy the machine.
        Path gate = dir.resolve("gate");
        Path first = manifest("sensors", "jars/sensor-job.jar", null, 2, records, keys, 15_000, output,
                "      holdAfter: \"50000\"\n      gate: " + gate + "\n");

        try (WeirLocalProcess weirLocal = WeirLocalProcess.start(Map.of(), stateDir, first)) {
            runAndKill(weirLocal, records, output);
        }

        // Resumed with three subtasks, all in this JVM: the jar in a user-code class loader here.
        Files.writeString(gate, "open");
        Path second = manifest("sensors", "jars/sensor-job.jar", null, 3, records, keys, 0, output);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = WeirLocal.run(new String[] {"--state-dir", stateDir.toString(), "--restore", "latest",
                "--in-process", "--quiet", second.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as("stderr: %s", err).isZero();
        JsonNode summary = WeirLocalProcess.lastJsonLine(out.toString(StandardCharsets.UTF_8));
        assertThat(summary.get("state").asText()).isEqualTo("FINISHED");
        assertThat(summary.get("parallelism").asInt()).isEqualTo(3);
        assertThat(summary.get("restored_from").asText()).contains("/checkpoints/chk-");

        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), records, keys);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(records);
    }

    /** Kills one of the two workers after 3 checkpoints, then all of weir local two checkpoints after the restore. */
    private static void runAndKill(WeirLocalProcess weirLocal, long records, Path output) throws Exception {
        weirLocal.awaitCompletedCheckpoints(3);
        List<ProcessHandle> workers = weirLocal.awaitWorkers(2);
        workers.get(1).destroyForcibly();

        weirLocal.awaitLine(".* attempt 2 restoring from .*/checkpoints/chk-.*");
        int checkpointsAtRestore = weirLocal.lastCompletedCheckpoints();
        weirLocal.awaitLine(".* checkpoints (\\d+) completed .* restarts 1",
                line -> WeirLocalProcess.completedCheckpoints(line) >= checkpointsAtRestore + 2);
        // Now the job as a whole goes down, mid-run.
        List<ProcessHandle> secondAttempt = weirLocal.awaitWorkers(2);
        weirLocal.process.destroyForcibly();
        assertThat(weirLocal.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        awaitExit(secondAttempt);
        assertThat((long) CommittedFiles.lines(output).size()).as("killed before the end").isLessThan(records);
    }

    @Test
    void userJobFromAnS3JarRunsOnWorkerProcesses() throws Exception {
        long records = 60_000;
        long keys = 300;
        Path output = dir.resolve("s3-out");
        Path stateDir = dir.resolve("s3-state");
        // The jar goes into the bucket of weir local's embedded store, where a user would upload it.
        try (EmbeddedS3Server upload = EmbeddedS3Server.startPersistent(stateDir.resolve("s3"));
             S3ObjectStore store = new S3ObjectStore(upload.settings("weir"))) {
            store.ensureBucket();
            store.put("jobs/sensor-job-1.0.jar", Files.readAllBytes(jar));
        }
        String sha = Sha256.of(jar);
        Path manifest = manifest("s3-sensors", "s3://weir/jobs/sensor-job-1.0.jar", sha, 2, records, keys, 0, output);
        Path cache = dir.resolve("xdg-cache");

        try (WeirLocalProcess weirLocal = WeirLocalProcess.start(Map.of("XDG_CACHE_HOME", cache.toString()), stateDir,
                manifest)) {
            assertThat(weirLocal.awaitSuccess(120).get("state").asText()).isEqualTo("FINISHED");
        }
        assertThat(cache.resolve("weir/jars/" + sha + ".jar")).as("downloaded into the cache by content")
                .hasSameBinaryContentAs(jar);

        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), records, keys);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(records);
    }

    @Test
    void aMissingJarOrJobClassStopsWeirLocalWithTheCause() throws Exception {
        Path missing = manifest("missing-jar", "jars/nothing-here.jar", null, 2, 10, 2, 0, dir.resolve("o1"));
        assertThat(runInThisJvm(missing)).isEqualTo(new Result(2, "weir local: job missing-jar: job jar file://"
                + dir.resolve("jars/nothing-here.jar") + " was not found: no file " + dir.resolve("jars/nothing-here.jar")));

        Path wrongSha = manifest("wrong-sha", "jars/sensor-job.jar", "0".repeat(64), 2, 10, 2, 0, dir.resolve("o2"));
        assertThat(runInThisJvm(wrongSha).message()).startsWith("weir local: job wrong-sha: job jar file://" + jar
                + " does not have the expected content: its sha256 is " + Sha256.of(jar) + ", expected " + "0".repeat(64));
        assertThat(dir.resolve("bad-state")).as("a jar on this machine is checked before the store starts")
                .doesNotExist();

        // A wrong class name is found where the job is built, by the workers: the job fails at once.
        Path wrongClass = Files.writeString(dir.resolve("wrong-class.yaml"), Files.readString(
                manifest("wrong-class", "jars/sensor-job.jar", null, 2, 10, 2, 0, dir.resolve("o3")))
                .replace(JOB_CLASS, "com.example.SensorJob"));
        Result result = runInThisJvm(wrongClass);
        assertThat(result.exit()).as(result.message()).isEqualTo(2);
        assertThat(result.message()).startsWith("weir local: job wrong-class failed: ").contains("job class"
                + " 'com.example.SensorJob' was not found in job jar file://" + jar + " (it has userjob.SensorJob)");
    }

    private record Result(int exit, String message) {}

    private Result runInThisJvm(Path manifest) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = WeirLocal.run(new String[] {"--state-dir", dir.resolve("bad-state").toString(), "--quiet",
                manifest.toString()}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, err.toString(StandardCharsets.UTF_8).strip());
    }

    private Path manifest(String name, String jarUri, String sha, int parallelism, long records, long keys, long rate,
                          Path output) throws IOException {
        return manifest(name, jarUri, sha, parallelism, records, keys, rate, output, "");
    }

    /** {@code moreArgs}: further lines of {@code spec.job.args}, indented by six spaces. */
    private Path manifest(String name, String jarUri, String sha, int parallelism, long records, long keys, long rate,
                          Path output, String moreArgs) throws IOException {
        Path file = dir.resolve(name + "-p" + parallelism + ".yaml");
        Files.writeString(file, """
                apiVersion: weir.dev/v1alpha1
                kind: StreamJob
                metadata:
                  name: %s
                spec:
                  job:
                    className: %s
                    jarURI: %s
                %s    parallelism: %d
                    args:
                      records: "%d"
                      keys: "%d"
                      rate: "%d"
                      output: %s
                %s  checkpointing:
                    intervalMs: 200
                """.formatted(name, JOB_CLASS, jarUri, sha == null ? "" : "    jarSha256: \"" + sha + "\"\n", parallelism,
                records, keys, rate, output, moreArgs));
        return file;
    }

    private static void awaitExit(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(processes).as("workers of the killed weir local stop by themselves").noneMatch(ProcessHandle::isAlive);
    }
}
