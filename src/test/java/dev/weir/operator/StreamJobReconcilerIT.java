package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.api.CheckpointInfo;
import dev.weir.api.JobPhase;
import dev.weir.api.SavepointInfo;
import dev.weir.api.SavepointTriggerType;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.coordinator.remote.CoordinatorServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * The reconciler inside a real java-operator-sdk {@link Operator} against the mock API server:
 * events wake it, status is replaced (optimistic locking on the job's resourceVersion), pod events of the
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

    /**
     * The informer copy java-operator-sdk hands the reconciler can lag behind the operator's own last
     * status write. Status is decided from the StreamJob as read from the API server and replaces the
     * whole status: a JSON patch computed against the lagging copy (what the SDK sends without
     * server-side apply) inserted a savepoint into status.savepointHistory a second time.
     */
    @Test
    void aLaggingInformerCopyNeitherDecidesNorShapesTheStatusWrite() {
        leadership = new CoordinatorLeadership(env.client, Optional.empty(), server, env.runtime, () -> { });
        leadership.lead();
        env.createCredentials();
        StreamJob created = OperatorTestEnv.job("counts", 2);
        created.getSpec().setState(StreamJobSpec.STATE_SUSPENDED);
        env.create(created);
        writeStatus(JobPhase.Suspended, savepoint(4, SavepointTriggerType.MANUAL));
        StreamJob lagging = env.get("counts");
        writeStatus(JobPhase.Suspended, savepoint(9, SavepointTriggerType.SUSPEND), savepoint(4, SavepointTriggerType.MANUAL));

        UpdateControl<StreamJob> control = new StreamJobReconciler(env.client, env.runtime, OperatorTestEnv.SETTINGS,
                leadership).reconcile(lagging, null);
        if (control.isPatchStatus()) {
            // What java-operator-sdk 5 then sends without server-side apply: a JSON patch from its copy.
            env.client.resource(lagging).editStatus(j -> control.getResource().orElseThrow());
        }

        assertThat(env.get("counts").getStatus().getSavepointHistory()).extracting(SavepointInfo::getId)
                .containsExactly(9L, 4L);
        assertThat(env.get("counts").getStatus().getPhase()).isEqualTo(JobPhase.Suspended);
    }

    private void writeStatus(JobPhase phase, SavepointInfo... history) {
        StreamJob job = env.get("counts");
        job.getStatus().setPhase(phase);
        job.getStatus().setSavepointHistory(new java.util.ArrayList<>(java.util.List.of(history)));
        env.client.resource(job).updateStatus();
    }

    private static SavepointInfo savepoint(long id, SavepointTriggerType trigger) {
        return new SavepointInfo(new CheckpointInfo(id, "s3://weir/jobs/counts/savepoints/sp-" + id,
                "2026-12-03T02:00:0" + (id % 10) + "Z", 100, 1_000), trigger, trigger == SavepointTriggerType.MANUAL ? 1L : null);
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
