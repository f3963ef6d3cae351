package dev.weir.operator.reconcile;

import dev.weir.api.SecretKeySelectorSpec;
import dev.weir.api.StreamJob;
import dev.weir.operator.JobKey;
import dev.weir.operator.ResourceNames;
import dev.weir.operator.resources.SpecHash;
import dev.weir.operator.runtime.AttemptView;
import dev.weir.operator.runtime.JobRuntime;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Looks at everything a decision depends on: the job's pods (read from the API server, not a
 * cache, so a pod just created or deleted is seen at once), the coordinator's view of the current
 * attempt, and the credentials Secret. Reports only; writes nothing.
 */
public final class JobObserver {

    private final KubernetesClient client;
    private final JobRuntime runtime;

    public JobObserver(KubernetesClient client, JobRuntime runtime) {
        this.client = client;
        this.runtime = runtime;
    }

    public Observation observe(StreamJob job) {
        String namespace = job.getMetadata().getNamespace();
        long attempt = job.getStatus().getAttempt();
        var pods = client.pods().inNamespace(namespace)
                .withLabel(ResourceNames.JOB_LABEL, job.getMetadata().getName()).list().getItems();
        int expected = attempt == 0 ? 0 : deployedParallelism(job);
        AttemptView view = attempt == 0 ? AttemptView.NOT_HOSTED : runtime.observe(JobKey.of(job), attempt);
        return new Observation(WorkerPods.of(job.getMetadata().getName(), attempt, expected, pods), view, credentials(job),
                SpecHash.of(job.getSpec()));
    }

    /**
     * The running attempt's width is its pods', not the spec's: after a parallelism change the old
     * attempt still has its old number of workers until the upgrade replaces it.
     */
    private int deployedParallelism(StreamJob job) {
        var config = client.configMaps().inNamespace(job.getMetadata().getNamespace())
                .withName(ResourceNames.configMap(job.getMetadata().getName())).get();
        if (config != null && config.getData() != null && config.getData().get("parallelism") != null) {
            return Integer.parseInt(config.getData().get("parallelism"));
        }
        return job.getSpec().getJob().getParallelism();
    }

    private Secret credentials(StreamJob job) {
        SecretKeySelectorSpec ref = job.getSpec().getStorage().getCredentialsSecret();
        if (ref == null || ref.getName() == null) {
            return null;
        }
        return client.secrets().inNamespace(job.getMetadata().getNamespace()).withName(ref.getName()).get();
    }
}
