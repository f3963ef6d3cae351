package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;
import dev.weir.testing.CommittedObjects;
import dev.weir.testing.CommittedPartNames;
import dev.weir.testing.EmbeddedPostgres;
import dev.weir.testing.KeyedCountVerifier;

/**
 * End-to-end exactly-once through real connectors in the deployed shape: keyed-count as P=2
 * worker processes (coordinator here), checkpoints in an S3-compatible store, SIGKILLs of random
 * workers at random moments and one halt between "checkpoint complete" and the sink's commit;
 * then an independent reader (an S3 listing, a SQL query) checks the committed output.
 */
class ConnectorKillIT {

    private static final int PARALLELISM = 2;
    private static final long RECORDS = 120_000;
    private static final long KEYS = 300;
    private static final String BUCKET = "weir-e2e";

    private static EmbeddedS3Server s3;
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3Server.startInMemory();
        try (S3ObjectStore store = new S3ObjectStore(s3.settings(BUCKET))) {
            store.ensureBucket();
        }
        postgres = EmbeddedPostgres.shared();
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void s3SinkIsExactlyOnceUnderKills() throws Exception {
        String prefix = "keyed-count-" + System.nanoTime();
        Run run = new Run("s3-kills", Map.of("output", "s3://" + BUCKET + "/" + prefix), Map.of());
        run.runWithKills(3);
        try (S3ObjectStore reader = new S3ObjectStore(s3.settings(BUCKET).withLocation(BUCKET, prefix))) {
            assertExactlyOnce(run, CommittedObjects.lines(reader), RECORDS);
            assertThat(CommittedObjects.openUploads(reader)).as("no upload left open").isEmpty();
            assertThat(run.names.violations(CommittedObjects.keys(reader), PARALLELISM)).as("seed %d", run.seed).isEmpty();
        }
    }

    @Test
    void postgresTwoPhaseCommitSinkIsExactlyOnceUnderKills() throws Exception {
        String url = tableFor("two_phase", false);
        Run run = new Run("pg-2pc", Map.of("output", url + "?table=keyed_count&mode=2pc"), jdbcEnvironment());
        run.runWithKills(3);
        assertExactlyOnce(run, rows(url), RECORDS);
        assertThat(query(url, "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"))
                .as("no prepared transaction left behind").containsExactly("0");
    }

    @Test
    void postgresWriteAheadSinkIsExactlyOnceUnderKills() throws Exception {
        String url = tableFor("wal", false);
        Run run = new Run("pg-wal", Map.of("output", url + "?table=keyed_count&mode=wal"), jdbcEnvironment());
        run.runWithKills(3);
        assertExactlyOnce(run, rows(url), RECORDS);
    }

    @Test
    void postgresUpsertSinkEndsWithTheTotalsUnderKills() throws Exception {
        String url = tableFor("upsert", true);
        Run run = new Run("pg-upsert", Map.of("output", url + "?table=keyed_count&mode=upsert"), jdbcEnvironment());
        run.runWithKills(3);
        Map<Long, long[]> expected = new HashMap<>();
        for (long i = 0; i < RECORDS; i++) {
            long[] totals = expected.computeIfAbsent(KeyedCountVerifier.keyOf(i, KEYS), k -> new long[2]);
            totals[0]++;
            totals[1] += i;
        }
        Map<Long, long[]> actual = new HashMap<>();
        for (String row : rows(url)) {
            String[] parts = row.split(",");
            actual.put(Long.parseLong(parts[0]), new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, totals) -> assertThat(actual.get(key)).as("key %d (seed %d)", key, run.seed)
                .containsExactly(totals));
    }

    @Test
    void atLeastOnceJdbcInsertUnderTheSameKillsShowsDuplicates() throws Exception {
        String url = tableFor("direct", false);
        long records = 40_000;
        Map<String, String> args = new HashMap<>(Map.of("output", url + "?table=keyed_count", "sink", "direct-jdbc",
                "records", Long.toString(records), "rate", "8000"));
        Run run = new Run("pg-direct", args, jdbcEnvironment());
        run.runWithKills(2);
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(rows(url), records, KEYS);
        assertThat(report.duplicates()).as("the reader must see what an at-least-once sink replays: %s", report)
                .isPositive();
        assertThat(report.gaps()).isZero();
    }

