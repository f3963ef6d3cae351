package dev.weir.operator.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobStatus;
import dev.weir.local.EmbeddedS3Server;
import dev.weir.operator.KubeletHarness;
import dev.weir.runtime.storage.S3ObjectStore;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;

/**
 * The operator as Quarkus runs it, with real workers and S3Proxy, scraped as Prometheus would:
 * after a checkpoint /q/metrics shows the Weir checkpoint metrics with values, after a worker was
 * killed the restart, and the health endpoints answer UP.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorMetricsQuarkusTest {

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @TestHTTPResource("/q/health/live")
    URL live;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @Test
    void checkpointAndRestartMetricsAreScrapedInPrometheusFormat() throws Exception {
        Path dir = Files.createTempDirectory("weir-metrics");
        String namespace = client.getNamespace();
        try (EmbeddedS3Server s3 = EmbeddedS3Server.startInMemory();
             KubeletHarness kubelet = new KubeletHarness(client, namespace, dir)) {
            new S3ObjectStore(s3.settings("weir")).ensureBucket();
            client.resource(new SecretBuilder().withNewMetadata().withName("weir-s3").withNamespace(namespace)
                    .endMetadata().withStringData(Map.of("accessKey", s3.accessKey(), "secretKey", s3.secretKey()))
                    .build()).create();
            StreamJob job = dev.weir.operator.OperatorTestEnvAccess.job("scraped", 2);
            job.getMetadata().setNamespace(namespace);
            job.getSpec().getStorage().setEndpoint(s3.endpoint());
            job.getSpec().getJob().setArgs(new LinkedHashMap<>(Map.of("records", "1000000", "keys", "100",
                    "rate", "5000", "output", dir.resolve("out").toString())));
            job.getSpec().getCheckpointing().setIntervalMs(200);
            job.getSpec().getRestartPolicy().setInitialBackoffMs(500);
            client.resource(job).create();

            await(() -> status().getLastCheckpoint() != null, Duration.ofSeconds(90));
            String scraped = get(metrics);
            String tags = "job=\"scraped\",namespace=\"" + namespace + "\"";
            assertThat(value(scraped, "weir_checkpoints_completed_total", tags)).isGreaterThanOrEqualTo(1);
            assertThat(value(scraped, "weir_checkpoint_duration_seconds_count", tags)).isGreaterThanOrEqualTo(1);
            assertThat(value(scraped, "weir_checkpoint_size_bytes_sum", tags)).isPositive();
            assertThat(scraped).contains("# TYPE weir_checkpoints_completed counter");

            kubelet.killProcess("scraped-a1-w0");
            await(() -> status().getRestarts() == 1, Duration.ofSeconds(60));
            assertThat(value(get(metrics), "weir_job_restarts_total", tags)).isEqualTo(1);

            assertThat(get(live)).contains("\"status\": \"UP\"");
            assertThat(get(ready)).contains("\"status\": \"UP\"");
            client.resources(StreamJob.class).inNamespace(namespace).withName("scraped").delete();
        }
    }

    private StreamJobStatus status() {
        StreamJob job = client.resources(StreamJob.class).inNamespace(client.getNamespace()).withName("scraped").get();
        return job.getStatus() == null ? new StreamJobStatus() : job.getStatus();
    }

    private static double value(String scraped, String name, String tags) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + tags) + "[^}]*} (\\S+)$").matcher(scraped);
        assertThat(m.find()).as(name + "{" + tags + "} in\n" + scraped).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String get(URL url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
