package dev.weir.operator.resources;

import dev.weir.api.StreamJob;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Owner references make Kubernetes delete a job's pods, Service, ConfigMap and Secret with the job. */
final class Owners {

    private Owners() {
    }

    static OwnerReference reference(StreamJob job) {
        return new OwnerReferenceBuilder()
                .withApiVersion(job.getApiVersion())
                .withKind(job.getKind())
                .withName(job.getMetadata().getName())
                .withUid(job.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
