package dev.weir.operator.resources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.operator.ResourceNames;
import dev.weir.runtime.worker.WorkerControlServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;

/**
 * One worker pod of one attempt. {@code restartPolicy: Never}: the operator, not the kubelet,
 * restarts workers, so all of them restart together from one checkpoint. The pod meets the
 * "restricted" Pod Security Standard. The control token comes from a mounted Secret file and the S3
 * keys from secretKeyRef variables, so no secret value is ever written into the pod spec.
 *
 * <p>{@code spec.podTemplate} is the base: its metadata, pod-level fields, volumes, init
 * containers and sidecars are kept, and its {@value #CONTAINER} container is merged into the
 * worker container ({@link WorkerContainer}); what Weir sets wins.
 */
public final class WorkerPodDesired {

    public static final String CONTAINER = "worker";
    public static final String MAIN_CLASS = "dev.weir.runtime.worker.WorkerMain";
    /**
     * The worker's class path in the image (see the Dockerfile): weir.jar and the worker's own
     * jars, never the operator's (/opt/weir/operator).
     */
    public static final String CLASSPATH = "/opt/weir/worker/weir.jar:/opt/weir/worker/lib/*";
    private static final long NON_ROOT_UID = 10001;

    /**
     * Everything about the pod that is not in the StreamJob itself.
     *
     * @param tlsSecret the job namespace's TLS Secret for workers (mutual TLS on both planes); null: plain
     */
    public record Attempt(long attempt, int worker, String image, String coordinatorUrl, String specHash,
                          String restoreFrom, String tlsSecret) {

        /** Plain control and data planes. */
        public Attempt(long attempt, int worker, String image, String coordinatorUrl, String specHash,
                       String restoreFrom) {
            this(attempt, worker, image, coordinatorUrl, specHash, restoreFrom, null);
        }
    }

    private WorkerPodDesired() {
    }

    public static Pod desired(StreamJob job, Attempt attempt) {
        StreamJobSpec spec = job.getSpec();
        String name = job.getMetadata().getName();
        WorkerPodTemplate template = WorkerPodTemplate.of(spec.getPodTemplate());
        PodSpec podSpec = template.podSpec();
        List<Container> containers = new ArrayList<>();
        containers.add(WorkerContainer.merge(template.workerContainer(), job, attempt));
        containers.addAll(template.sidecars());
        List<Volume> volumes = new ArrayList<>(podSpec.getVolumes() == null ? List.of() : podSpec.getVolumes());
        volumes.removeIf(v -> WorkerContainer.TOKEN_VOLUME.equals(v.getName())
                || WorkerContainer.TMP_VOLUME.equals(v.getName()) || WorkerContainer.TLS_VOLUME.equals(v.getName()));
        volumes.add(new VolumeBuilder().withName(WorkerContainer.TOKEN_VOLUME).withNewSecret()
                .withSecretName(ResourceNames.tokenSecret(name)).withDefaultMode(0440).endSecret().build());
        if (attempt.tlsSecret() != null) {
            volumes.add(new VolumeBuilder().withName(WorkerContainer.TLS_VOLUME).withNewSecret()
                    .withSecretName(attempt.tlsSecret()).withDefaultMode(0440).endSecret().build());
        }
        volumes.add(new VolumeBuilder().withName(WorkerContainer.TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
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
        podSpec.setSecurityContext(securityContext(podSpec.getSecurityContext()));

        Map<String, String> labels = new LinkedHashMap<>(template.labels());
        labels.putAll(ResourceNames.workerLabels(job, attempt.attempt(), attempt.worker()));
        Map<String, String> annotations = new LinkedHashMap<>(template.annotations());
        annotations.put(ResourceNames.SPEC_HASH_ANNOTATION, attempt.specHash());
        // The worker's own metrics (docs/rest-api.md#metrics); a template's own values win, e.g. scrape: "false".
        annotations.putIfAbsent("prometheus.io/scrape", "true");
        annotations.putIfAbsent("prometheus.io/port", Integer.toString(ResourceNames.CONTROL_PORT));
        annotations.putIfAbsent("prometheus.io/path", WorkerControlServer.METRICS);
        annotations.putIfAbsent("prometheus.io/scheme", attempt.tlsSecret() == null ? "http" : "https");
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

    /**
     * The template's pod security context with the restricted standard's rules over it: non-root
     * (user and group 10001, the image's, unless the template names others), a seccomp profile.
     */
    private static PodSecurityContext securityContext(PodSecurityContext template) {
        PodSecurityContext context = template == null ? new PodSecurityContext() : template;
        context.setRunAsNonRoot(true);
        if (context.getRunAsUser() == null || context.getRunAsUser() == 0) {
            context.setRunAsUser(NON_ROOT_UID);
        }
        if (context.getRunAsGroup() == null) {
            context.setRunAsGroup(NON_ROOT_UID);
        }
        if (context.getFsGroup() == null) {
            context.setFsGroup(NON_ROOT_UID);
        }
        context.setSeccompProfile(WorkerContainer.seccomp(context.getSeccompProfile()));
        return context;
    }
}