    @Test
    void wordCountReadsItsInputFromS3() throws Exception {
        String input = "words-" + System.nanoTime();
        Map<String, Long> expected = new LinkedHashMap<>();
        try (S3ObjectStore store = new S3ObjectStore(s3.settings(BUCKET))) {
            for (int object = 0; object < 3; object++) {
                StringBuilder text = new StringBuilder();
                for (int line = 0; line < 2000; line++) {
                    String word = "w" + ((line * 7 + object) % 50);
                    expected.merge(word, 1L, Long::sum);
                    text.append(word).append(' ').append(word.toUpperCase()).append('\n');
                    expected.merge(word, 1L, Long::sum);
                }
                store.put(input + "/part-" + object, text.toString().getBytes(StandardCharsets.UTF_8));
            }
            // What a finished Spark or Hadoop job leaves next to its output; counting these words would show.
            store.put(input + "/_SUCCESS", "w1 w2 w3\n".getBytes(StandardCharsets.UTF_8));
            store.put(input + "/_temporary/0/part-9", "w1 w2 w3\n".getBytes(StandardCharsets.UTF_8));
        }
        String output = input + "-counts";
        Run run = new Run("word-count-s3", "dev.weir.examples.WordCountJob",
                Map.of("input", "s3://" + BUCKET + "/" + input, "output", "s3://" + BUCKET + "/" + output), Map.of());
        JobResult end = run.runWithKills(0);
        assertThat(end.state()).isEqualTo(JobResult.JobState.FINISHED);
        Map<String, Long> last = new HashMap<>();
        try (S3ObjectStore reader = new S3ObjectStore(s3.settings(BUCKET).withLocation(BUCKET, output))) {
            for (String line : CommittedObjects.lines(reader)) {
                String[] parts = line.split(",");
                last.merge(parts[0], Long.parseLong(parts[1]), Math::max);
            }
        }
        assertThat(last).isEqualTo(expected);
    }

    private static Map<String, String> jdbcEnvironment() {
        return Map.of("WEIR_JDBC_USER", EmbeddedPostgres.SUPERUSER, "WEIR_JDBC_PASSWORD", "");
    }

    /** A fresh database with the table keyed-count writes (DDL as docs/connectors.md documents). */
    private static String tableFor(String name, boolean upsert) {
        String url = postgres.createDatabase("e2e_" + name);
        String key = upsert ? "key BIGINT PRIMARY KEY" : "key BIGINT NOT NULL";
        execute(url, "CREATE TABLE keyed_count (" + key + ", count BIGINT NOT NULL, sum BIGINT NOT NULL)");
        return url;
    }

