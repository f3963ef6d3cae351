package dev.weir.operator.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.api.Condition;
import dev.weir.api.SavepointInfo;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobStatus;
import dev.weir.operator.JobKey;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Records a Kubernetes Event (what {@code kubectl describe sj} shows) whenever the phase or the
 * Ready reason changes, when the Checkpointing or SavepointDisposal condition turns False (a
 * Warning) or recovers, and when a savepoint is disposed of. Texts come from status, which never holds a
 * secret value.
 */
public final class TransitionEvents {

    private static final Logger LOG = LoggerFactory.getLogger(TransitionEvents.class);

    private final KubernetesClient client;

    public TransitionEvents(KubernetesClient client) {
        this.client = client;
    }

    public void onTransition(StreamJob job, StreamJobStatus before, StreamJobStatus after) {
        phaseOrReady(job, before, after);
        for (String type : List.of(Condition.CHECKPOINTING, Condition.SAVEPOINT_DISPOSAL)) {
            Condition was = condition(before, type);
            Condition is = condition(after, type);
            boolean changed = is != null && (was == null || !Objects.equals(was.getStatus(), is.getStatus())
                    || !Objects.equals(was.getReason(), is.getReason()));
            // Going wrong, and coming back from it; not every attempt's Unknown -> True.
            boolean wasFalse = was != null && Condition.FALSE.equals(was.getStatus());
            if (changed && (Condition.FALSE.equals(is.getStatus()) || wasFalse)) {
                record(job, Condition.FALSE.equals(is.getStatus()) ? "Warning" : "Normal", is.getReason(),
                        type + " " + is.getStatus() + ": " + is.getMessage());
            }
        }
        Set<String> disposedBefore = disposed(before);
        for (SavepointInfo savepoint : after.getSavepointHistory() == null ? List.<SavepointInfo>of()
                : after.getSavepointHistory()) {
            if (savepoint.getDisposedTime() != null && !disposedBefore.contains(savepoint.getPath())) {
                record(job, "Normal", "SavepointDisposed", "savepoint " + savepoint.getId() + " at "
                        + savepoint.getPath() + " disposed of");
            }
        }
    }

    private static Set<String> disposed(StreamJobStatus status) {
        if (status == null || status.getSavepointHistory() == null) {
            return Set.of();
        }
        return status.getSavepointHistory().stream().filter(s -> s.getDisposedTime() != null)
                .map(SavepointInfo::getPath).collect(Collectors.toSet());
    }

    private void phaseOrReady(StreamJob job, StreamJobStatus before, StreamJobStatus after) {
        Condition oldReady = condition(before, Condition.READY);
        Condition newReady = condition(after, Condition.READY);
        String oldReason = oldReady == null ? null : oldReady.getReason();
        String newReason = newReady == null ? null : newReady.getReason();
        if (before.getPhase() == after.getPhase() && Objects.equals(oldReason, newReason)) {
            return;
        }
        boolean warning = newReady != null && Condition.FALSE.equals(newReady.getStatus())
                && after.getError() != null;
        String reason = newReason != null ? newReason : String.valueOf(after.getPhase());
        String message = "phase " + before.getPhase() + " -> " + after.getPhase()
                + (newReady == null || newReady.getMessage() == null ? "" : ": " + newReady.getMessage());
        LOG.info("job {}: {}", JobKey.of(job), message);
        record(job, warning ? "Warning" : "Normal", reason, message);
    }

    private void record(StreamJob job, String type, String reason, String message) {
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(job.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                        .withGenerateName(job.getMetadata().getName() + "-")
                        .withNamespace(job.getMetadata().getNamespace())
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(job.getApiVersion()).withKind(job.getKind())
                            .withName(job.getMetadata().getName()).withNamespace(job.getMetadata().getNamespace())
                            .withUid(job.getMetadata().getUid()).build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .withNewSource().withComponent("weir-operator").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            // Events are a courtesy: failing to record one must not fail the reconcile.
            LOG.warn("job {}: cannot record event {}: {}", JobKey.of(job), reason, e.getMessage());
        }
    }

    private static Condition condition(StreamJobStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}
