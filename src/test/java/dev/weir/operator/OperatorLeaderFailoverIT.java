package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.JobPhase;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.GatedSource;
import dev.weir.testing.KeyedCountVerifier;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

/**
 * Two operator replicas, as the chart runs them with replicas: 2: each in its own "pod" (its
 * coordinator server on its own loopback IP, same port), leader election through a Lease in the
 * mock API server, and workers reaching the coordinator through a Service that selects the pod
 * labelled weir.dev/coordinator-leader=true (a small kube-proxy). The leader stops; the follower
 * takes the Lease and the label, re-attaches to the running workers, and the job finishes
 * exactly-once without a restart.
 */
class OperatorLeaderFailoverIT {

    private static final String OPERATOR_NAMESPACE = "weir-system";
    private static final long RECORDS = 150_000;
    private static final long KEYS = 300;

    @TempDir
    Path dir;

    @Test
    void followerTakesOverTheLabelAndReattachesToRunningWorkers() throws Exception {
        Path output = dir.resolve("out");
        try (EndToEndFixture fixture = new EndToEndFixture(dir)) {
            var pods = fixture.env.client.pods().inNamespace(OPERATOR_NAMESPACE);
            operatorPod(fixture, "weir-operator-a", "127.0.1.1");
            operatorPod(fixture, "weir-operator-b", "127.0.1.2");
            int port = OperatorEndToEndIT.freePort();
            try (ServiceProxy service = new ServiceProxy(fixture.env.client, OPERATOR_NAMESPACE,
                    CoordinatorLeadership.LEADER_LABEL, "true", port)) {
                OperatorInstance a = OperatorInstance.replica(fixture.env.client,
                        new InetSocketAddress("127.0.1.1", port), service.url(), pod("weir-operator-a"));
                fixture.await("counts", a.leadership::leading, Duration.ofSeconds(30));
                try (OperatorInstance b = OperatorInstance.replica(fixture.env.client,
                        new InetSocketAddress("127.0.1.2", port), service.url(), pod("weir-operator-b"))) {
                    assertThat(labelled(fixture)).containsExactly("weir-operator-a");

                    // Its sources hold after 40,000 records each until the gate opens: the job is still
                    // running when the leader goes, however long the takeover takes on a busy machine.
                    Path gate = dir.resolve("gate");
                    fixture.gatedKeyedCount("counts", RECORDS, KEYS, 12_000, 40_000, gate, output);
                    fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Running
                            && fixture.status("counts").getLastCheckpoint() != null, Duration.ofSeconds(60));
                    assertThat(b.leadership.leading()).isFalse();
                    assertThat(b.runtime.observe(new JobKey(OperatorTestEnv.NAMESPACE, "counts"), 1).hosted()).isFalse();
                    assertThat(CoordinatorLeadershipTest.heartbeatStatus(java.net.URI.create("http://127.0.1.2:" + port))).as("the follower refuses workers").isEqualTo(503);
                    Map<String, Long> pids = fixture.env.pods("counts").stream().map(p -> p.getMetadata().getName())
                            .collect(Collectors.toMap(p -> p, fixture.kubelet::pid));

                    a.close();
                    long highestBefore = fixture.highestCheckpointIdInStorage("counts");
                    fixture.await("counts", () -> labelled(fixture).equals(java.util.List.of("weir-operator-b")),
                            Duration.ofSeconds(30));
                    assertThat(b.leadership.leading()).isTrue();
                    fixture.await("counts", () -> fixture.status("counts").getLastCheckpoint().getId() > highestBefore,
                            Duration.ofSeconds(60));
                    assertThat(fixture.status("counts").getAttempt()).isEqualTo(1);
                    assertThat(fixture.status("counts").getRestarts()).isZero();
                    pids.forEach((pod, pid) -> assertThat(fixture.kubelet.pid(pod)).as(pod).isEqualTo(pid));
                    GatedSource.open(gate);

                    fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Finished,
                            Duration.ofSeconds(120));
                    assertThat(fixture.status("counts").getRestarts()).isZero();
                    assertThat(a.exitRequested).isFalse();
                }
                assertThat(pods.withLabel(CoordinatorLeadership.LEADER_LABEL, "true").list().getItems()).isEmpty();
            }
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    private static CoordinatorLeadership.OperatorPod pod(String name) {
        return new CoordinatorLeadership.OperatorPod(OPERATOR_NAMESPACE, name);
    }

    private static void operatorPod(EndToEndFixture fixture, String name, String ip) {
        fixture.env.client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(OPERATOR_NAMESPACE)
                .addToLabels("app.kubernetes.io/name", "weir").endMetadata().withNewSpec().addNewContainer()
                .withName("operator").withImage("weir:test").endContainer().endSpec().build()).create();
        fixture.env.client.pods().inNamespace(OPERATOR_NAMESPACE).withName(name).editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip).build());
            return p;
        });
    }

    private static java.util.List<String> labelled(EndToEndFixture fixture) {
        return fixture.env.client.pods().inNamespace(OPERATOR_NAMESPACE)
                .withLabel(CoordinatorLeadership.LEADER_LABEL, "true").list().getItems().stream()
                .map(p -> p.getMetadata().getName()).toList();
    }
}
