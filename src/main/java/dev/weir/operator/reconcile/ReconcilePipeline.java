package dev.weir.operator.reconcile;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobStatus;
import dev.weir.operator.JobKey;
import dev.weir.operator.OperatorSettings;
import dev.weir.operator.runtime.JobRuntime;
import dev.weir.operator.runtime.OperatorMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * One reconcile of one StreamJob: observe → validate → decide → act → build status. The same
 * steps on every event, whatever woke it; idempotent, so running it twice does no harm. Returns
 * the new status and when to look again instead of waiting for anything.
 */
public final class ReconcilePipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcilePipeline.class);
    /** An invalid spec may be fixed by a Secret appearing, which is no event of ours: look again now and then. */
    static final Duration INVALID_RECHECK = Duration.ofSeconds(30);

    /** The status to patch and when to reconcile again (null: only on the next event). */
    public record Outcome(StreamJobStatus status, Duration rescheduleAfter) {}

    private final JobObserver observer;
    private final Actuator actuator;
    private final SavepointDisposer disposer;
    private final TransitionEvents events;
    private final OperatorSettings settings;
    private final LongSupplier clock;

    public ReconcilePipeline(KubernetesClient client, JobRuntime runtime, OperatorSettings settings, LongSupplier clock) {
        this.observer = new JobObserver(client, runtime);
        this.actuator = new Actuator(client, runtime, settings);
        this.disposer = new SavepointDisposer(runtime);
        this.events = new TransitionEvents(client);
        this.settings = settings;
        this.clock = clock;
    }

    public Outcome reconcile(StreamJob job) {
        JobKey key = JobKey.of(job);
        MDC.put("job", key.toString());
        try {
            long now = clock.getAsLong();
            Observation observed = observer.observe(job);
            SpecValidation.Result validation = SpecValidation.validate(job, observed.credentials());
            Decision decision = ReconcileDecider.decide(job, observed, validation, now);
            ActResult acted = actuator.act(job, decision, observed, validation.storage());
            SavepointDisposer.Result disposals = validation.valid() ? disposer.dispose(job, validation.storage())
                    : SavepointDisposer.Result.NONE;
            StreamJobStatus status = StatusBuilder.build(job, observed, decision, acted, disposals, now);
            events.onTransition(job, job.getStatus(), status);
            if (decision instanceof Decision.Restart) {
                OperatorMetrics.restarted(key);
            }
            LOG.debug("job {}: {} -> {}", key, decision, status.getPhase());
            return new Outcome(status, rescheduleAfter(decision, status, now));
        } finally {
            MDC.remove("job");
        }
    }

    private Duration rescheduleAfter(Decision decision, StreamJobStatus status, long now) {
        if (decision instanceof Decision.Restart r) {
            // The next attempt is deployed when its restart is due (at once after progress), not a poll later.
            return Duration.ofMillis(Math.max(0, Math.min(r.restartAtMillis() - now, ReconcileDecider.SHORT_RECHECK_MS)));
        }
        if (decision instanceof Decision.Wait w) {
            if (w.recheckAfterMs() > 0) {
                return Duration.ofMillis(w.recheckAfterMs());
            }
            return status.getPhase() == JobPhase.Failed || status.getPhase() == JobPhase.Finished
                    || status.getPhase() == JobPhase.Suspended ? null : INVALID_RECHECK;
        }
        if (status.getPhase() == JobPhase.Running && decision instanceof Decision.Run) {
            return settings.pollInterval();
        }
        if (status.getPhase() == JobPhase.Finished || status.getPhase() == JobPhase.Suspended) {
            return null;
        }
        return Duration.ofMillis(ReconcileDecider.SHORT_RECHECK_MS);
    }
}
