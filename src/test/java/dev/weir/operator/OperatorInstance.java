package dev.weir.operator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.operator.runtime.CoordinatorJobRuntime;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * One operator process as an end-to-end test runs it: java-operator-sdk with the reconciler, the
 * real coordinator runtime and the leadership, wired as OperatorBeans wires them in Quarkus. Its
 * coordinator server listens on a fixed address as a pod has a fixed IP, so a second instance on
 * the same address is what workers see after an operator restart.
 */
final class OperatorInstance implements AutoCloseable {

    static final Duration POLL_INTERVAL = Duration.ofMillis(300);
    static final String LEASE = "weir-operator-lease";

    final CoordinatorServer server;
    final CoordinatorJobRuntime runtime;
    final CoordinatorLeadership leadership;
    final Operator operator;
    /** Set when the leadership asked the process to exit (a lost Lease); a test process does not exit. */
    final AtomicBoolean exitRequested = new AtomicBoolean();

    private OperatorInstance(KubernetesClient client, InetSocketAddress coordinator, String coordinatorUrl,
                             Optional<CoordinatorLeadership.OperatorPod> pod, boolean election, Tls tls)
            throws IOException {
        server = new CoordinatorServer(coordinator, ControlServerLimits.coordinator(),
                tls == null ? null : TransportTls.fromDirectory(tls.operatorDirectory()));
        runtime = new CoordinatorJobRuntime(server, coordinatorUrl == null ? server.baseUri().toString() : coordinatorUrl,
                new ResourceStreamJobActions(client));
        leadership = new CoordinatorLeadership(client, pod, server, runtime, () -> exitRequested.set(true));
        leadership.follow();
        operator = new Operator(o -> {
            o.withKubernetesClient(client).withCloseClientOnStop(false).withUseSSAToPatchPrimaryResource(false);
            if (election) {
                // Short terms so a takeover happens within seconds; identity and Lease namespace as in a pod.
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE, pod.get().namespace(),
                        Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(250), pod.get().name(),
                        leadership.callbacks(), false));
            }
        });
        operator.register(new StreamJobReconciler(client, runtime, new OperatorSettings("weir:test", POLL_INTERVAL,
                tls == null ? null : tls.workerSecret()), leadership));
        if (!election) {
            leadership.lead();
        }
        operator.start();
    }

    /**
     * Mutual TLS as the chart's tls values set it up: the operator's certificate (weir.operator.tls-dir)
     * and the Secret each job namespace holds for its workers (weir.operator.worker-tls-secret).
     */
    record Tls(Path operatorDirectory, String workerSecret) {
    }

    /** A single replica without leader election: it leads at once. */
    static OperatorInstance start(KubernetesClient client, InetSocketAddress coordinator) throws IOException {
        return new OperatorInstance(client, coordinator, null, Optional.empty(), false, null);
    }

    /** The same, with mutual TLS on the control and data planes. */
    static OperatorInstance start(KubernetesClient client, InetSocketAddress coordinator, Tls tls) throws IOException {
        return new OperatorInstance(client, coordinator, null, Optional.empty(), false, tls);
    }

    /** One of several replicas in {@code pod}, electing a leader; workers reach it through {@code coordinatorUrl}. */
    static OperatorInstance replica(KubernetesClient client, InetSocketAddress coordinator, String coordinatorUrl,
                                    CoordinatorLeadership.OperatorPod pod) throws IOException {
        return new OperatorInstance(client, coordinator, coordinatorUrl, Optional.of(pod), true, null);
    }

    /**
     * What a stopping operator process does: java-operator-sdk stops (releasing the Lease), then
     * the runtime and the server are disposed.
     */
    @Override
    public void close() {
        leadership.shuttingDown();
        operator.stop();
        runtime.close();
        server.close();
    }
}
