package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.api.StreamJob;
import dev.weir.operator.resources.WorkerPodDesired;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

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

    @Test
    void runsThePlainJavaWorkerMainOnTheImagesWorkerClassPath() {
        List<String> command = pod(OperatorTestEnv.job("counts", 1)).getSpec().getContainers().get(0).getCommand();
        assertThat(command).endsWith("-cp", "/opt/weir/worker/weir.jar:/opt/weir/worker/lib/*",
                        "dev.weir.runtime.worker.WorkerMain")
                .containsSubsequence(dev.weir.runtime.worker.WorkerJvm.COMPILER_OPTIONS)
                .noneMatch(option -> option.startsWith("-Dslf4j.provider"));
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
}
