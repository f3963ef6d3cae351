package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobStatus;
import dev.weir.local.EmbeddedS3Server;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.S3ObjectStore;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * What every end-to-end operator test stands on: the mock API server, S3Proxy as the jobs'
 * storage (bucket and credentials Secret created), and the kubelet harness running each worker
 * pod as a real process (or a container of the image). Operators come and go on top of it;
 * workers and storage stay.
 */
final class EndToEndFixture implements AutoCloseable {

    /** Replaced by {@link #restartStorage}. */
    volatile EmbeddedS3Server s3;
    final OperatorTestEnv env;
    final KubeletHarness kubelet;

    EndToEndFixture(Path dir) throws Exception {
        this(dir, new WorkerProcessRunner(), "127.0.0.");
    }

    /** Pods run through {@code runner}, each on an address {@code ipPrefix}10 and up. */
    EndToEndFixture(Path dir, PodRunner runner, String ipPrefix) throws Exception {
        this(dir, runner, ipPrefix, EmbeddedS3Server.startInMemory());
    }

    /** Storage on files under {@code dir}, which {@link #stopStorage} and {@link #restartStorage} take away and bring back. */
    static EndToEndFixture withRestartableStorage(Path dir) throws Exception {
        return new EndToEndFixture(dir, new WorkerProcessRunner(), "127.0.0.",
                EmbeddedS3Server.startPersistent(dir.resolve("s3")));
    }

    private EndToEndFixture(Path dir, PodRunner runner, String ipPrefix, EmbeddedS3Server storage) throws Exception {
        s3 = storage;
        env = new OperatorTestEnv();
        kubelet = new KubeletHarness(env.client, NAMESPACE, dir, runner, ipPrefix);
        new S3ObjectStore(s3.settings("weir")).ensureBucket();
        env.client.resource(new SecretBuilder().withNewMetadata().withName("weir-s3").withNamespace(NAMESPACE)
                .endMetadata().withStringData(Map.of("accessKey", s3.accessKey(), "secretKey", s3.secretKey()))
                .build()).create();
    }

    /** A keyed-count StreamJob on this fixture's storage, writing its committed output below {@code output}. */
    StreamJob keyedCount(String name, long records, long keys, long rate, Path output) {
        return env.create(keyedCountJob(name, records, keys, rate, output));
    }

    /** The same, with {@code edit} applied to the manifest before it is created. */
    StreamJob keyedCount(String name, long records, long keys, long rate, Path output,
                         java.util.function.Consumer<StreamJob> edit) {
        StreamJob job = keyedCountJob(name, records, keys, rate, output);
        edit.accept(job);
        return env.create(job);
    }

    /** The messages of the Kubernetes Events recorded for {@code job} with {@code reason}, oldest first. */
    List<String> events(String job, String reason) {
        return env.client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> job.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getCreationTimestamp() == null ? ""
                        : e.getMetadata().getCreationTimestamp()))
                .map(io.fabric8.kubernetes.api.model.Event::getMessage).toList();
    }

    /**
     * keyed-count whose sources each hold after {@code holdAfter} records until the file {@code gate}
     * exists ({@link dev.weir.testing.GatedSource}): it cannot end before the test opens the gate.
     */
    StreamJob gatedKeyedCount(String name, long records, long keys, long rate, long holdAfter, Path gate,
                              Path output) {
        return env.create(gatedKeyedCountJob(name, records, keys, rate, holdAfter, gate, output));
    }

    /** The job {@link #gatedKeyedCount} creates, not created yet. */
    StreamJob gatedKeyedCountJob(String name, long records, long keys, long rate, long holdAfter, Path gate,
                                 Path output) {
        StreamJob job = keyedCountJob(name, records, keys, rate, output);
        job.getSpec().getJob().setClassName("dev.weir.testing.ChaosKeyedCountJob");
        job.getSpec().getJob().getArgs().put("holdAfter", Long.toString(holdAfter));
        job.getSpec().getJob().getArgs().put("gate", gate.toString());
        return job;
    }

    private StreamJob keyedCountJob(String name, long records, long keys, long rate, Path output) {
        StreamJob job = OperatorTestEnv.job(name, 2);
        job.getSpec().getStorage().setEndpoint(s3.endpoint());
        job.getSpec().getJob().setArgs(new LinkedHashMap<>(Map.of("records", Long.toString(records),
                "keys", Long.toString(keys), "rate", Long.toString(rate), "output", output.toString())));
        job.getSpec().getCheckpointing().setIntervalMs(200);
        job.getSpec().getRestartPolicy().setInitialBackoffMs(1_000);
        return job;
    }

    /** The storage server goes away (its port refuses connections); its data stays. */
    void stopStorage() {
        s3.close();
    }

    /** The storage server comes back on the same port, with the same credentials and data. */
    void restartStorage(int port) throws Exception {
        s3 = EmbeddedS3Server.start(s3.directory(), port, s3.accessKey(), s3.secretKey());
    }

    /** The bearer token of {@code job}'s REST actions: the {@code token} key of its Secret. */
    String token(String job) {
        Secret secret = env.client.secrets().inNamespace(NAMESPACE).withName(ResourceNames.tokenSecret(job)).get();
        if (secret.getData() != null && secret.getData().containsKey(ResourceNames.TOKEN_KEY)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(ResourceNames.TOKEN_KEY)),
                    StandardCharsets.UTF_8);
        }
        return secret.getStringData().get(ResourceNames.TOKEN_KEY);
    }

    StreamJobStatus status(String job) {
        StreamJob current = env.get(job);
        return current == null || current.getStatus() == null ? new StreamJobStatus() : current.getStatus();
    }

    /** What a restore would see: the highest checkpoint id with anything in the job's storage. */
    long highestCheckpointIdInStorage(String job) throws Exception {
        try (CheckpointStorage storage = new CheckpointStorage(new S3ObjectStore(s3.settings("weir")),
                "weir/" + NAMESPACE + "/" + job)) {
            return storage.highestCheckpointIdSeen();
        }
    }

    /** Samples the job's phase every 20 ms into {@code phases} (each change once) until interrupted. */
    Thread watchPhases(String job, List<JobPhase> phases) {
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                JobPhase phase = status(job).getPhase();
                if (phase != null && (phases.isEmpty() || phases.get(phases.size() - 1) != phase)) {
                    phases.add(phase);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        return watcher;
    }

    void await(String job, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout + "; status: "
                        + Serialization.asJson(status(job)));
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        try (EmbeddedS3Server storage = s3; OperatorTestEnv api = env) {
            kubelet.close();
        }
    }
}
