package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.coordinator.remote.CoordinatorServer;
import io.javaoperatorsdk.operator.Operator;

/**
 * The reconciler inside a real java-operator-sdk {@link Operator} against the mock API server:
 * events wake it, status is patched (JSON patch, as configured for Quarkus too), pod events of the
 * workers reach the right job, and deleting the job stops its coordinator.
 */
class StreamJobReconcilerIT {

    private final OperatorTestEnv env = new OperatorTestEnv();
    private final CoordinatorServer server = coordinatorServer();
    private CoordinatorLeadership leadership;
    private Operator operator;

    @AfterEach
    void close() {
        if (operator != null) {
            operator.stop();
        }
        env.close();
        server.close();
    }

    @Test
    void reconcilesOnEventsAndPatchesStatus() throws Exception {
        startOperator(true);
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));

        await(() -> env.pods("counts").size() == 2);
        await(() -> phase() == JobPhase.Deploying);
        JobKey key = new JobKey(NAMESPACE, "counts");
        synchronized (env.runtime) {
            env.runtime.registerAll(key);
        }
        env.runPods("counts");
        await(() -> phase() == JobPhase.Running);

        env.deletePod("counts-a1-w0");
        await(() -> phase() == JobPhase.Restarting);

        env.client.resources(StreamJob.class).inNamespace(NAMESPACE).withName("counts").delete();
        await(() -> env.get("counts") == null);
        assertThat(env.runtime.current(key)).isNull();
    }

    /** A follower (it lost the Lease, or never had it) leaves jobs alone even when an event reaches it. */
    @Test
    void followerActsOnNothing() throws Exception {
        startOperator(false);
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));

        Thread.sleep(2_000);
        assertThat(env.pods("counts")).isEmpty();
        assertThat(env.get("counts").getStatus() == null || env.get("counts").getStatus().getPhase() == null).isTrue();
        assertThat(env.runtime.ensured).isEmpty();
    }

    private void startOperator(boolean leader) {
        operator = new Operator(o -> o.withKubernetesClient(env.client).withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false).withSSABasedCreateUpdateMatchForDependentResources(false));
        leadership = new CoordinatorLeadership(env.client, Optional.empty(), server, env.runtime, () -> { });
        if (leader) {
            leadership.lead();
        } else {
            leadership.follow();
        }
        operator.register(new StreamJobReconciler(env.client, env.runtime, OperatorTestEnv.SETTINGS, leadership));
        operator.start();
    }

    private static CoordinatorServer coordinatorServer() {
        try {
            return new CoordinatorServer(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JobPhase phase() {
        StreamJob job = env.get("counts");
        return job == null || job.getStatus() == null ? null : job.getStatus().getPhase();
    }

    private void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s: phase " + phase() + ", pods " + env.pods("counts").size());
            }
            Thread.sleep(50);
        }
    }
}
