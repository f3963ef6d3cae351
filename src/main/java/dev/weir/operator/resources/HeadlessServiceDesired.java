package dev.weir.operator.resources;

import dev.weir.api.StreamJob;
import dev.weir.operator.ResourceNames;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * A headless Service over the job's workers, so each has a stable DNS name for people and tools.
 * Workers themselves find each other through the coordinator, never through this DNS.
 */
public final class HeadlessServiceDesired {

    private HeadlessServiceDesired() {
    }

    public static Service desired(StreamJob job) {
        String name = job.getMetadata().getName();
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(ResourceNames.headlessService(name))
                    .withNamespace(job.getMetadata().getNamespace())
                    .withLabels(ResourceNames.jobLabels(job))
                    .withOwnerReferences(Owners.reference(job))
                .endMetadata()
                .withNewSpec()
                    .withClusterIP("None")
                    .withPublishNotReadyAddresses(true)
                    .addToSelector(ResourceNames.JOB_LABEL, name)
                    .addToSelector(ResourceNames.COMPONENT_LABEL, "worker")
                    .addNewPort().withName("control").withPort(ResourceNames.CONTROL_PORT).endPort()
                    .addNewPort().withName("data").withPort(ResourceNames.DATA_PORT).endPort()
                .endSpec()
                .build();
    }
}
