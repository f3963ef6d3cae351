package dev.weir.operator;

import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.api.StreamJob;
import dev.weir.operator.reconcile.StatusBuilder;
import dev.weir.operator.reconcile.ReconcilePipeline;
import dev.weir.operator.runtime.JobRuntime;
import dev.weir.operator.runtime.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The StreamJob controller as java-operator-sdk sees it: a thin shell around the
 * {@link ReconcilePipeline}. Pod changes of the jobs' workers wake it (a failed or deleted pod is
 * handled at once), and so does an attempt that its coordinator saw fail or finish (a worker's
 * peers reported it lost, it went silent); everything else it learns by rescheduling itself.
 */
@ControllerConfiguration(name = "streamjob")
public class StreamJobReconciler implements Reconciler<StreamJob>, Cleaner<StreamJob> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamJobReconciler.class);
    private static final Duration ERROR_RETRY = Duration.ofSeconds(10);
    private static final Duration CONFLICT_RETRY = Duration.ofMillis(100);

    private final KubernetesClient client;
    private final JobRuntime runtime;
    private final CoordinatorLeadership leadership;
    private final ReconcilePipeline pipeline;

    public StreamJobReconciler(KubernetesClient client, JobRuntime runtime, OperatorSettings settings,
                               CoordinatorLeadership leadership) {
        this.client = client;
        this.runtime = runtime;
        this.leadership = leadership;
        this.pipeline = new ReconcilePipeline(client, runtime, settings, System::currentTimeMillis);
    }

    @Override
    public UpdateControl<StreamJob> reconcile(StreamJob cached, Context<StreamJob> context) {
        if (!leadership.leading()) {
            // A replica that just lost the Lease may see an event before it exits: hosting a
            // coordinator now would give the workers two.
            LOG.debug("job {}: not the leader; leaving it to the leader", JobKey.of(cached));
            return UpdateControl.noUpdate();
        }
        // Status is the decider's memory (attempt, restarts, nonces): deciding from an informer copy
        // that lags behind our own last patch would deploy or count a restart twice.
        StreamJob job = client.resources(StreamJob.class).inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName()).get();
        if (job == null) {
            return UpdateControl.noUpdate();
        }
        ReconcilePipeline.Outcome outcome = pipeline.reconcile(job);
        job.setStatus(outcome.status());
        UpdateControl<StreamJob> control = UpdateControl.noUpdate();
        if (!replaceStatus(job)) {
            return control.rescheduleAfter(CONFLICT_RETRY);
        }
        return outcome.rescheduleAfter() == null ? control : control.rescheduleAfter(outcome.rescheduleAfter());
    }

    /**
     * Replaces the whole status with the one decided from {@code job} as just read, if nobody changed
     * the StreamJob since (its resourceVersion). The operator does not let java-operator-sdk patch
     * status: without server-side apply it sends a JSON patch computed against its informer copy,
     * and where that copy lags behind our own last write, list insertions land twice
     * (status.savepointHistory held one savepoint two times). False: the StreamJob changed; decide again.
     */
    private boolean replaceStatus(StreamJob job) {
        try {
            client.resource(job).updateStatus();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                LOG.debug("job {}: changed while reconciling; deciding again", JobKey.of(job));
                return false;
            }
            throw e;
        }
    }

    /**
     * An unexpected error (API server down, a bug) shows as Ready=False with the exception's
     * message, and the operator tries again later instead of crash-looping.
     */
    @Override
    public ErrorStatusUpdateControl<StreamJob> updateErrorStatus(StreamJob job, Context<StreamJob> context, Exception e) {
        LOG.warn("job {}: reconcile failed: {}", JobKey.of(job), e.toString());
        OperatorMetrics.reconcileFailed(JobKey.of(job));
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        try {
            StreamJob current = client.resources(StreamJob.class).inNamespace(job.getMetadata().getNamespace())
                    .withName(job.getMetadata().getName()).get();
            if (current != null) {
                current.setStatus(StatusBuilder.reconcileError(current, message, System.currentTimeMillis()));
                replaceStatus(current);
            }
        } catch (RuntimeException statusError) {
            LOG.warn("job {}: could not record the failed reconcile in status: {}", JobKey.of(job), statusError.toString());
        }
        return ErrorStatusUpdateControl.<StreamJob>noStatusUpdate().rescheduleAfter(ERROR_RETRY);
    }

    /** Owner references delete the pods; the coordinator is the one thing only the operator can stop. */
    @Override
    public DeleteControl cleanup(StreamJob job, Context<StreamJob> context) {
        runtime.stopAttempt(JobKey.of(job));
        LOG.info("job {}: deleted; its workers stop, its checkpoints stay in storage", JobKey.of(job));
        return DeleteControl.defaultDelete();
    }

    @Override
    public List<EventSource<?, StreamJob>> prepareEventSources(EventSourceContext<StreamJob> context) {
        InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration.from(Pod.class, StreamJob.class)
                .withLabelSelector(ResourceNames.MANAGED_BY_LABEL + "=" + ResourceNames.MANAGED_BY)
                .build();
        SimpleInboundEventSource<StreamJob> attempts = new SimpleInboundEventSource<>("attempts");
        runtime.onAttemptEnded(job -> attempts.propagateEvent(new ResourceID(job.name(), job.namespace())));
        return List.of(new InformerEventSource<>(pods, context), attempts);
    }
}
