package dev.weir.operator.resources;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.operator.ResourceNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The job configuration the current attempt was deployed with, for people and tools looking at
 * the cluster (workers read their environment). It holds the spec, which names the credentials
 * Secret but never contains its values.
 */
public final class JobConfigMapDesired {

    public static final String SPEC_KEY = "streamjob-spec.json";

    private JobConfigMapDesired() {
    }

    public static ConfigMap desired(StreamJob job, long attempt, String specHash) {
        StreamJobSpec spec = job.getSpec();
        Map<String, String> data = new LinkedHashMap<>();
        data.put(SPEC_KEY, Serialization.asJson(spec));
        data.put("attempt", Long.toString(attempt));
        data.put("parallelism", Integer.toString(spec.getJob().getParallelism()));
        data.put("storage", "s3://" + spec.getStorage().getBucket() + "/" + StorageLocation.basePath(job));
        return new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(ResourceNames.configMap(job.getMetadata().getName()))
                    .withNamespace(job.getMetadata().getNamespace())
                    .withLabels(ResourceNames.jobLabels(job))
                    .addToAnnotations(ResourceNames.SPEC_HASH_ANNOTATION, specHash)
                    .withOwnerReferences(Owners.reference(job))
                .endMetadata()
                .withData(data)
                .build();
    }
}
