package dev.weir.operator.resources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.api.ResourcesSpec;
import dev.weir.api.SecretKeySelectorSpec;
import dev.weir.api.StorageSpec;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.operator.ResourceNames;
import dev.weir.runtime.worker.WorkerJvm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * One worker pod of one attempt. {@code restartPolicy: Never}: the operator, not the kubelet,
 * restarts workers, so all of them restart together from one checkpoint. The pod meets the
 * "restricted" Pod Security Standard. The control token comes from a mounted Secret file and the S3
 * keys from secretKeyRef variables, so no secret value is ever written into the pod spec.
 */
public final class WorkerPodDesired {

    public static final String CONTAINER = "worker";
    public static final String MAIN_CLASS = "dev.weir.runtime.worker.WorkerMain";
    /**
     * The worker's class path in the image (see the Dockerfile): weir.jar and the worker's own
     * jars, never the operator's (/opt/weir/operator).
     */
    public static final String CLASSPATH = "/opt/weir/worker/weir.jar:/opt/weir/worker/lib/*";
    private static final String TOKEN_VOLUME = "weir-token";
    private static final String TMP_VOLUME = "tmp";
    private static final long NON_ROOT_UID = 10001;

    /** Everything about the pod that is not in the StreamJob itself. */
    public record Attempt(long attempt, int worker, String image, String coordinatorUrl, String specHash,
                          String restoreFrom) {}

    private WorkerPodDesired() {
    }

