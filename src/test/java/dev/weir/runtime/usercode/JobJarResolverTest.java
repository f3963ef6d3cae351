package dev.weir.runtime.usercode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.testing.TestJar;

/** file:// and local:// jars: used where they are, checked before use; what cannot work is JOB_JAR. */
class JobJarResolverTest {

    @TempDir
    Path dir;
    private Path jar;
    private JobJarResolver resolver;

    @BeforeEach
    void buildJar() throws IOException {
        jar = new TestJar().source("userjob.Job", "package userjob; public final class Job {}")
                .build(dir.resolve("work"), dir.resolve("job.jar"));
        resolver = new JobJarResolver(null, dir.resolve("cache"));
    }

    @Test
    void usesAFileJarWhereItIs() throws IOException {
        for (String uri : new String[] {"file://" + jar, jar.toString(), "local://" + jar}) {
            LocalJobJar resolved = resolver.resolve(uri, null);
            assertThat(resolved.file()).isEqualTo(jar);
            assertThat(resolved.uri()).isEqualTo(uri);
            assertThat(resolved.sha256()).as("not computed when nobody asked").isNull();
        }
        assertThat(dir.resolve("cache")).doesNotExist();
    }

    @Test
    void verifiesTheChecksumBeforeUse() throws Exception {
        String sha = Sha256.of(jar);
        assertThat(sha).as("what sha256sum prints").isEqualTo(sha256sum(jar));
        assertThat(resolver.resolve("file://" + jar, sha.toUpperCase()).sha256()).isEqualTo(sha);

        String other = "ab".repeat(32);
        assertJobJarFailure(() -> resolver.resolve("file://" + jar, other),
                "job jar file://" + jar + " does not have the expected content: its sha256 is " + sha + ", expected " + other);
        assertJobJarFailure(() -> resolver.resolve("file://" + jar, "abc"),
                "the expected sha256 of job jar file://" + jar + " must be 64 hex digits (got 'abc')");
    }

    @Test
    void aMissingJarIsNamedWithWhereItWasLookedFor() {
        Path missing = dir.resolve("missing.jar");
        assertJobJarFailure(() -> resolver.resolve("file://" + missing, null),
                "job jar file://" + missing + " was not found: no file " + missing);
        assertJobJarFailure(() -> resolver.resolve("local://" + missing, null),
                "job jar local://" + missing + " was not found: no file " + missing + " in the worker's image (spec.image)");
        assertJobJarFailure(() -> resolver.resolve("file://" + dir, null), "job jar file://" + dir + " is a directory");
    }

    @Test
    void aFileThatIsNoJarSaysSo() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.jar"), "not a zip file");
        assertJobJarFailure(() -> resolver.resolve(text.toString(), null), "job jar " + text + " is not a jar (zip) file");
        Path empty = Files.createFile(dir.resolve("empty.jar"));
        assertJobJarFailure(() -> resolver.resolve(empty.toString(), null), "job jar " + empty + " is not a jar (zip) file");
    }

    @Test
    void malformedUrisNameTheProblem() {
        assertJobJarFailure(() -> resolver.resolve("http://example.com/job.jar", null),
                "job jar URI 'http://example.com/job.jar' is not valid: the scheme must be file://, local:// or s3://");
        assertJobJarFailure(() -> resolver.resolve("file://opt/job.jar", null),
                "job jar URI 'file://opt/job.jar' is not valid: expected file:///absolute/path/job.jar (three slashes)");
        assertJobJarFailure(() -> resolver.resolve("jobs/job.jar", null),
                "job jar URI 'jobs/job.jar' is not valid: a relative path needs a manifest to be relative to");
        assertJobJarFailure(() -> resolver.resolve("s3://bucket-only", null),
                "job jar URI 's3://bucket-only' is not valid: expected s3://bucket/key.jar");
        assertJobJarFailure(() -> resolver.resolve("s3://weir/jobs/job.jar", null),
                "job jar s3://weir/jobs/job.jar cannot be downloaded: the job's storage is not S3");
    }

    private static String sha256sum(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sha256sum", file.toString()).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        return output.substring(0, output.indexOf(' '));
    }

    static void assertJobJarFailure(ThrowingCallable call, String messageStart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(UnrecoverableJobException.class, e -> {
            assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.JOB_JAR);
            assertThat(e.getMessage()).startsWith(messageStart);
        });
    }
}
