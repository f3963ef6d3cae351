package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.worker.protocol.CoordinatorRoutes;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.transport.BearerToken;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.JsonHttpClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * The leader label against the mock API server: the leader's pod alone carries it (the chart's
 * coordinator Service selects it), a follower refuses workers, and losing the Lease lets go of
 * the jobs, the label and the process.
 */
class CoordinatorLeadershipTest {

    private static final String OPERATOR_NAMESPACE = "weir-system";

    private final OperatorTestEnv env = new OperatorTestEnv();
    private final CoordinatorServer server = server();
    private final AtomicInteger exits = new AtomicInteger();
    private final CoordinatorLeadership leadership = new CoordinatorLeadership(env.client,
            Optional.of(new CoordinatorLeadership.OperatorPod(OPERATOR_NAMESPACE, "weir-operator-a")), server, env.runtime,
            exits::incrementAndGet);

    @AfterEach
    void close() {
        server.close();
        env.close();
    }

    @Test
    void followerTakesTheLabelOffItsPodAndRefusesWorkers() {
        operatorPod("weir-operator-a", true);

        leadership.follow();

        assertThat(leaderLabel("weir-operator-a")).isNull();
        assertThat(heartbeatStatus(server.baseUri())).isEqualTo(503);
        assertThat(leadership.leading()).isFalse();
    }

    @Test
    void leaderLabelsItsOwnPodAloneAndServesWorkers() {
        operatorPod("weir-operator-a", false);
        operatorPod("weir-operator-b", true);
        leadership.follow();

        leadership.lead();

        assertThat(leaderLabel("weir-operator-a")).isEqualTo("true");
        assertThat(leaderLabel("weir-operator-b")).as("a former leader that could not clean up").isNull();
        assertThat(env.client.pods().inNamespace(OPERATOR_NAMESPACE).withLabel(CoordinatorLeadership.LEADER_LABEL, "true")
                .list().getItems()).extracting(p -> p.getMetadata().getName()).containsExactly("weir-operator-a");
        // Served: no job is registered, so the answer is the server's 404, not the follower's 503.
        assertThat(heartbeatStatus(server.baseUri())).isEqualTo(404);
    }

    @Test
    void losingTheLeaseDetachesUnlabelsAndExits() {
        operatorPod("weir-operator-a", false);
        leadership.lead();
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.reconcile("counts");
        JobKey job = new JobKey(OperatorTestEnv.NAMESPACE, "counts");
        assertThat(env.runtime.current(job)).isNotNull();

        leadership.stopLeading();

        assertThat(env.runtime.current(job)).as("no longer coordinated here").isNull();
        assertThat(env.runtime.stopped).as("but not stopped: the workers run on").isEmpty();
        assertThat(leaderLabel("weir-operator-a")).isNull();
        assertThat(heartbeatStatus(server.baseUri())).isEqualTo(503);
        assertThat(exits).hasValue(1);
    }

    @Test
    void releasingTheLeaseWhileShuttingDownDoesNotExitAgain() {
        operatorPod("weir-operator-a", false);
        leadership.lead();

        leadership.shuttingDown();
        leadership.stopLeading();

        assertThat(leaderLabel("weir-operator-a")).isNull();
        assertThat(exits).hasValue(0);
    }

    private void operatorPod(String name, boolean leader) {
        Map<String, String> labels = leader ? Map.of("app.kubernetes.io/name", "weir", CoordinatorLeadership.LEADER_LABEL,
                "true") : Map.of("app.kubernetes.io/name", "weir");
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(OPERATOR_NAMESPACE)
                .withLabels(labels).endMetadata().withNewSpec().addNewContainer().withName("operator")
                .withImage("weir:test").endContainer().endSpec().build();
        env.client.resource(pod).create();
    }

    private String leaderLabel(String pod) {
        Map<String, String> labels = env.client.pods().inNamespace(OPERATOR_NAMESPACE).withName(pod).get()
                .getMetadata().getLabels();
        return labels == null ? null : labels.get(CoordinatorLeadership.LEADER_LABEL);
    }

    /** What a worker's heartbeat (job jobs/counts, attempt 1) gets from the coordinator server at {@code coordinator}. */
    static int heartbeatStatus(java.net.URI coordinator) {
        JsonHttpClient http = new JsonHttpClient(BearerToken.of("token"),
                new JsonHttpClient.Settings(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), 1,
                        java.time.Duration.ofMillis(10)));
        try {
            http.post(coordinator.resolve(CoordinatorRoutes.attemptPath("jobs.counts", 1, CoordinatorRoutes.HEARTBEAT)),
                    new Heartbeat(1, 0, 0), Void.class);
            return 204;
        } catch (ControlPlaneException e) {
            return e.status();
        }
    }

    private static CoordinatorServer server() {
        try {
            return new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
