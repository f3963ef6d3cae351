package dev.weir.operator.reconcile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.coordinator.CheckpointConfigs;
import dev.weir.coordinator.Heartbeats;
import dev.weir.operator.JobKey;
import dev.weir.operator.OperatorSettings;
import dev.weir.operator.ResourceNames;
import dev.weir.operator.resources.HeadlessServiceDesired;
import dev.weir.operator.resources.JobConfigMapDesired;
import dev.weir.operator.resources.JobTokenSecretDesired;
import dev.weir.operator.resources.WorkerPodDesired;
import dev.weir.operator.runtime.AttemptPlan;
import dev.weir.operator.runtime.JobRuntime;
import dev.weir.operator.runtime.JobRuntimeException;
import dev.weir.operator.runtime.SavepointState;
import dev.weir.operator.runtime.SnapshotInfo;
import dev.weir.operator.runtime.StorageAccess;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

/**
 * Carries out a decision: creates and deletes the owned objects (each computed by its *Desired
 * class) and tells the job runtime. Never waits for pods; the next reconcile sees the result.
 */
public final class Actuator {

    private static final Logger LOG = LoggerFactory.getLogger(Actuator.class);

    private final KubernetesClient client;
    private final JobRuntime runtime;
    private final OperatorSettings settings;

    public Actuator(KubernetesClient client, JobRuntime runtime, OperatorSettings settings) {
        this.client = client;
        this.runtime = runtime;
        this.settings = settings;
    }

    public ActResult act(StreamJob job, Decision decision, Observation observed, StorageAccess storage) {
        if (decision instanceof Decision.Deploy d) {
            return deploy(job, d.attempt(), d.restore(), storage, observed);
        }
        if (decision instanceof Decision.Run) {
            return run(job, observed, storage);
        }
        if (decision instanceof Decision.Restart || decision instanceof Decision.Fail
                || decision instanceof Decision.Suspend) {
            stop(job);
            return ActResult.NOTHING;
        }
        if (decision instanceof Decision.Finish) {
            // Succeeded pods stay for their logs; owner references remove them with the job.
            runtime.stopAttempt(JobKey.of(job));
            return ActResult.NOTHING;
        }
        if (decision instanceof Decision.Redeploy r) {
            stop(job);
            return deploy(job, job.getStatus().getAttempt() + 1, r.restore(), storage, observed);
        }
        if (decision instanceof Decision.Savepoint s) {
            return savepoint(job, s, observed, storage);
        }
        return ActResult.NOTHING;
    }

    private ActResult savepoint(StreamJob job, Decision.Savepoint decision, Observation observed, StorageAccess storage) {
        ActResult running = run(job, observed, storage);
        if (running.problem() != null) {
            return running;
        }
        SavepointState state = runtime.savepoint(JobKey.of(job), job.getStatus().getAttempt(), decision.requestId());
        if (state.progress() != SavepointState.Progress.COMPLETED) {
            return ActResult.savepoint(state);
        }
        switch (decision.then()) {
            case SUSPEND:
                stop(job);
                return ActResult.savepoint(state);
            case UPGRADE:
                stop(job);
                return deploy(job, job.getStatus().getAttempt() + 1, state.snapshot().path(), storage)
                        .withSavepoint(state);
            default:
                return ActResult.savepoint(state);
        }
    }

    /** Keeps the runtime coordinating the current attempt; after an operator restart, from the pods' addresses. */
    private ActResult run(StreamJob job, Observation observed, StorageAccess storage) {
        deleteStale(observed.pods());
        if (observed.runtime().hosted()) {
            return ActResult.NOTHING;
        }
        String restoredFrom = job.getStatus().getRestoredFrom();
        try {
            runtime.ensureAttempt(plan(job, job.getStatus().getAttempt(), restoredFrom, storage), reattach(observed));
            return ActResult.NOTHING;
        } catch (JobRuntimeException e) {
            return ActResult.problem(ReadyReason.valueOf(e.reason().name()), e.getMessage());
        }
    }

    private ActResult deploy(StreamJob job, long attempt, RestoreSource source, StorageAccess storage,
                             Observation observed) {
        String restoreFrom;
        try {
            restoreFrom = resolve(job, source, storage);
        } catch (IOException e) {
            return ActResult.problem(ReadyReason.StorageUnavailable, "cannot list checkpoints in "
                    + storage.describe() + ": " + e.getMessage());
        }
        deleteStale(observed.pods());
        return deploy(job, attempt, restoreFrom, storage);
    }

