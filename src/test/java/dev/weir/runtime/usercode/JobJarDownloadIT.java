package dev.weir.runtime.usercode;

import static dev.weir.runtime.usercode.JobJarResolverTest.assertJobJarFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.weir.local.EmbeddedS3Server;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;
import dev.weir.testing.TestJar;

/**
 * s3:// jars against a real S3-compatible server (S3Proxy): downloaded into the cache by content,
 * reused from it when the checksum is known, verified; a missing or unusable jar is JOB_JAR, a
 * server that cannot be reached or fails is a plain IOException (a restart may succeed).
 */
class JobJarDownloadIT {

    private static final String BUCKET = "jobs";

    @TempDir
    static Path dir;
    private static EmbeddedS3Server server;
    private static Path jar;
    private static String sha;

    @BeforeAll
    static void start() throws IOException {
        server = EmbeddedS3Server.startInMemory();
        jar = new TestJar().source("userjob.Job", "package userjob; public final class Job {}")
                .build(dir.resolve("work"), dir.resolve("job.jar"));
        sha = Sha256.of(jar);
        try (S3ObjectStore store = new S3ObjectStore(server.settings(BUCKET))) {
            store.ensureBucket();
            store.put("v1/job.jar", Files.readAllBytes(jar));
            store.put("v1/notes.jar", "not a jar".getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The job's storage settings: the worker knows them for another bucket than the jar's. */
    private static S3Settings storage() {
        return server.settings("checkpoints");
    }

    @Test
    void downloadsIntoTheCacheByContent() throws IOException {
        Path cache = dir.resolve("cache-download");
        LocalJobJar resolved = new JobJarResolver(storage(), cache).resolve("s3://jobs/v1/job.jar", null);
        assertThat(resolved.file()).isEqualTo(cache.resolve(sha + ".jar"));
        assertThat(resolved.sha256()).isEqualTo(sha);
        assertThat(Files.readAllBytes(resolved.file())).isEqualTo(Files.readAllBytes(jar));
        try (var files = Files.list(cache)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no download left over")
                    .containsExactly(sha + ".jar");
        }
    }

    @Test
    void reusesACachedJarOfTheExpectedContentWithoutDownloading() throws IOException {
        Path cache = dir.resolve("cache-reuse");
        try (S3ObjectStore store = new S3ObjectStore(server.settings(BUCKET))) {
            store.put("v2/job.jar", Files.readAllBytes(jar));
            new JobJarResolver(storage(), cache).resolve("s3://jobs/v2/job.jar", sha);
            store.delete("v2/job.jar");
        }
        LocalJobJar again = new JobJarResolver(storage(), cache).resolve("s3://jobs/v2/job.jar", sha.toUpperCase());
        assertThat(again.file()).isEqualTo(cache.resolve(sha + ".jar"));
        // Without a checksum the content cannot be known in advance: the object is read again.
        assertJobJarFailure(() -> new JobJarResolver(storage(), cache).resolve("s3://jobs/v2/job.jar", null),
                "job jar s3://jobs/v2/job.jar was not found at " + server.endpoint());
    }

    @Test
    void aChecksumMismatchNamesBothChecksumsAndCachesNothing() throws IOException {
        Path cache = dir.resolve("cache-mismatch");
        String expected = "0".repeat(64);
        assertJobJarFailure(() -> new JobJarResolver(storage(), cache).resolve("s3://jobs/v1/job.jar", expected),
                "job jar s3://jobs/v1/job.jar does not have the expected content: its sha256 is " + sha
                        + ", expected " + expected);
        try (var files = Files.list(cache)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMissingObjectOrBucketOrANonJarIsAJobJarFailure() {
        Path cache = dir.resolve("cache-missing");
        JobJarResolver resolver = new JobJarResolver(storage(), cache);
        assertJobJarFailure(() -> resolver.resolve("s3://jobs/v1/missing.jar", null),
                "job jar s3://jobs/v1/missing.jar was not found at " + server.endpoint());
        assertJobJarFailure(() -> resolver.resolve("s3://no-such-bucket/job.jar", null),
                "job jar s3://no-such-bucket/job.jar was not found at " + server.endpoint()
                        + ": bucket no-such-bucket does not exist");
        assertJobJarFailure(() -> resolver.resolve("s3://jobs/v1/notes.jar", null),
                "job jar s3://jobs/v1/notes.jar is not a jar (zip) file");
    }

    @Test
    void anUnreachableServerIsATransientFailure() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        S3Settings nowhere = new S3Settings("http://127.0.0.1:" + port, "checkpoints", "us-east-1", true, "key",
                "secret", "");
        assertThatThrownBy(() -> new JobJarResolver(nowhere, dir.resolve("cache-refused"))
                .resolve("s3://jobs/v1/job.jar", null))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot download job jar s3://jobs/v1/job.jar: ")
                .satisfies(e -> assertThat(UnrecoverableJobException.find(e)).isNull());
    }

    @Test
    void aServerErrorIsATransientFailure() throws IOException {
        HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", exchange -> {
            byte[] body = ("<Error><Code>ServiceUnavailable</Code><Message>slow down</Message></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        failing.start();
        try {
            S3Settings unavailable = new S3Settings("http://127.0.0.1:" + failing.getAddress().getPort(), "checkpoints",
                    "us-east-1", true, "key", "secret", "");
            assertThatThrownBy(() -> new JobJarResolver(unavailable, dir.resolve("cache-503"))
                    .resolve("s3://jobs/v1/job.jar", null))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot download job jar s3://jobs/v1/job.jar: ")
                    .satisfies(e -> assertThat(UnrecoverableJobException.find(e)).isNull());
        } finally {
            failing.stop(0);
        }
    }
}