    public static Pod desired(StreamJob job, Attempt attempt) {
        StreamJobSpec spec = job.getSpec();
        String name = job.getMetadata().getName();
        PodSpec base = userTemplate(spec).getSpec();
        PodSpec podSpec = base == null ? new PodSpec() : base;
        List<Container> containers = new ArrayList<>();
        containers.add(container(job, attempt));
        if (podSpec.getContainers() != null) {
            podSpec.getContainers().stream().filter(c -> !CONTAINER.equals(c.getName())).forEach(containers::add);
        }
        List<Volume> volumes = new ArrayList<>(podSpec.getVolumes() == null ? List.of() : podSpec.getVolumes());
        volumes.removeIf(v -> TOKEN_VOLUME.equals(v.getName()) || TMP_VOLUME.equals(v.getName()));
        volumes.add(new VolumeBuilder().withName(TOKEN_VOLUME).withNewSecret()
                .withSecretName(ResourceNames.tokenSecret(name)).withDefaultMode(0440).endSecret().build());
        volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
        podSpec.setContainers(containers);
        podSpec.setVolumes(volumes);
        podSpec.setRestartPolicy("Never");
        podSpec.setHostname(ResourceNames.workerPod(name, attempt.attempt(), attempt.worker()));
        podSpec.setSubdomain(ResourceNames.headlessService(name));
        if (spec.getServiceAccount() != null) {
            podSpec.setServiceAccountName(spec.getServiceAccount());
        }
        // Workers need no Kubernetes API access.
        podSpec.setAutomountServiceAccountToken(false);
        podSpec.setSecurityContext(new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
                .withRunAsNonRoot(true).withRunAsUser(NON_ROOT_UID).withRunAsGroup(NON_ROOT_UID)
                .withFsGroup(NON_ROOT_UID).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build());

        Map<String, String> labels = new LinkedHashMap<>(labelsOf(spec));
        labels.putAll(ResourceNames.workerLabels(job, attempt.attempt(), attempt.worker()));
        Map<String, String> annotations = new LinkedHashMap<>(annotationsOf(spec));
        annotations.put(ResourceNames.SPEC_HASH_ANNOTATION, attempt.specHash());
        if (attempt.restoreFrom() != null) {
            annotations.put(ResourceNames.RESTORE_FROM_ANNOTATION, attempt.restoreFrom());
        }
        return new PodBuilder()
                .withNewMetadata()
                    .withName(ResourceNames.workerPod(name, attempt.attempt(), attempt.worker()))
                    .withNamespace(job.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withAnnotations(annotations)
                    .withOwnerReferences(Owners.reference(job))
                .endMetadata()
                .withSpec(podSpec)
                .build();
    }

    private static List<String> command() {
        List<String> command = new ArrayList<>();
        command.add("java");
        command.add("-XX:MaxRAMPercentage=75");
        command.addAll(WorkerJvm.COMPILER_OPTIONS);
        command.addAll(List.of("-cp", CLASSPATH, MAIN_CLASS));
        return command;
    }

    private static Container container(StreamJob job, Attempt attempt) {
        StreamJobSpec spec = job.getSpec();
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(spec.getImage() != null ? spec.getImage() : attempt.image())
                .withImagePullPolicy(spec.getImagePullPolicy())
                .withCommand(command())
                .withEnv(environment(job, attempt))
                .addNewPort().withName("control").withContainerPort(ResourceNames.CONTROL_PORT).endPort()
                .addNewPort().withName("data").withContainerPort(ResourceNames.DATA_PORT).endPort()
                .withResources(resources(spec.getResources()))
                .addNewVolumeMount().withName(TOKEN_VOLUME).withMountPath(ResourceNames.TOKEN_MOUNT)
                    .withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName(TMP_VOLUME).withMountPath("/tmp").endVolumeMount()
                .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withRunAsNonRoot(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .build();
    }

    /** The worker's whole configuration (see WorkerConfig): plain values, except the secrets, which are references. */
    static List<EnvVar> environment(StreamJob job, Attempt attempt) {
        StreamJobSpec spec = job.getSpec();
        StorageSpec storage = spec.getStorage();
        List<EnvVar> env = new ArrayList<>();
        env.add(plain("WEIR_JOB_NAME", job.getMetadata().getNamespace() + "." + job.getMetadata().getName()));
        env.add(plain("WEIR_JOB_CLASS", spec.getJob().getClassName()));
        env.add(plain("WEIR_JOB_ARGS", json(spec.getJob().getArgs())));
        env.add(plain("WEIR_PARALLELISM", Integer.toString(spec.getJob().getParallelism())));
        env.add(plain("WEIR_MAX_PARALLELISM", Integer.toString(spec.getJob().getMaxParallelism())));
        env.add(plain("WEIR_WORKER_INDEX", Integer.toString(attempt.worker())));
        env.add(plain("WEIR_ATTEMPT", Long.toString(attempt.attempt())));
        env.add(plain("WEIR_CHECKPOINT_MODE", spec.getCheckpointing().getMode()));
        env.add(plain("WEIR_COORDINATOR_URL", attempt.coordinatorUrl()));
        env.add(plain("WEIR_JOB_TOKEN_FILE", ResourceNames.TOKEN_MOUNT + "/" + ResourceNames.TOKEN_KEY));
        env.add(plain("WEIR_BIND_ADDRESS", "0.0.0.0"));
        env.add(new EnvVarBuilder().withName("WEIR_ADVERTISED_HOST")
                .withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
        // Fixed ports: after an operator restart the coordinator finds the workers from their pod IPs.
        env.add(plain("WEIR_CONTROL_PORT", Integer.toString(ResourceNames.CONTROL_PORT)));
        env.add(plain("WEIR_DATA_PORT", Integer.toString(ResourceNames.DATA_PORT)));
        env.add(plain("WEIR_STORAGE_URI", "s3://" + storage.getBucket()));
        env.add(plain("WEIR_STORAGE_BASE", StorageLocation.basePath(job)));
        if (storage.getEndpoint() != null) {
            env.add(plain("WEIR_S3_ENDPOINT", storage.getEndpoint()));
        }
        if (storage.getRegion() != null) {
            env.add(plain("WEIR_S3_REGION", storage.getRegion()));
        }
        env.add(plain("WEIR_S3_PATH_STYLE", Boolean.toString(storage.isPathStyle())));
        SecretKeySelectorSpec credentials = storage.getCredentialsSecret();
        if (credentials != null) {
            env.add(fromSecret("WEIR_S3_ACCESS_KEY", credentials.getName(), credentials.getAccessKeyKey()));
            env.add(fromSecret("WEIR_S3_SECRET_KEY", credentials.getName(), credentials.getSecretKeyKey()));
        }
        if (attempt.restoreFrom() != null) {
            env.add(plain("WEIR_RESTORE_FROM", attempt.restoreFrom()));
        }
        return env;
    }

    private static EnvVar plain(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar fromSecret(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
                .withName(secret).withKey(key).endSecretKeyRef().endValueFrom().build();
    }

    private static ResourceRequirements resources(ResourcesSpec resources) {
        ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
        if (resources != null && resources.getRequests() != null) {
            resources.getRequests().forEach((k, v) -> builder.addToRequests(k, new Quantity(v)));
        }
        if (resources != null && resources.getLimits() != null) {
            resources.getLimits().forEach((k, v) -> builder.addToLimits(k, new Quantity(v)));
        }
        return builder.build();
    }

    private static PodTemplateSpec userTemplate(StreamJobSpec spec) {
        if (spec.getPodTemplate() == null) {
            return new PodTemplateSpec();
        }
        return Serialization.unmarshal(Serialization.asJson(spec.getPodTemplate()), PodTemplateSpec.class);
    }

    private static Map<String, String> labelsOf(StreamJobSpec spec) {
        PodTemplateSpec template = userTemplate(spec);
        return template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? Map.of() : template.getMetadata().getLabels();
    }

    private static Map<String, String> annotationsOf(StreamJobSpec spec) {
        PodTemplateSpec template = userTemplate(spec);
        return template.getMetadata() == null || template.getMetadata().getAnnotations() == null
                ? Map.of() : template.getMetadata().getAnnotations();
    }

    private static String json(Map<String, String> args) {
        try {
            return new ObjectMapper().writeValueAsString(args == null ? Map.of() : args);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write job args as JSON", e);
        }
    }
}