    private ActResult deploy(StreamJob job, long attempt, String restoreFrom, StorageAccess storage) {
        try {
            runtime.ensureAttempt(plan(job, attempt, restoreFrom, storage), Set.of());
        } catch (JobRuntimeException e) {
            return ActResult.problem(ReadyReason.valueOf(e.reason().name()), e.getMessage());
        }
        String specHash = dev.weir.operator.resources.SpecHash.of(job.getSpec());
        client.resource(HeadlessServiceDesired.desired(job)).unlock().createOr(NonDeletingOperation::update);
        client.resource(JobConfigMapDesired.desired(job, attempt, specHash)).unlock().createOr(NonDeletingOperation::update);
        for (int worker = 0; worker < job.getSpec().getJob().getParallelism(); worker++) {
            Pod pod = WorkerPodDesired.desired(job, new WorkerPodDesired.Attempt(attempt, worker,
                    settings.defaultImage(), runtime.coordinatorUrl(), specHash, restoreFrom,
                    settings.workerTlsSecret()));
            if (client.pods().inNamespace(job.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName()).get() == null) {
                client.resource(pod).create();
            }
        }
        LOG.info("job {}: deployed attempt {} ({} workers){}", JobKey.of(job), attempt,
                job.getSpec().getJob().getParallelism(), restoreFrom == null ? "" : ", restoring " + restoreFrom);
        return ActResult.deployed(attempt, restoreFrom);
    }

    private String resolve(StreamJob job, RestoreSource source, StorageAccess storage) throws IOException {
        if (source == RestoreSource.NONE) {
            return null;
        }
        if (source == RestoreSource.LAST_SAVEPOINT && job.getStatus().getLastSavepoint() != null) {
            return job.getStatus().getLastSavepoint().getPath();
        }
        Optional<SnapshotInfo> latest = runtime.latestCheckpoint(JobKey.of(job), storage);
        if (latest.isPresent()) {
            return latest.get().path();
        }
        // No checkpoint yet: keep what the job restored from before, so a restart never silently drops state.
        if (job.getStatus().getRestoredFrom() != null) {
            return job.getStatus().getRestoredFrom();
        }
        return job.getSpec().getInitialSavepointPath();
    }

    /** Stops the runtime side first, so nothing of this attempt commits, then deletes its pods. */
    private void stop(StreamJob job) {
        runtime.stopAttempt(JobKey.of(job));
        client.pods().inNamespace(job.getMetadata().getNamespace())
                .withLabel(ResourceNames.JOB_LABEL, job.getMetadata().getName()).delete();
    }

    private void deleteStale(WorkerPods pods) {
        for (Pod pod : pods.stale()) {
            client.resource(pod).delete();
        }
    }

    private AttemptPlan plan(StreamJob job, long attempt, String restoreFrom, StorageAccess storage) {
        StreamJobSpec spec = job.getSpec();
        CheckpointConfig checkpoint = CheckpointConfigs.of(spec.getCheckpointing());
        return new AttemptPlan(JobKey.of(job), attempt, spec.getJob().getParallelism(),
                spec.getJob().getMaxParallelism(), checkpoint, Heartbeats.of(spec.getRestartPolicy()).timeout(), storage,
                token(job), restoreFrom);
    }

    /** The job's control token: created once, then read back, so it survives attempts and operator restarts. */
    private String token(StreamJob job) {
        String name = ResourceNames.tokenSecret(job.getMetadata().getName());
        Secret secret = client.secrets().inNamespace(job.getMetadata().getNamespace()).withName(name).get();
        if (secret == null) {
            secret = client.resource(JobTokenSecretDesired.desired(job)).create();
        }
        if (secret.getData() != null && secret.getData().get(ResourceNames.TOKEN_KEY) != null) {
            return new String(Base64.getDecoder().decode(secret.getData().get(ResourceNames.TOKEN_KEY)),
                    StandardCharsets.UTF_8);
        }
        return secret.getStringData().get(ResourceNames.TOKEN_KEY);
    }

    /** The workers of the current attempt whose pods run: after an operator restart they register again. */
    private static Set<Integer> reattach(Observation observed) {
        Set<Integer> running = new TreeSet<>();
        observed.pods().byWorker().forEach((worker, pod) -> {
            if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
                running.add(worker);
            }
        });
        return running;
    }
}
