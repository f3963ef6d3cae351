package dev.weir.operator;

import java.util.concurrent.atomic.AtomicLong;

import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.operator.runtime.StreamJobActions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * {@link StreamJobActions} as edits of the StreamJob through the API server, with the operator's own
 * access (its role may patch StreamJobs). An edit is a read, a change and a write checked against the
 * version read, retried when the resource changed in between, so a concurrent edit is never lost.
 */
public final class ResourceStreamJobActions implements StreamJobActions {

    private static final int ATTEMPTS = 5;

    private final KubernetesClient client;

    public ResourceStreamJobActions(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public long requestSavepoint(JobKey job) {
        AtomicLong nonce = new AtomicLong();
        edit(job, spec -> {
            nonce.set(spec.getSavepointNonce() + 1);
            spec.setSavepointNonce(nonce.get());
        });
        return nonce.get();
    }

    @Override
    public void suspend(JobKey job) {
        edit(job, spec -> spec.setState(StreamJobSpec.STATE_SUSPENDED));
    }

    private void edit(JobKey job, java.util.function.Consumer<StreamJobSpec> change) {
        for (int attempt = 1; ; attempt++) {
            StreamJob current = client.resources(StreamJob.class).inNamespace(job.namespace()).withName(job.name()).get();
            if (current == null) {
                throw new IllegalStateException("StreamJob " + job.namespace() + "/" + job.name() + " no longer exists");
            }
            change.accept(current.getSpec());
            try {
                // update() sends the resourceVersion read: the API server refuses it if the job changed meanwhile.
                client.resources(StreamJob.class).inNamespace(job.namespace()).resource(current).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
