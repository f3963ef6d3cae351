package dev.weir.operator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.operator.runtime.CoordinatorJobRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;

/**
 * One operator process as an end-to-end test runs it: java-operator-sdk with the reconciler and
 * the real coordinator runtime, its coordinator server on a fixed address as a pod has a fixed IP,
 * so a second instance started on the same address is what workers see after an operator restart.
 */
final class OperatorInstance implements AutoCloseable {

    static final Duration POLL_INTERVAL = Duration.ofMillis(300);
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

    final CoordinatorJobRuntime runtime;
    final Operator operator;

    private OperatorInstance(CoordinatorJobRuntime runtime, Operator operator) {
        this.runtime = runtime;
        this.operator = operator;
    }

    /** Starts reconciling at once (no leader election), as a single operator replica does. */
    static OperatorInstance start(KubernetesClient client, InetSocketAddress coordinator) throws IOException {
        CoordinatorServer server = new CoordinatorServer(coordinator);
        CoordinatorJobRuntime runtime = new CoordinatorJobRuntime(server, server.baseUri().toString(), HEARTBEAT_TIMEOUT);
        Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false));
        operator.register(new StreamJobReconciler(client, runtime, new OperatorSettings("weir:test", POLL_INTERVAL)));
        operator.start();
        return new OperatorInstance(runtime, operator);
    }

    /** What a stopping operator process does: java-operator-sdk stops, then the runtime bean is disposed. */
    @Override
    public void close() {
        operator.stop();
        runtime.close();
    }
}
