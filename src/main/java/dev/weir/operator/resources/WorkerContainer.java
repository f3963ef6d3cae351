package dev.weir.operator.resources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.weir.api.ResourcesSpec;
import dev.weir.api.SecretKeySelectorSpec;
import dev.weir.api.StorageSpec;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.coordinator.CheckpointConfigs;
import dev.weir.coordinator.Heartbeats;
import dev.weir.coordinator.StateBackendConfigs;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.operator.ResourceNames;
import dev.weir.runtime.worker.WorkerEnvironment;
import dev.weir.runtime.worker.WorkerJvm;
import dev.weir.runtime.worker.WorkerVariable;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * The worker container: Weir's settings merged over the pod template's {@code worker} container.
 * Weir's win where it must control them (name, command, its {@code WEIR_*} variables, its ports
 * and mounts, the "restricted" security settings, the resources named in {@code spec.resources});
 * the template adds everything else (env, envFrom, volumeMounts, ports, other resources, probes,
 * lifecycle, ...). Validation rejects a template variable that Weir sets ({@link WorkerPodTemplate});
 * here Weir's variable wins, should one get through.
 */
final class WorkerContainer {

    static final String TOKEN_VOLUME = "weir-token";
    static final String TMP_VOLUME = "tmp";
    static final String TLS_VOLUME = "weir-tls";
    /** Where the worker TLS Secret is mounted (WEIR_TLS_DIR). */
    static final String TLS_PATH = "/etc/weir/tls";
    private static final String TMP_PATH = "/tmp";
    static final String JAR_CACHE_DIR = TMP_PATH + "/weir/jars";
    private static final String MEMORY = "memory";
    /** The one capability the restricted standard lets a container add. */
    private static final String NET_BIND_SERVICE = "NET_BIND_SERVICE";

    private WorkerContainer() {
    }

    static Container merge(Container template, StreamJob job, WorkerPodDesired.Attempt attempt) {
        StreamJobSpec spec = job.getSpec();
        Container container = template == null ? new Container() : template;
        container.setName(WorkerPodDesired.CONTAINER);
        container.setImage(firstOf(spec.getImage(), container.getImage(), attempt.image()));
        container.setImagePullPolicy(firstOf(spec.getImagePullPolicy(), container.getImagePullPolicy(), null));
        container.setResources(resources(container.getResources(), spec.getResources()));
        container.setCommand(command(container.getResources(), stateBackend(spec)));
        container.setArgs(null);
        container.setEnv(env(envVars(environment(job, attempt)), container.getEnv()));
        container.setPorts(ports(container.getPorts()));
        container.setVolumeMounts(volumeMounts(container.getVolumeMounts(), attempt.tlsSecret() != null));
        container.setSecurityContext(securityContext(container.getSecurityContext()));
        // A worker that fails leaves its log's tail in the pod's status: the attempt's failure names the reason.
        container.setTerminationMessagePolicy("FallbackToLogsOnError");
        return container;
    }

    /**
     * {@code java} with the heap at {@value WorkerJvm#HEAP_PERCENT_OF_MEMORY}% of the container's
     * memory: the JVM reads a memory limit from the container's cgroup; with only a request it is
     * told the request; with neither it sees the node's memory. The collector is G1 whatever the
     * pod's size ({@link WorkerJvm#GC_OPTIONS}).
     */
    static List<String> command(ResourceRequirements resources) {
        return command(resources, StateBackendSettings.HEAP);
    }

    /** As {@link #command(ResourceRequirements)}; with RocksDB the heap leaves room for its native memory. */
    static List<String> command(ResourceRequirements resources, StateBackendSettings stateBackend) {
        List<String> command = new ArrayList<>();
        command.add("java");
        int percent = WorkerJvm.heapPercent(stateBackend);
        Quantity limit = resources.getLimits() == null ? null : resources.getLimits().get(MEMORY);
        Quantity request = resources.getRequests() == null ? null : resources.getRequests().get(MEMORY);
        command.addAll(limit == null && request != null
                ? WorkerJvm.heapOfMemory(Quantity.getAmountInBytes(request).longValue(), percent)
                : WorkerJvm.heapOfContainerMemory(percent));
        command.addAll(WorkerJvm.GC_OPTIONS);
        command.addAll(WorkerJvm.launchOptions());
        command.addAll(List.of("-cp", WorkerPodDesired.CLASSPATH, WorkerPodDesired.MAIN_CLASS));
        return command;
    }

