package dev.weir.operator.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.weir.api.Condition;
import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;

/**
 * The operator as Quarkus builds it (CDI wiring, QOSDK registration, JSON-patch status) against
 * the mock API server: a StreamJob whose credentials Secret is missing gets Ready=False, not a
 * crash. The one @QuarkusTest; every transition is tested without Quarkus in StreamJobLifecycleTest.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorQuarkusSmokeTest {

    @Inject
    KubernetesClient client;

    @Test
    void reconcilesAStreamJobIntoAReadyCondition() throws InterruptedException {
        StreamJob job = dev.weir.operator.OperatorTestEnvAccess.job("smoke", 1);
        job.getMetadata().setNamespace(client.getNamespace());
        client.resource(job).create();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        StreamJob seen = null;
        while (System.nanoTime() < deadline) {
            seen = client.resources(StreamJob.class).inNamespace(client.getNamespace()).withName("smoke").get();
            if (seen.getStatus() != null && seen.getStatus().getPhase() != null) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(seen.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
        assertThat(seen.getStatus().getConditions()).filteredOn(c -> c.getType().equals(Condition.READY))
                .singleElement().satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo(Condition.FALSE);
                    assertThat(c.getReason()).isEqualTo("SecretNotFound");
                });
    }
}
