package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.testing.CommittedObjects;
import dev.weir.testing.EmbeddedPostgres;
import dev.weir.testing.KeyedCountVerifier;

/**
 * Bad connector settings, end to end through {@code weir local}: where a restart may help (a server
 * that does not answer) the job's restart policy applies (one restart, then FAILED, exit code 1);
 * where none can (no such bucket, wrong credentials, no endpoint) the job fails at once (exit code
 * 2, bad input); the summary's {@code error} names the
 * connector and the setting, no secret appears anywhere, and output committed earlier survives.
 */
class ConnectorBadInputIT {

    private static final long RECORDS = 2_000;
    private static final long KEYS = 10;
    private static final String BUCKET = "weir-bad-input";
    private static final String WRONG_PASSWORD = "wrong-Pa55-xyz";
    private static final String WRONG_SECRET = "wrong-secret-key-xyz";

    private static EmbeddedPostgres postgres;
    private static String databaseUrl;
    private static EmbeddedS3Server s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.shared();
        databaseUrl = postgres.createDatabase("bad_input");
        try (Connection connection = EmbeddedPostgres.connect(databaseUrl); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE keyed_count (key BIGINT NOT NULL, count BIGINT NOT NULL, sum BIGINT NOT NULL)");
        }
        s3 = EmbeddedS3Server.startInMemory();
        try (S3ObjectStore store = new S3ObjectStore(s3.settings(BUCKET))) {
            store.ensureBucket();
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private record Outcome(int exitCode, JsonNode summary, String stdout, String stderr) {
        String error() {
            return summary.path("error").asText();
        }
    }

    private Outcome weirLocal(String name, String output, String... options) throws Exception {
        return weirLocalJob(name, "dev.weir.examples.KeyedCountJob", """
                      records: "%d"
                      keys: "%d"
                      output: "%s"
                """.formatted(RECORDS, KEYS, output), options);
    }

    /** {@code args}: the manifest's lines under {@code spec.job.args}, indented. */
    private Outcome weirLocalJob(String name, String className, String jobArgs, String... options) throws Exception {
        Path manifest = dir.resolve(name + ".yaml");
        Files.writeString(manifest, """
                apiVersion: weir.dev/v1alpha1
                kind: StreamJob
                metadata:
                  name: %s
                spec:
                  job:
                    className: %s
                    parallelism: 1
                    args:
                %s  checkpointing:
                    intervalMs: 100
                  restartPolicy:
                    maxRestarts: 1
                    initialBackoffMs: 10
                    maxBackoffMs: 20
                  storage:
                    path: %s
                """.formatted(name, className, jobArgs, dir.resolve("checkpoints-" + name)));
        List<String> args = new ArrayList<>(List.of("--quiet", "--state-dir", dir.resolve("state").toString()));
        args.addAll(List.of(options));
        args.add(manifest.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WeirLocal.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        JsonNode summary = stdout.isBlank() ? new ObjectMapper().createObjectNode()
                : new ObjectMapper().readTree(stdout.lines().reduce((a, b) -> b).orElseThrow());
        return new Outcome(code, summary, stdout, err.toString(StandardCharsets.UTF_8));
    }

    /** Exit code, final state, one restart (the policy), and the message where the user looks. */
    private static void assertFailed(Outcome outcome, String... expected) {
        assertFailed(outcome, 1, 1, expected);
    }

    /** A mistake no restart heals: bad input, no restart spent on it. */
    private static void assertFailedAtOnce(Outcome outcome, String... expected) {
        assertFailed(outcome, 2, 0, expected);
    }

    private static void assertFailed(Outcome outcome, int exitCode, int restarts, String... expected) {
        assertThat(outcome.exitCode()).as(outcome.stderr()).isEqualTo(exitCode);
        assertThat(outcome.summary().path("state").asText()).as(outcome.stdout()).isEqualTo("FAILED");
        assertThat(outcome.summary().path("restarts").asInt()).as(outcome.stdout()).isEqualTo(restarts);
        for (String text : expected) {
            assertThat(outcome.error()).contains(text);
            assertThat(outcome.stderr()).contains(text);
        }
    }

    private static void assertNoSecret(Outcome outcome, String... secrets) {
        for (String secret : secrets) {
            assertThat(outcome.stdout()).doesNotContain(secret);
            assertThat(outcome.stderr()).doesNotContain(secret);
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String jdbc(String database, String parameters) {
        return database + "?table=keyed_count&mode=2pc&" + parameters;
    }

    @Test
    void badDatabaseSettingsFailClearlyAndKeepWhatWasCommitted() throws Exception {
        // Committed output first: a correct run into the table the bad runs then aim at.
        Outcome good = weirLocal("good-pg", jdbc(databaseUrl, "user=postgres"), "--in-process");
        assertThat(good.exitCode()).as(good.stderr()).isZero();
        List<String> committed = ConnectorKillIT.rows(databaseUrl);
        assertThat(KeyedCountVerifier.verify(committed, RECORDS, KEYS).isExactlyOnce()).isTrue();

        int port = closedPort();
        Outcome unreachable = weirLocal("unreachable-pg",
                jdbc("jdbc:postgresql://127.0.0.1:" + port + "/weir", "user=postgres&connectTimeout=2"), "--in-process");
        assertFailed(unreachable, "JdbcTwoPhaseCommitSink", "cannot connect to jdbc:postgresql://127.0.0.1:" + port);

        Outcome wrongPassword = weirLocal("wrong-password-pg",
                jdbc(databaseUrl, "user=" + EmbeddedPostgres.PASSWORD_USER + "&password=" + WRONG_PASSWORD), "--in-process");
        assertFailed(wrongPassword, "JdbcTwoPhaseCommitSink", "user '" + EmbeddedPostgres.PASSWORD_USER + "'",
                "password=***");
        assertNoSecret(wrongPassword, WRONG_PASSWORD);

        Outcome missingTable = weirLocal("missing-table-pg",
                databaseUrl + "?table=no_such_table&mode=wal&user=postgres", "--in-process");
        assertFailed(missingTable, "JdbcWriteAheadSink", "table no_such_table does not exist");

        Outcome missingUser = weirLocal("missing-user-pg", jdbc(databaseUrl, "connectTimeout=2"), "--in-process");
        assertFailedAtOnce(missingUser, "WEIR_JDBC_USER");

        assertThat(ConnectorKillIT.rows(databaseUrl)).as("committed rows survive the failed runs")
                .containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void badS3SinkSettingsFailClearlyAndKeepWhatWasCommitted() throws Exception {
        String output = "s3://" + BUCKET + "/counts";
        String[] goodEnv = env(s3.endpoint(), s3.secretKey());
        // Worker processes: --env gives them the sink's variables (storage is a local path here,
        // so WEIR_S3_* reach the workers only through --env).
        Outcome good = weirLocal("good-s3", output, goodEnv);
        assertThat(good.exitCode()).as(good.stderr()).isZero();
        List<String> committed = committedObjects();
        assertThat(KeyedCountVerifier.verify(committed, RECORDS, KEYS).isExactlyOnce()).isTrue();

        Outcome missingBucket = weirLocal("missing-bucket-s3", "s3://no-such-bucket/counts", goodEnv);
        assertFailedAtOnce(missingBucket, "ExactlyOnceS3Sink[s3://no-such-bucket/counts at " + s3.endpoint() + "]");
        assertNoSecret(missingBucket, s3.secretKey());

        String closed = "http://127.0.0.1:" + closedPort();
        Outcome unreachable = weirLocal("unreachable-s3", output, env(closed, s3.secretKey()));
        assertFailed(unreachable, "ExactlyOnceS3Sink[" + output + " at " + closed + "]");
        assertNoSecret(unreachable, s3.secretKey());

        Outcome wrongCredentials = weirLocal("wrong-credentials-s3", output, env(s3.endpoint(), WRONG_SECRET));
        assertFailedAtOnce(wrongCredentials, "ExactlyOnceS3Sink[" + output + " at " + s3.endpoint() + "]");
        assertNoSecret(wrongCredentials, WRONG_SECRET, s3.secretKey());

        Outcome missingVariables = weirLocal("no-env-s3", output, "--in-process");
        assertFailedAtOnce(missingVariables, "S3 sink", "WEIR_S3_ENDPOINT");

        assertThat(committedObjects()).as("committed objects survive the failed runs")
                .containsExactlyInAnyOrderElementsOf(committed);
    }

    /** The input's side of the same: an s3:// input that can never be read fails at once, one that is down restarts. */
    @Test
    void badS3SourceSettingsFailClearly() throws Exception {
        try (S3ObjectStore store = new S3ObjectStore(s3.settings(BUCKET).withLocation(BUCKET, ""))) {
            store.put("words/part-0.txt", "to be or not to be\nthat is the question\n".getBytes(StandardCharsets.UTF_8));
        }
        String input = "s3://" + BUCKET + "/words";
        String[] goodEnv = env(s3.endpoint(), s3.secretKey());
        Outcome good = weirLocalJob("good-s3-input", "dev.weir.examples.WordCountJob",
                wordCountArgs(input, "good"), goodEnv);
        assertThat(good.exitCode()).as(good.stderr()).isZero();
        StringBuilder counted = new StringBuilder();
        try (var files = Files.list(dir.resolve("out-good"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                counted.append(Files.readString(file));
            }
        }
        assertThat(counted.toString()).contains("question");

        Outcome missingBucket = weirLocalJob("missing-bucket-s3-input", "dev.weir.examples.WordCountJob",
                wordCountArgs("s3://no-such-bucket/words", "missing"), goodEnv);
        assertFailedAtOnce(missingBucket, "S3 source", "no-such-bucket", "cannot list the input");
        assertNoSecret(missingBucket, s3.secretKey());

        Outcome wrongCredentials = weirLocalJob("wrong-credentials-s3-input", "dev.weir.examples.WordCountJob",
                wordCountArgs(input, "wrong"), env(s3.endpoint(), WRONG_SECRET));
        assertFailedAtOnce(wrongCredentials, "S3 source", "cannot list the input");
        assertNoSecret(wrongCredentials, WRONG_SECRET, s3.secretKey());

        String closed = "http://127.0.0.1:" + closedPort();
        Outcome unreachable = weirLocalJob("unreachable-s3-input", "dev.weir.examples.WordCountJob",
                wordCountArgs(input, "unreachable"), env(closed, s3.secretKey()));
        assertFailed(unreachable, "S3 source", "cannot list the input");
        assertNoSecret(unreachable, s3.secretKey());

        Outcome missingVariables = weirLocalJob("no-env-s3-input", "dev.weir.examples.WordCountJob",
                wordCountArgs(input, "no-env"), "--in-process");
        assertFailedAtOnce(missingVariables, "S3 source", "WEIR_S3_ENDPOINT");
    }

    private String wordCountArgs(String input, String run) {
        return """
                      input: "%s"
                      output: "%s"
                """.formatted(input, dir.resolve("out-" + run));
    }

    private static String[] env(String endpoint, String secretKey) {
        return new String[] {"--env", "WEIR_S3_ENDPOINT=" + endpoint, "--env", "WEIR_S3_ACCESS_KEY=" + s3.accessKey(),
                "--env", "WEIR_S3_SECRET_KEY=" + secretKey};
    }

    private static List<String> committedObjects() throws Exception {
        try (S3ObjectStore reader = new S3ObjectStore(s3.settings(BUCKET).withLocation(BUCKET, "counts"))) {
            return CommittedObjects.lines(reader);
        }
    }
}
