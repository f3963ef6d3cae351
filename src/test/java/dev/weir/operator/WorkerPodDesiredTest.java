package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.api.ResourcesSpec;
import dev.weir.api.StreamJob;
import dev.weir.operator.resources.WorkerPodDesired;
import dev.weir.operator.resources.WorkerPodTemplate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;

class WorkerPodDesiredTest {

    private static Pod pod(StreamJob job) {
        job.getMetadata().setUid("uid-1");
        return WorkerPodDesired.desired(job, new WorkerPodDesired.Attempt(3, 1, "weir:1", "http://op:6123", "abc", null));
    }

    @Test
    void meetsTheRestrictedPodSecurityStandard() {
        Pod pod = pod(OperatorTestEnv.job("counts", 2));
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container worker = pod.getSpec().getContainers().get(0);
        assertThat(worker.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(worker.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(worker.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(worker.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    }

    /** Issue 13 §6: with the operator's worker TLS Secret, each pod mounts it read-only and tells the worker where. */
    @Test
    void mountsTheWorkerTlsSecretReadOnlyWhenTheOperatorRunsTls() {
        StreamJob job = OperatorTestEnv.job("counts", 2);
        job.getMetadata().setUid("uid-1");
        // a template's own volume of that name and mount at that path give way to Weir's
        job.getSpec().setPodTemplate(Map.of("spec", Map.of(
                "volumes", List.of(Map.of("name", "weir-tls", "emptyDir", Map.of())),
                "containers", List.of(Map.of("name", "worker",
                        "volumeMounts", List.of(Map.of("name", "mine", "mountPath", "/etc/weir/tls")))))));
        Pod pod = WorkerPodDesired.desired(job, new WorkerPodDesired.Attempt(3, 1, "weir:1", "https://op:6123", "abc",
                null, "weir-worker-tls"));

        assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("weir-tls")).singleElement()
                .satisfies(v -> {
                    assertThat(v.getSecret().getSecretName()).isEqualTo("weir-worker-tls");
                    assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
                });
        Container worker = pod.getSpec().getContainers().get(0);
        assertThat(worker.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/etc/weir/tls")).singleElement()
                .satisfies(m -> {
                    assertThat(m.getName()).isEqualTo("weir-tls");
                    assertThat(m.getReadOnly()).isTrue();
                });
        assertThat(worker.getEnv()).filteredOn(e -> e.getName().equals("WEIR_TLS_DIR")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("/etc/weir/tls"));
        assertThat(worker.getEnv()).filteredOn(e -> e.getName().equals("WEIR_COORDINATOR_URL")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("https://op:6123"));

        Pod plain = pod(OperatorTestEnv.job("counts", 2));
        assertThat(plain.getSpec().getVolumes()).noneMatch(v -> v.getName().equals("weir-tls"));
        assertThat(plain.getSpec().getContainers().get(0).getEnv()).noneMatch(e -> e.getName().equals("WEIR_TLS_DIR"));
    }

    @Test
    void runsThePlainJavaWorkerMainOnTheImagesWorkerClassPathWithG1() {
        List<String> command = pod(OperatorTestEnv.job("counts", 1)).getSpec().getContainers().get(0).getCommand();
        assertThat(command).endsWith("-cp", "/opt/weir/worker/weir.jar:/opt/weir/worker/lib/*",
                        "dev.weir.runtime.worker.WorkerMain")
                .containsSubsequence(dev.weir.runtime.worker.WorkerJvm.COMPILER_OPTIONS)
                .doesNotContain("-XX:+UseTransparentHugePages")
                .contains("-XX:+UseG1GC")
                .contains("-XX:+ExitOnOutOfMemoryError")
                .noneMatch(option -> option.startsWith("-Dslf4j.provider"));
    }

    /** Prometheus finds each worker's own /metrics on its control port; a template may say otherwise. */
    @Test
    void carriesTheScrapeAnnotationsOfTheWorkersMetrics() {
        assertThat(pod(OperatorTestEnv.job("counts", 2)).getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", Integer.toString(ResourceNames.CONTROL_PORT))
                .containsEntry("prometheus.io/path", "/metrics").containsEntry("prometheus.io/scheme", "http");
        Pod tls = WorkerPodDesired.desired(OperatorTestEnv.job("counts", 2),
                new WorkerPodDesired.Attempt(3, 1, "weir:1", "https://op:6123", "abc", null, "job-cert"));
        assertThat(tls.getMetadata().getAnnotations()).containsEntry("prometheus.io/scheme", "https");

        StreamJob off = OperatorTestEnv.job("counts", 2);
        off.getSpec().setPodTemplate(Map.of("metadata", Map.of("annotations", Map.of("prometheus.io/scrape", "false"))));
        assertThat(pod(off).getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "false");
    }

    @Test
    void isLabelledOwnedAndNamedByAttemptAndWorker() {
        Pod pod = pod(OperatorTestEnv.job("counts", 2));
        assertThat(pod.getMetadata().getName()).isEqualTo("counts-a3-w1");
        assertThat(pod.getMetadata().getLabels()).containsEntry(ResourceNames.JOB_LABEL, "counts")
                .containsEntry(ResourceNames.ATTEMPT_LABEL, "3").containsEntry(ResourceNames.WORKER_LABEL, "1");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("StreamJob"))
                .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
        assertThat(pod.getSpec().getContainers().get(0).getEnv())
                .anyMatch(e -> e.getName().equals("WEIR_ATTEMPT") && e.getValue().equals("3"))
                .anyMatch(e -> e.getName().equals("WEIR_WORKER_INDEX") && e.getValue().equals("1"))
                .anyMatch(e -> e.getName().equals("WEIR_JOB_ARGS") && e.getValue().equals("{\"records\":\"1000\"}"))
                .anyMatch(e -> e.getName().equals("WEIR_ADVERTISED_HOST")
                        && e.getValueFrom().getFieldRef().getFieldPath().equals("status.podIP"));
    }

    @Test
    void podTemplateAddsWhatWeirDoesNotSet() {
        StreamJob job = OperatorTestEnv.job("counts", 2);
        job.getSpec().setPodTemplate(Map.of(
                "metadata", Map.of("labels", Map.of("team", "data", ResourceNames.JOB_LABEL, "other")),
                "spec", Map.of("nodeSelector", Map.of("pool", "streaming"), "restartPolicy", "Always",
                        "containers", List.of(Map.of("name", "sidecar", "image", "busybox")))));
        Pod pod = pod(job);
        assertThat(pod.getMetadata().getLabels()).containsEntry("team", "data").containsEntry(ResourceNames.JOB_LABEL, "counts");
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("pool", "streaming");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("worker", "sidecar");
    }

    @Test
    void kafkaToPostgresExampleGivesTheWorkersTheDatabaseSecret() throws Exception {
        StreamJob job;
        try (var yaml = Files.newInputStream(Path.of("k8s-examples/kafka-to-postgres.yaml"))) {
            job = Serialization.unmarshal(yaml, StreamJob.class);
        }
        job.getMetadata().setNamespace("default");
        assertThat(WorkerPodTemplate.of(job.getSpec().getPodTemplate()).problems()).isEmpty();
        Container worker = pod(job).getSpec().getContainers().get(0);
        assertThat(worker.getName()).isEqualTo("worker");
        assertThat(worker.getEnvFrom()).singleElement()
                .satisfies(from -> assertThat(from.getSecretRef().getName()).isEqualTo("weir-postgres"));
        assertThat(worker.getEnv()).extracting(EnvVar::getName).contains("WEIR_JOB_CLASS", "WEIR_S3_SECRET_KEY");
    }

    @Test
    void templateWorkerContainerAddsEnvEnvFromMountsPortsAndProbes() {
        StreamJob job = OperatorTestEnv.job("counts", 2);
        job.getSpec().setPodTemplate(Map.of("spec", Map.of(
                "volumes", List.of(Map.of("name", "certs", "secret", Map.of("secretName", "db-ca"))),
                "containers", List.of(Map.of("name", "worker",
                        "env", List.of(Map.of("name", "JAVA_TOOL_OPTIONS", "value", "-Dshard=$(WEIR_WORKER_INDEX)"),
                                Map.of("name", "WEIR_JDBC_PASSWORD", "valueFrom",
                                        Map.of("secretKeyRef", Map.of("name", "pg", "key", "password")))),
                        "envFrom", List.of(Map.of("configMapRef", Map.of("name", "settings"))),
                        "volumeMounts", List.of(Map.of("name", "certs", "mountPath", "/etc/db-ca", "readOnly", true)),
                        "ports", List.of(Map.of("name", "metrics", "containerPort", 9404)),
                        "readinessProbe", Map.of("tcpSocket", Map.of("port", 6124)))))));
        Pod pod = pod(job);
        Container worker = pod.getSpec().getContainers().get(0);

        List<String> names = worker.getEnv().stream().map(EnvVar::getName).toList();
        assertThat(names).endsWith("JAVA_TOOL_OPTIONS", "WEIR_JDBC_PASSWORD")
                .as("Weir's first, so the template's can refer to them").startsWith("WEIR_JOB_NAME");
        assertThat(worker.getEnv().get(names.indexOf("WEIR_JDBC_PASSWORD")).getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo("password");
        assertThat(worker.getEnvFrom()).singleElement()
                .satisfies(from -> assertThat(from.getConfigMapRef().getName()).isEqualTo("settings"));
        assertThat(worker.getVolumeMounts()).extracting(VolumeMount::getMountPath)
                .containsExactly("/var/run/weir/token", "/tmp", "/etc/db-ca");
        assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName).containsExactly("certs", "weir-token", "tmp");
        assertThat(worker.getPorts()).extracting(ContainerPort::getName).containsExactly("control", "data", "metrics");
        assertThat(worker.getReadinessProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(6124);
    }

    @Test
    void specResourcesReplaceTheTemplatesOneResourceAtATime() {
        StreamJob job = OperatorTestEnv.job("counts", 2);
        ResourcesSpec resources = new ResourcesSpec();
        resources.setRequests(Map.of("cpu", "1"));
        resources.setLimits(Map.of("memory", "2Gi"));
        job.getSpec().setResources(resources);
        job.getSpec().setPodTemplate(Map.of("spec", Map.of("containers", List.of(Map.of("name", "worker",
                "resources", Map.of("requests", Map.of("cpu", "250m", "ephemeral-storage", "1Gi"),
                        "limits", Map.of("memory", "4Gi", "nvidia.com/gpu", "1")))))));
        ResourceRequirements merged = pod(job).getSpec().getContainers().get(0).getResources();
        assertThat(merged.getRequests()).containsOnly(Map.entry("cpu", new Quantity("1")),
                Map.entry("ephemeral-storage", new Quantity("1Gi")));
        assertThat(merged.getLimits()).containsOnly(Map.entry("memory", new Quantity("2Gi")),
                Map.entry("nvidia.com/gpu", new Quantity("1")));
    }

    @Test
    void weirKeepsWhatItMustControlOverTheTemplatesWorkerContainer() {
        StreamJob job = OperatorTestEnv.job("counts", 2);
        job.getSpec().setPodTemplate(Map.of("spec", Map.of(
                "securityContext", Map.of("runAsUser", 0, "supplementalGroups", List.of(3000)),
                "containers", List.of(Map.of("name", "worker", "image", "mine:1", "command", List.of("sh"),
                        "args", List.of("-c", "sleep 1d"),
                        "env", List.of(Map.of("name", "WEIR_ATTEMPT", "value", "99")),
                        "ports", List.of(Map.of("name", "other", "containerPort", 6125)),
                        "volumeMounts", List.of(Map.of("name", "x", "mountPath", "/tmp")),
                        "securityContext", Map.of("privileged", true, "allowPrivilegeEscalation", true,
                                "runAsUser", 0, "readOnlyRootFilesystem", false,
                                "capabilities", Map.of("add", List.of("SYS_ADMIN", "NET_BIND_SERVICE")),
                                "seccompProfile", Map.of("type", "Unconfined")))))));
        Pod pod = pod(job);
        Container worker = pod.getSpec().getContainers().get(0);

        assertThat(worker.getImage()).as("spec.image unset: the template's").isEqualTo("mine:1");
        assertThat(worker.getCommand()).endsWith(WorkerPodDesired.MAIN_CLASS);
        assertThat(worker.getArgs()).isNullOrEmpty();
        assertThat(worker.getEnv()).filteredOn(e -> e.getName().equals("WEIR_ATTEMPT")).singleElement()
                .extracting(EnvVar::getValue).isEqualTo("3");
        assertThat(worker.getPorts()).extracting(ContainerPort::getName).containsExactly("control", "data");
        assertThat(worker.getVolumeMounts()).extracting(VolumeMount::getName).containsExactly("weir-token", "tmp");
        SecurityContext security = worker.getSecurityContext();
        assertThat(security.getPrivileged()).isNull();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getRunAsUser()).isNull();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).containsExactly("NET_BIND_SERVICE");
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        PodSecurityContext podSecurity = pod.getSpec().getSecurityContext();
        assertThat(podSecurity.getRunAsUser()).isEqualTo(10001);
        assertThat(podSecurity.getRunAsNonRoot()).isTrue();
        assertThat(podSecurity.getSupplementalGroups()).containsExactly(3000L);

        job.getSpec().setImage("weir-jobs:2");
        assertThat(pod(job).getSpec().getContainers().get(0).getImage()).isEqualTo("weir-jobs:2");
    }

    @Test
    void templateInitContainersSidecarsAndPodSettingsAreKept() {
        StreamJob job = OperatorTestEnv.job("counts", 2);
        job.getSpec().setPodTemplate(Map.of("spec", Map.of(
                "initContainers", List.of(Map.of("name", "wait-for-db", "image", "busybox")),
                "imagePullSecrets", List.of(Map.of("name", "registry")),
                "priorityClassName", "streaming",
                "securityContext", Map.of("runAsUser", 2000, "fsGroup", 3000),
                "containers", List.of(Map.of("name", "log-shipper", "image", "fluent-bit")))));
        Pod pod = pod(job);
        assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName).containsExactly("wait-for-db");
        assertThat(pod.getSpec().getImagePullSecrets()).extracting(LocalObjectReference::getName)
                .containsExactly("registry");
        assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("streaming");
        assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("worker", "log-shipper");
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(2000);
        assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isEqualTo(3000);
        assertThat(pod.getSpec().getSecurityContext().getRunAsGroup()).isEqualTo(10001);
    }

    @Test
    void heapFollowsTheMemoryLimitOrElseTheRequest() {
        StreamJob job = OperatorTestEnv.job("counts", 1);
        assertThat(command(job)).contains("-XX:MaxRAMPercentage=75").noneMatch(o -> o.startsWith("-XX:MaxRAM="));

        job.getSpec().setPodTemplate(Map.of("spec", Map.of("containers", List.of(Map.of("name", "worker",
                "resources", Map.of("limits", Map.of("memory", "3Gi"), "requests", Map.of("memory", "1Gi")))))));
        assertThat(command(job)).as("the JVM reads the limit from the container's cgroup")
                .contains("-XX:MaxRAMPercentage=75").noneMatch(o -> o.startsWith("-XX:MaxRAM="));

        job.getSpec().setPodTemplate(null);
        ResourcesSpec resources = new ResourcesSpec();
        resources.setRequests(Map.of("memory", "1Gi", "cpu", "2"));
        job.getSpec().setResources(resources);
        assertThat(command(job)).containsSubsequence("java", "-XX:MaxRAM=1073741824", "-XX:MaxRAMPercentage=75");

        // RocksDB's block cache and memtables live outside the heap: the heap leaves them room.
        job.getSpec().getStateBackend().setType("rocksdb");
        assertThat(command(job)).containsSubsequence("java", "-XX:MaxRAM=1073741824", "-XX:MaxRAMPercentage=45");
        job.getSpec().setResources(null);
        assertThat(command(job)).contains("-XX:MaxRAMPercentage=45");
        job.getSpec().getStateBackend().setType("heap");
    }

    @Test
    void templateProblemsNameTheFieldAndNeverTheValue() {
        assertThat(WorkerPodTemplate.of(Map.of("spec", Map.of("containers", List.of(Map.of("name", "worker",
                "command", List.of("java"), "envFrom", List.of(Map.of("secretRef", Map.of("name", "s"))),
                "envfrom", "typo")))))
                .problems()).containsExactly(
                        "spec.podTemplate.spec.containers[0].command/args: Weir starts the worker itself; pass JVM"
                                + " options in the JAVA_TOOL_OPTIONS variable (env) instead",
                        "spec.podTemplate.spec.containers[0]: unknown field envfrom");
        assertThat(WorkerPodTemplate.of(Map.of("spec", Map.of("containers", List.of(Map.of("name", "worker",
                "env", "PASSWORD=hunter2"))))).problems())
                .containsExactly("spec.podTemplate.spec.containers[0].env: wrong type (expected a list)");
        assertThat(WorkerPodTemplate.of(Map.of("spec", Map.of("containers", List.of(Map.of("name", "sidecar",
                "env", List.of(Map.of("name", "WEIR_ATTEMPT", "value", "1")))))))
                .problems()).as("only the worker container is Weir's").isEmpty();
    }

    private static List<String> command(StreamJob job) {
        return pod(job).getSpec().getContainers().get(0).getCommand();
    }
}