    private static void execute(String url, String sql) {
        try (Connection connection = EmbeddedPostgres.connect(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The independent reader: what any SQL client sees after the job. */
    static List<String> rows(String url) throws Exception {
        return query(url, "SELECT key || ',' || count || ',' || sum FROM keyed_count");
    }

    private static List<String> query(String url, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = EmbeddedPostgres.connect(url); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    private void assertExactlyOnce(Run run, List<String> lines, long records) throws Exception {
        assertThat(Files.readString(dir.resolve("logs/attempt-2/worker-1.log")))
                .as("worker 1 of attempt 2 halted between checkpoint completion and its commit")
                .contains("halting worker before committing checkpoint");
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(lines, records, KEYS);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", run.seed, report).isTrue();
        assertThat(report.lines()).isEqualTo(records);
    }

    /** One job run: worker processes, S3 checkpoint storage, kills driven from here. */
    private final class Run implements JobMasterListener {
        final long seed = System.nanoTime();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong attempts = new AtomicLong();
        final CommittedPartNames names = new CommittedPartNames();
        final String name;
        final String jobClass;
        final Map<String, String> args;
        final Map<String, String> environment;

        Run(String name, Map<String, String> args, Map<String, String> environment) {
            this(name, "dev.weir.testing.ChaosKeyedCountJob", withDefaults(args), environment);
        }

        Run(String name, String jobClass, Map<String, String> args, Map<String, String> environment) {
            this.name = name;
            this.jobClass = jobClass;
            this.args = args;
            this.environment = environment;
        }

        @Override
        public void onAttemptStarted(long attempt, String restoredFrom) {
            names.attemptStarted(attempt, restoredFrom);
            attempts.set(attempt);
        }

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            names.checkpointCompleted(stats.checkpointId());
            completed.incrementAndGet();
        }

        /**
         * SIGKILLs a random worker before the first checkpoint (the job's hook then halts worker 1
         * of attempt 2 before its first commit), then {@code randomKills} more at random moments.
         */
        JobResult runWithKills(int randomKills) throws Exception {
            Random random = new Random(seed);
            String base = "weir/e2e/" + name + "-" + seed;
            S3Settings settings = s3.settings(BUCKET);
            CheckpointStorage storage = new CheckpointStorage(new S3ObjectStore(settings), base);
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(name, jobClass,
                    new JobArgs(args), PARALLELISM, 128, CheckpointingMode.EXACTLY_ONCE);
            try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                WorkerProcessDeployer deployer = new WorkerProcessDeployer(job,
                        new WorkerStorage("s3://" + BUCKET, base, settings), server,
                        WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                                .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                                .withExtraEnvironment(environment),
                        new JobMetrics());
                JobMaster master = new JobMaster(new JobMaster.Settings(name, PARALLELISM, 128,
                        new CheckpointConfig(150, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5),
                        new RestartStrategy.Settings(50, 500, 2.0, 20, 600_000)),
                        storage, deployer, Clock.system(), this);
                CompletableFuture<JobResult> result = CompletableFuture.supplyAsync(() -> {
                    try {
                        return master.run(null);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                if (randomKills > 0) {
                    awaitWorkers(deployer, 1);
                    kill(deployer, random.nextInt(PARALLELISM));
                    awaitAttempt(3, result);
                }
                for (int i = 0; i < randomKills && !result.isDone(); i++) {
                    long attempt = attempts.get();
                    awaitWorkers(deployer, attempt);
                    long target = completed.get() + 1 + random.nextInt(3);
                    while (completed.get() < target && !result.isDone()) {
                        Thread.sleep(2);
                    }
                    Thread.sleep(random.nextInt(120));
                    if (!result.isDone()) {
                        kill(deployer, random.nextInt(PARALLELISM));
                        awaitAttempt(attempt + 1, result);
                    }
                }
                JobResult end = result.get(120, TimeUnit.SECONDS);
                assertThat(end.state()).as("seed %d: %s", seed, end.failure()).isEqualTo(JobResult.JobState.FINISHED);
                assertThat(end.restarts()).as("seed %d", seed).isGreaterThanOrEqualTo(randomKills == 0 ? 0 : 2);
                return end;
            } finally {
                storage.close();
            }
        }

        private void awaitWorkers(WorkerProcessDeployer deployer, long attempt) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((attempts.get() < attempt || deployer.currentWorkers().size() < PARALLELISM
                    || deployer.currentWorkers().stream().anyMatch(p -> !p.isAlive())) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        private void awaitAttempt(long attempt, CompletableFuture<?> result) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (attempts.get() < attempt && !result.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        /** SIGKILL: the process gets no chance to clean up (connections drop, uploads stay open). */
        private void kill(WorkerProcessDeployer deployer, int worker) {
            deployer.currentWorkers().get(worker).destroyForcibly();
        }
    }

    private static Map<String, String> withDefaults(Map<String, String> args) {
        Map<String, String> all = new HashMap<>(Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                "rate", Long.toString(30_000 / PARALLELISM),
                // worker 1 halts (like a SIGKILL: no cleanup) in attempt 2 right after "complete" of a checkpoint
                "haltBeforeCommitWorker", "1", "haltBeforeCommitAttempt", "2"));
        all.putAll(args);
        return all;
    }
}
