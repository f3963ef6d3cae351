package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.storage.S3Settings;

/** Configuration of the S3 sink; writing is covered by ExactlyOnceS3SinkIT against a real server. */
class ExactlyOnceS3SinkTest {

    private static final String SECRET = "very-secret-key";

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("WEIR_S3_ENDPOINT", "http://minio:9000");
        env.put("WEIR_S3_ACCESS_KEY", "access");
        env.put("WEIR_S3_SECRET_KEY", SECRET);
        return env;
    }

    @Test
    void takesBucketAndPrefixFromTheUriAndTheRestFromTheTemplate() {
        S3Settings template = new S3Settings("http://s3:9000", "ignored", "eu-west-1", false, "a", SECRET, "ignored");
        S3Settings settings = S3SinkLocation.fromUri("s3://out-bucket/jobs/counts/", template);
        assertThat(settings).isEqualTo(new S3Settings("http://s3:9000", "out-bucket", "eu-west-1", false, "a", SECRET,
                "jobs/counts"));
        assertThat(S3SinkLocation.fromUri("s3://out-bucket", template).keyPrefix()).isEmpty();
        assertThat(ExactlyOnceS3Sink.forUri("s3://out-bucket/x", template).location()).isEqualTo("s3://out-bucket/x");
    }

    @Test
    void rejectsUrisWithoutBucketOrScheme() {
        S3Settings template = new S3Settings("http://s3:9000", "bucket", null, true, "a", SECRET, "");
        assertThatThrownBy(() -> S3SinkLocation.fromUri("s3:///prefix", template)).hasMessageContaining("no bucket");
        assertThatThrownBy(() -> S3SinkLocation.fromUri("/tmp/out", template)).hasMessageContaining("s3://bucket/prefix");
    }

    @Test
    void readsEndpointAndCredentialsFromTheEnvironmentWithPathStyleByDefault() {
        S3Settings settings = S3SinkLocation.fromEnvironment("s3://out/p", environment()::get);
        assertThat(settings).isEqualTo(new S3Settings("http://minio:9000", "out", null, true, "access", SECRET, "p"));

        Map<String, String> env = environment();
        env.put("WEIR_S3_REGION", "us-east-2");
        env.put("WEIR_S3_PATH_STYLE", "FALSE");
        settings = S3SinkLocation.fromEnvironment("s3://out/p", env::get);
        assertThat(settings.region()).isEqualTo("us-east-2");
        assertThat(settings.pathStyle()).isFalse();
    }

    @Test
    void namesTheMissingVariable() {
        for (String name : new String[] {"WEIR_S3_ENDPOINT", "WEIR_S3_ACCESS_KEY", "WEIR_S3_SECRET_KEY"}) {
            Map<String, String> env = environment();
            env.remove(name);
            assertThatThrownBy(() -> ExactlyOnceS3Sink.fromEnvironment("s3://out/p", env::get))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("environment variable " + name)
                    .hasMessageNotContaining(SECRET);
        }
        Map<String, String> env = environment();
        env.put("WEIR_S3_PATH_STYLE", "yes");
        assertThatThrownBy(() -> S3SinkLocation.fromEnvironment("s3://out/p", env::get))
                .hasMessageContaining("WEIR_S3_PATH_STYLE");
    }

    @Test
    void neverShowsTheSecret() {
        ExactlyOnceS3Sink<String> sink = ExactlyOnceS3Sink.fromEnvironment("s3://out/p", environment()::get);
        assertThat(sink.toString()).contains("s3://out/p").doesNotContain(SECRET);
    }

    @Test
    void partSizeIsAtLeastS3sMinimum() {
        ExactlyOnceS3Sink<String> sink = ExactlyOnceS3Sink.fromEnvironment("s3://out/p", environment()::get);
        assertThat(sink.partSize()).isEqualTo(5 * 1024 * 1024);
        assertThat(sink.withPartSize(8 * 1024 * 1024).partSize()).isEqualTo(8 * 1024 * 1024);
        assertThatThrownBy(() -> sink.withPartSize(1024)).hasMessageContaining("at least");
        assertThat(sink.withMaxObjectSize(1 << 20).maxObjectSize()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> sink.withMaxObjectSize(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