    /** RocksDB's databases go to the pod's /tmp volume (the root filesystem is read-only). */
    static StateBackendSettings stateBackend(StreamJobSpec spec) {
        return StateBackendConfigs.of(spec.getStateBackend(), java.nio.file.Path.of(TMP_PATH, "weir-rocksdb"));
    }

    /** The worker's whole configuration (see WorkerConfig): plain values, except the secrets, which are references. */
    static WorkerEnvironment environment(StreamJob job, WorkerPodDesired.Attempt attempt) {
        StreamJobSpec spec = job.getSpec();
        StorageSpec storage = spec.getStorage();
        Heartbeats heartbeats = Heartbeats.of(spec.getRestartPolicy());
        WorkerEnvironment env = new WorkerEnvironment()
                .job(job.getMetadata().getNamespace() + "." + job.getMetadata().getName(), spec.getJob().getClassName(),
                        spec.getJob().getArgs(), spec.getJob().getParallelism(), spec.getJob().getMaxParallelism(),
                        CheckpointConfigs.mode(spec.getCheckpointing()))
                .stateBackend(stateBackend(spec))
                .worker(attempt.worker(), attempt.attempt())
                .coordinator(attempt.coordinatorUrl())
                .tokenFile(ResourceNames.TOKEN_MOUNT + "/" + ResourceNames.TOKEN_KEY)
                .bindAddress("0.0.0.0")
                .advertisedHost(new WorkerEnvironment.PodField("status.podIP"))
                // Fixed ports: after an operator restart the coordinator finds the workers from their pod IPs.
                .ports(ResourceNames.CONTROL_PORT, ResourceNames.DATA_PORT)
                .storage("s3://" + storage.getBucket(), StorageLocation.basePath(job))
                // A worker bears the coordinator's silence (an operator restart) as long as the coordinator bears its own.
                .heartbeats(heartbeats.interval(), heartbeats.timeout())
                .restoreFrom(attempt.restoreFrom())
                .tls(attempt.tlsSecret() == null ? null : TLS_PATH);
        if (spec.getJob().getJarURI() != null) {
            // The root filesystem is read-only: s3:// jars are downloaded into the pod's /tmp emptyDir.
            env.jobJar(spec.getJob().getJarURI(), spec.getJob().getJarSha256()).jobJarCache(JAR_CACHE_DIR);
        }
        SecretKeySelectorSpec credentials = storage.getCredentialsSecret();
        if (storage.getEndpoint() != null && credentials != null) {
            env.s3(storage.getEndpoint(), storage.getRegion(), storage.isPathStyle(),
                    new WorkerEnvironment.SecretKey(credentials.getName(), credentials.getAccessKeyKey()),
                    new WorkerEnvironment.SecretKey(credentials.getName(), credentials.getSecretKeyKey()));
        }
        return env;
    }

    /** As the container's variables: references stay references, resolved by the kubelet. */
    static List<EnvVar> envVars(WorkerEnvironment environment) {
        List<EnvVar> env = new ArrayList<>();
        environment.values().forEach((variable, value) -> {
            EnvVarBuilder var = new EnvVarBuilder().withName(variable.envName());
            if (value instanceof WorkerEnvironment.SecretKey ref) {
                var.withNewValueFrom().withNewSecretKeyRef().withName(ref.secret()).withKey(ref.key()).endSecretKeyRef()
                        .endValueFrom();
            } else if (value instanceof WorkerEnvironment.PodField field) {
                var.withNewValueFrom().withNewFieldRef().withFieldPath(field.path()).endFieldRef().endValueFrom();
            } else {
                var.withValue(((WorkerEnvironment.Text) value).value());
            }
            env.add(var.build());
        });
        return env;
    }

    /**
     * Weir's variables first, then the template's: a template variable may refer to Weir's with
     * {@code $(WEIR_WORKER_INDEX)}. The template's {@code envFrom} stays as it is; Kubernetes lets
     * {@code env} win over it, so a Secret key cannot replace Weir's variables either.
     */
    private static List<EnvVar> env(List<EnvVar> weir, List<EnvVar> template) {
        List<EnvVar> env = new ArrayList<>(weir);
        if (template != null) {
            Set<String> reserved = WorkerVariable.reservedNames(true);
            template.stream().filter(v -> !reserved.contains(v.getName())).forEach(env::add);
        }
        return env;
    }

