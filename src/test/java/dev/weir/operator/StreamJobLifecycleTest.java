package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.api.Condition;
import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.operator.runtime.JobRuntimeException;
import io.fabric8.kubernetes.api.model.Pod;

/** Every transition of a StreamJob, reconciled against the mock API server with a fake job runtime. */
class StreamJobLifecycleTest {

    private final OperatorTestEnv env = new OperatorTestEnv();
    private final JobKey key = new JobKey(NAMESPACE, "counts");

    @AfterEach
    void close() {
        env.close();
    }

    private static Condition ready(StreamJob job) {
        return job.getStatus().getConditions().stream().filter(c -> c.getType().equals(Condition.READY))
                .findFirst().orElseThrow();
    }

    @Test
    void deploysOnePodPerWorkerThenRunsWhenAllRegistered() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));

        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Deploying);
        assertThat(job.getStatus().getAttempt()).isEqualTo(1);
        assertThat(job.getStatus().getDesiredWorkers()).isEqualTo(2);
        assertThat(env.pods("counts")).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("counts-a1-w0", "counts-a1-w1");
        assertThat(env.client.services().inNamespace(NAMESPACE).withName("counts").get().getSpec().getClusterIP())
                .isEqualTo("None");
        assertThat(env.client.configMaps().inNamespace(NAMESPACE).withName("counts-config").get()).isNotNull();
        assertThat(env.client.secrets().inNamespace(NAMESPACE).withName("counts-token").get()).isNotNull();
        assertThat(env.runtime.current(key).attempt()).isEqualTo(1);
        assertThat(env.runtime.current(key).restoreFrom()).isNull();

        env.runPods("counts");
        job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).as("pods run but workers have not registered").isEqualTo(JobPhase.Deploying);

        env.runtime.registerAll(key);
        env.runtime.completeCheckpoint(key, 7);
        job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Running);
        assertThat(job.getStatus().getReadyWorkers()).isEqualTo(2);
        assertThat(job.getStatus().getLastCheckpoint().getId()).isEqualTo(7);
        assertThat(ready(job).getStatus()).isEqualTo(Condition.TRUE);
        assertThat(env.lastOutcome.rescheduleAfter()).isEqualTo(OperatorTestEnv.SETTINGS.pollInterval());
    }

    @Test
    void podDeletedAfterACheckpointRestartsAtOnceFromTheLatestCheckpoint() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");
        env.now += 30_000;
        env.runtime.completeCheckpoint(key, 3, env.now - 1_000);

        env.deletePod("counts-a1-w1");
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Restarting);
        assertThat(job.getStatus().getError()).isEqualTo("worker pod counts-a1-w1 was deleted");
        assertThat(env.runtime.stopped).as("pending checkpoint aborted, coordinator stopped").containsExactly(key);
        assertThat(env.pods("counts")).as("all pods of the attempt go").isEmpty();
        assertThat(job.getStatus().getRestarts()).isEqualTo(1);
        assertThat(job.getStatus().getRestartAt()).as("no backoff after progress")
                .isEqualTo(java.time.Instant.ofEpochMilli(env.now).toString());
        assertThat(env.lastOutcome.rescheduleAfter()).as("the next attempt is deployed at once").isZero();

        job = env.reconcile("counts");
        assertThat(job.getStatus().getAttempt()).isEqualTo(2);
        assertThat(env.pods("counts")).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("counts-a2-w0", "counts-a2-w1");
        String chk3 = "s3://weir/weir/jobs/counts/checkpoints/chk-3";
        assertThat(env.runtime.current(key).restoreFrom()).isEqualTo(chk3);
        assertThat(env.pods("counts").get(0).getSpec().getContainers().get(0).getEnv())
                .anyMatch(e -> e.getName().equals("WEIR_RESTORE_FROM") && chk3.equals(e.getValue()));

        env.runPods("counts");
        env.runtime.registerAll(key);
        job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Running);
        assertThat(job.getStatus().getRestoredFrom()).isEqualTo(chk3);
        assertThat(job.getStatus().getError()).isNull();
    }

    @Test
    void failuresWithoutACheckpointBackOffAndTooManyRestartsInTheWindowFailTheJob() {
        env.createCredentials();
        StreamJob spec = OperatorTestEnv.job("counts", 1);
        spec.getSpec().getRestartPolicy().setMaxRestarts(3);
        env.create(spec);
        env.deployAndRun("counts");

        // The first restart is immediate (as the kubelet's); the job then keeps failing without a checkpoint.
        long[] expectedBackoffs = {0, 1_000, 2_000};
        for (long backoff : expectedBackoffs) {
            env.runtime.fail(key, "task count-sum#0 failed: boom");
            StreamJob job = env.reconcile("counts");
            assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Restarting);
            assertThat(java.time.Instant.parse(job.getStatus().getRestartAt()).toEpochMilli() - env.now)
                    .isEqualTo(backoff);
            if (backoff > 0) {
                env.now += backoff / 2;
                job = env.reconcile("counts");
                assertThat(job.getStatus().getPhase()).as("still backing off").isEqualTo(JobPhase.Restarting);
                assertThat(env.pods("counts")).isEmpty();
                assertThat(env.lastOutcome.rescheduleAfter().toMillis()).isEqualTo(backoff / 2);
                env.now += backoff / 2;
            }
            env.deployAndRun("counts");
            env.now += 100;
        }
        env.runtime.fail(key, "task count-sum#0 failed: boom");
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Failed);
        assertThat(ready(job).getReason()).isEqualTo("RestartLimitExceeded");
        assertThat(job.getStatus().getError()).contains("restarted 3 times").contains("boom");
        assertThat(env.pods("counts")).isEmpty();

        env.now += 60_000;
        assertThat(env.reconcile("counts").getStatus().getPhase()).as("Failed is terminal").isEqualTo(JobPhase.Failed);
        assertThat(env.lastOutcome.rescheduleAfter()).isNull();
    }

    @Test
    void aCheckpointSinceTheLastRestartMakesTheNextRestartImmediateAgain() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 1));
        env.deployAndRun("counts");
        long[] restartAfter = new long[3];
        for (int i = 0; i < 3; i++) {
            if (i == 2) {
                env.runtime.completeCheckpoint(key, 9, env.now - 10);
            }
            env.runtime.fail(key, "task count-sum#0 failed: broker down");
            StreamJob job = env.reconcile("counts");
            restartAfter[i] = java.time.Instant.parse(job.getStatus().getRestartAt()).toEpochMilli() - env.now;
            env.now += restartAfter[i];
            env.deployAndRun("counts");
            env.now += 5_000;
        }
        assertThat(restartAfter).containsExactly(0, 1_000, 0);
    }

    @Test
    void suspendTakesASavepointAndStopsResumeRestoresFromIt() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");
        env.runtime.savepointsCompleteAtOnce = false;

        env.editSpec("counts", j -> j.getSpec().setState("suspended"));
        StreamJob job = env.reconcile("counts");
        assertThat(ready(job).getReason()).isEqualTo("Suspending");
        assertThat(env.pods("counts")).hasSize(2);

        env.runtime.completePendingSavepoints(key);
        job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Suspended);
        assertThat(job.getStatus().getLastSavepoint().getPath()).contains("/savepoints/sp-100");
        assertThat(env.pods("counts")).isEmpty();
        assertThat(env.runtime.current(key)).isNull();
        assertThat(env.reconcile("counts").getStatus().getPhase()).isEqualTo(JobPhase.Suspended);

        env.editSpec("counts", j -> j.getSpec().setState("running"));
        job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Deploying);
        assertThat(job.getStatus().getAttempt()).isEqualTo(2);
        assertThat(job.getStatus().getRestoredFrom()).endsWith("/savepoints/sp-100");
        assertThat(env.runtime.current(key).restoreFrom()).endsWith("/savepoints/sp-100");
    }

    @Test
    void aJobCreatedSuspendedDeploysNothing() {
        env.createCredentials();
        StreamJob spec = OperatorTestEnv.job("counts", 2);
        spec.getSpec().setState("suspended");
        env.create(spec);
        assertThat(env.reconcile("counts").getStatus().getPhase()).isEqualTo(JobPhase.Suspended);
        assertThat(env.pods("counts")).isEmpty();
    }

    @Test
    void savepointUpgradeRedeploysFromTheSavepoint() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");
        env.runtime.completeCheckpoint(key, 4);
        env.runtime.savepointsCompleteAtOnce = false;

        env.editSpec("counts", j -> j.getSpec().getJob().getArgs().put("keys", "50"));
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Upgrading);
        assertThat(job.getStatus().getAttempt()).as("old attempt runs until the savepoint is done").isEqualTo(1);

        env.runtime.completePendingSavepoints(key);
        job = env.reconcile("counts");
        assertThat(job.getStatus().getAttempt()).isEqualTo(2);
        assertThat(job.getStatus().getRestoredFrom()).endsWith("/savepoints/sp-100");
        assertThat(job.getStatus().getLastSavepoint().getId()).isEqualTo(100);
        assertThat(env.pods("counts")).allMatch(p -> p.getMetadata().getName().contains("-a2-"));

        env.runPods("counts");
        env.runtime.registerAll(key);
        assertThat(env.reconcile("counts").getStatus().getPhase()).isEqualTo(JobPhase.Running);
    }

    @Test
    void lastStateUpgradeRescalesFromTheLatestCheckpoint() {
        env.createCredentials();
        StreamJob spec = OperatorTestEnv.job("counts", 2);
        spec.getSpec().setUpgradeMode("last-state");
        env.create(spec);
        env.deployAndRun("counts");
        env.runtime.completeCheckpoint(key, 9);

        env.editSpec("counts", j -> j.getSpec().getJob().setParallelism(3));
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Upgrading);
        assertThat(job.getStatus().getAttempt()).isEqualTo(2);
        assertThat(job.getStatus().getRestoredFrom()).endsWith("/checkpoints/chk-9");
        assertThat(env.pods("counts")).hasSize(3).allMatch(p -> p.getMetadata().getName().contains("-a2-"));
        assertThat(env.runtime.current(key).parallelism()).isEqualTo(3);
        assertThat(env.runtime.savepointRequests).isEmpty();

        env.runPods("counts");
        env.runtime.registerAll(key);
        job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Running);
        assertThat(job.getStatus().getReadyWorkers()).isEqualTo(3);
    }

    @Test
    void statelessUpgradeStartsEmpty() {
        env.createCredentials();
        StreamJob spec = OperatorTestEnv.job("counts", 1);
        spec.getSpec().setUpgradeMode("stateless");
        env.create(spec);
        env.deployAndRun("counts");
        env.runtime.completeCheckpoint(key, 5);

        env.editSpec("counts", j -> j.getSpec().getJob().getArgs().put("keys", "7"));
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getAttempt()).isEqualTo(2);
        assertThat(job.getStatus().getRestoredFrom()).isNull();
        assertThat(env.runtime.current(key).restoreFrom()).isNull();
    }

    @Test
    void savepointNonceTakesASavepointWithoutStopping() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");

        env.editSpec("counts", j -> j.getSpec().setSavepointNonce(1));
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getLastSavepoint().getPath()).contains("/savepoints/sp-");
        assertThat(job.getStatus().getObservedSavepointNonce()).isEqualTo(1);
        assertThat(job.getStatus().getAttempt()).isEqualTo(1);
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Running);
        assertThat(env.pods("counts")).hasSize(2);
        env.reconcile("counts");
        assertThat(env.runtime.savepointRequests).containsExactly("nonce-1");
    }

    @Test
    void restartNonceRestartsFromTheLatestCheckpointWithoutCountingAFailure() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 1));
        env.deployAndRun("counts");
        env.runtime.completeCheckpoint(key, 2);

        env.editSpec("counts", j -> j.getSpec().setRestartNonce(1));
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getAttempt()).isEqualTo(2);
        assertThat(job.getStatus().getRestarts()).isZero();
        assertThat(job.getStatus().getRestoredFrom()).endsWith("chk-2");
        assertThat(env.reconcile("counts").getStatus().getAttempt()).isEqualTo(2);
    }

    @Test
    void succeededPodsFinishTheJob() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");
        env.runtime.finish(key);
        for (Pod pod : env.pods("counts")) {
            env.setPhase(pod.getMetadata().getName(), "Succeeded", null);
        }
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Finished);
        assertThat(env.runtime.stopped).containsExactly(key);
    }

    @Test
    void podsOfAFailedAttemptThatExitedCleanlyRestartInsteadOfFinishing() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");
        // A task failed; the coordinator canceled the workers, and canceled workers exit 0.
        env.runtime.fail(key, "task count-sum#1 failed: boom");
        for (Pod pod : env.pods("counts")) {
            env.setPhase(pod.getMetadata().getName(), "Succeeded", null);
        }
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Restarting);
        assertThat(job.getStatus().getError()).contains("boom");
    }

    @Test
    void jobThatFinishedWhileTheOperatorWasAwayIsFinished() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");
        for (Pod pod : env.pods("counts")) {
            env.setPhase(pod.getMetadata().getName(), "Succeeded", null);
        }
        env.restartOperator();
        assertThat(env.reconcile("counts").getStatus().getPhase()).isEqualTo(JobPhase.Finished);
    }

    @Test
    void invalidSpecGivesReadyFalseAndDeploysNothing() {
        env.createCredentials();
        StreamJob spec = OperatorTestEnv.job("counts", 2);
        spec.getSpec().getJob().setParallelism(0);
        env.create(spec);
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
        assertThat(ready(job).getStatus()).isEqualTo(Condition.FALSE);
        assertThat(ready(job).getReason()).isEqualTo("InvalidSpec");
        assertThat(ready(job).getMessage()).contains("spec.job.parallelism");
        assertThat(env.pods("counts")).isEmpty();
        assertThat(env.lastOutcome.rescheduleAfter()).isNotNull();
    }

    @Test
    void aFileJarIsInvalidOnKubernetesWithAMessageSayingWhatToUse() {
        env.createCredentials();
        StreamJob spec = OperatorTestEnv.job("counts", 2);
        spec.getSpec().getJob().setJarURI("file:///home/me/counts.jar");
        env.create(spec);
        StreamJob job = env.reconcile("counts");
        assertThat(ready(job).getStatus()).isEqualTo(Condition.FALSE);
        assertThat(ready(job).getReason()).isEqualTo("InvalidSpec");
        assertThat(ready(job).getMessage()).isEqualTo("spec.job.jarURI: file:// jars work only with weir local;"
                + " on Kubernetes use local:///path/in/the/image.jar (a jar inside spec.image) or s3://bucket/key.jar"
                + " (got \"file:///home/me/counts.jar\")");
        assertThat(env.pods("counts")).isEmpty();
    }

    @Test
    void podTemplateVariableThatWouldReplaceWeirsIsRejectedWithItsField() {
        env.createCredentials();
        StreamJob spec = OperatorTestEnv.job("counts", 2);
        spec.getSpec().setPodTemplate(java.util.Map.of("spec", java.util.Map.of("containers", List.of(
                java.util.Map.of("name", "sidecar", "image", "busybox"),
                java.util.Map.of("name", "worker", "env", List.of(
                        java.util.Map.of("name", "WEIR_JDBC_USER", "value", "app"),
                        java.util.Map.of("name", "WEIR_ATTEMPT", "value", "hunter2")))))));
        env.create(spec);
        StreamJob job = env.reconcile("counts");
        assertThat(ready(job).getStatus()).isEqualTo(Condition.FALSE);
        assertThat(ready(job).getReason()).isEqualTo("InvalidSpec");
        assertThat(ready(job).getMessage()).isEqualTo("spec.podTemplate.spec.containers[1].env[1].name: WEIR_ATTEMPT"
                + " is set by Weir on every worker and cannot be overridden (docs/operator.md lists the variables Weir"
                + " sets)").doesNotContain("hunter2");
        assertThat(env.pods("counts")).isEmpty();
    }

    @Test
    void missingCredentialsSecretWaitsUntilItAppears() {
        env.create(OperatorTestEnv.job("counts", 1));
        StreamJob job = env.reconcile("counts");
        assertThat(ready(job).getReason()).isEqualTo("SecretNotFound");
        assertThat(ready(job).getMessage()).contains("weir-s3");
        assertThat(env.pods("counts")).isEmpty();

        env.createCredentials();
        assertThat(env.reconcile("counts").getStatus().getPhase()).isEqualTo(JobPhase.Deploying);
    }

    @Test
    void storageWithoutEndpointIsInvalidOnKubernetes() {
        env.createCredentials();
        StreamJob spec = OperatorTestEnv.job("counts", 1);
        spec.getSpec().getStorage().setEndpoint(null);
        env.create(spec);
        assertThat(ready(env.reconcile("counts")).getReason()).isEqualTo("InvalidStorage");
    }

    @Test
    void jobClassTheWorkersCannotLoadFailsTheJobWithoutRestarting() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.reconcile("counts");
        env.runPods("counts");
        env.runtime.failUnrecoverably(key, UnrecoverableJobException.Kind.JOB_CLASS,
                "worker 1: job class 'com.example.Missing' was not found");

        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Failed);
        assertThat(ready(job).getReason()).isEqualTo("JobClassError");
        assertThat(job.getStatus().getError()).contains("com.example.Missing");
        assertThat(job.getStatus().getRestarts()).isZero();
        assertThat(env.pods("counts")).isEmpty();
        env.now += 60_000;
        assertThat(env.reconcile("counts").getStatus().getAttempt()).as("no restart").isEqualTo(1);

        env.editSpec("counts", j -> j.getSpec().getJob().setClassName("dev.weir.examples.WordCountJob"));
        job = env.reconcile("counts");
        assertThat(job.getStatus().getPhase()).as("a fixed spec is tried again").isEqualTo(JobPhase.Deploying);
        assertThat(job.getStatus().getAttempt()).isEqualTo(2);
    }

    @Test
    void restartedOperatorReattachesToRunningWorkersWithoutRedeploying() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");
        List<String> podsBefore = env.pods("counts").stream().map(p -> p.getMetadata().getUid()).toList();
        String token = env.runtime.current(key).token();

        env.restartOperator();
        StreamJob job = env.reconcile("counts");
        FakeJobRuntime.Hosted hosted = env.runtime.ensured.get(0);
        assertThat(hosted.plan().attempt()).isEqualTo(1);
        assertThat(hosted.plan().token()).as("same token: the workers keep theirs").isEqualTo(token);
        assertThat(hosted.reattached()).as("workers whose pods run").containsExactlyInAnyOrder(0, 1);
        assertThat(env.pods("counts")).extracting(p -> p.getMetadata().getUid()).containsExactlyInAnyOrderElementsOf(podsBefore);
        assertThat(job.getStatus().getAttempt()).isEqualTo(1);
        assertThat(job.getStatus().getPhase()).isEqualTo(JobPhase.Running);
    }
}