    /**
     * The template's requests and limits, with those named in {@code spec.resources} replacing
     * theirs one resource at a time ({@code spec.resources} is the StreamJob's own field).
     */
    static ResourceRequirements resources(ResourceRequirements template, ResourcesSpec spec) {
        ResourceRequirements merged = template == null ? new ResourceRequirements() : template;
        if (spec != null) {
            merged.setRequests(overlay(merged.getRequests(), spec.getRequests()));
            merged.setLimits(overlay(merged.getLimits(), spec.getLimits()));
        }
        return merged;
    }

    private static Map<String, Quantity> overlay(Map<String, Quantity> template, Map<String, String> spec) {
        Map<String, Quantity> merged = new LinkedHashMap<>(template == null ? Map.of() : template);
        if (spec != null) {
            spec.forEach((name, quantity) -> merged.put(name, new Quantity(quantity)));
        }
        return merged.isEmpty() ? null : merged;
    }

    /** Control and data, then the template's own ports (those that would clash with Weir's are left out). */
    private static List<ContainerPort> ports(List<ContainerPort> template) {
        List<ContainerPort> ports = new ArrayList<>(List.of(
                new ContainerPortBuilder().withName("control").withContainerPort(ResourceNames.CONTROL_PORT).build(),
                new ContainerPortBuilder().withName("data").withContainerPort(ResourceNames.DATA_PORT).build()));
        if (template != null) {
            Set<String> names = ports.stream().map(ContainerPort::getName).collect(Collectors.toSet());
            Set<Integer> numbers = ports.stream().map(ContainerPort::getContainerPort).collect(Collectors.toSet());
            template.stream().filter(p -> !names.contains(p.getName()) && !numbers.contains(p.getContainerPort()))
                    .forEach(ports::add);
        }
        return ports;
    }

    /**
     * The token, /tmp and, with TLS, the TLS Secret; then the template's mounts (one at any of
     * those paths is left out).
     */
    private static List<VolumeMount> volumeMounts(List<VolumeMount> template, boolean tls) {
        List<VolumeMount> mounts = new ArrayList<>(List.of(
                new VolumeMountBuilder().withName(TOKEN_VOLUME).withMountPath(ResourceNames.TOKEN_MOUNT)
                        .withReadOnly(true).build(),
                new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath(TMP_PATH).build()));
        if (tls) {
            mounts.add(new VolumeMountBuilder().withName(TLS_VOLUME).withMountPath(TLS_PATH).withReadOnly(true).build());
        }
        if (template != null) {
            template.stream().filter(m -> !TMP_PATH.equals(m.getMountPath())
                    && !ResourceNames.TOKEN_MOUNT.equals(m.getMountPath()) && !TLS_PATH.equals(m.getMountPath()))
                    .forEach(mounts::add);
        }
        return mounts;
    }

    /**
     * The template's security context with what the "restricted" Pod Security standard requires
     * (and a read-only root filesystem) put over it.
     */
    private static SecurityContext securityContext(SecurityContext template) {
        SecurityContext context = template == null ? new SecurityContext() : template;
        context.setPrivileged(null);
        context.setAllowPrivilegeEscalation(false);
        context.setReadOnlyRootFilesystem(true);
        context.setRunAsNonRoot(true);
        if (Long.valueOf(0).equals(context.getRunAsUser())) {
            context.setRunAsUser(null);
        }
        Capabilities capabilities = new Capabilities();
        capabilities.setDrop(List.of("ALL"));
        if (context.getCapabilities() != null && context.getCapabilities().getAdd() != null
                && context.getCapabilities().getAdd().contains(NET_BIND_SERVICE)) {
            capabilities.setAdd(List.of(NET_BIND_SERVICE));
        }
        context.setCapabilities(capabilities);
        context.setSeccompProfile(seccomp(context.getSeccompProfile()));
        return context;
    }

    /** RuntimeDefault, unless the template names a Localhost profile (both meet the restricted standard). */
    static SeccompProfile seccomp(SeccompProfile template) {
        if (template != null && "Localhost".equals(template.getType())) {
            return template;
        }
        SeccompProfile profile = new SeccompProfile();
        profile.setType("RuntimeDefault");
        return profile;
    }

    private static String firstOf(String first, String second, String otherwise) {
        if (first != null) {
            return first;
        }
        return second != null ? second : otherwise;
    }
}
