package dev.weir.operator;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.weir.api.SecretKeySelectorSpec;
import dev.weir.api.StreamJob;
import dev.weir.operator.reconcile.ReconcilePipeline;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The fabric8 mock API server in CRUD mode, a {@link FakeJobRuntime} and a manual clock; plays
 * java-operator-sdk's part (fetch the job, run the pipeline, patch status) and the kubelet's
 * (pod phases), one reconcile at a time so every transition is deterministic.
 */
final class OperatorTestEnv implements AutoCloseable {

    static final String NAMESPACE = "jobs";
    static final String ACCESS_KEY = "AKIA-ACCESS-KEY-VALUE";
    static final String SECRET_KEY = "very-secret-key-value";
    static final OperatorSettings SETTINGS = new OperatorSettings("weir:test", Duration.ofSeconds(2));

    // Held so the level sticks: the mock server logs every request at INFO through java.util.logging.
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    final KubernetesMockServer server;
    final KubernetesClient client;
    FakeJobRuntime runtime = new FakeJobRuntime();
    long now = 1_700_000_000_000L;
    ReconcilePipeline pipeline;
    ReconcilePipeline.Outcome lastOutcome;

    OperatorTestEnv() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new ApiServerDispatcher(), false);
        server.init();
        client = server.createClient();
        startOperator();
    }

    /** A fresh pipeline and runtime, as after an operator restart: nothing in memory survives. */
    void restartOperator() {
        runtime = new FakeJobRuntime();
        startOperator();
    }

    private void startOperator() {
        runtime.clock = () -> now;
        pipeline = new ReconcilePipeline(client, runtime, SETTINGS, () -> now);
    }

    void createCredentials() {
        client.resource(new SecretBuilder().withNewMetadata().withName("weir-s3").withNamespace(NAMESPACE).endMetadata()
                .withStringData(Map.of("accessKey", ACCESS_KEY, "secretKey", SECRET_KEY)).build()).create();
    }

    static StreamJob job(String name, int parallelism) {
        StreamJob job = new StreamJob();
        job.getMetadata().setName(name);
        job.getMetadata().setNamespace(NAMESPACE);
        job.getSpec().getJob().setClassName("dev.weir.examples.KeyedCountJob");
        job.getSpec().getJob().setParallelism(parallelism);
        job.getSpec().getJob().getArgs().put("records", "1000");
        job.getSpec().getStorage().setEndpoint("http://minio.minio:9000");
        SecretKeySelectorSpec credentials = new SecretKeySelectorSpec();
        credentials.setName("weir-s3");
        credentials.setAccessKeyKey("accessKey");
        credentials.setSecretKeyKey("secretKey");
        job.getSpec().getStorage().setCredentialsSecret(credentials);
        job.getSpec().getRestartPolicy().setInitialBackoffMs(1_000);
        job.getSpec().getRestartPolicy().setMaxBackoffMs(8_000);
        return job;
    }

    StreamJob create(StreamJob job) {
        return client.resource(job).create();
    }

    StreamJob get(String name) {
        return client.resources(StreamJob.class).inNamespace(NAMESPACE).withName(name).get();
    }

    /** What java-operator-sdk does on an event: run the pipeline on the current object and patch its status. */
    StreamJob reconcile(String name) {
        StreamJob job = get(name);
        lastOutcome = pipeline.reconcile(job);
        job.setStatus(lastOutcome.status());
        client.resource(job).updateStatus();
        return get(name);
    }

    StreamJob editSpec(String name, java.util.function.Consumer<StreamJob> edit) {
        StreamJob job = get(name);
        edit.accept(job);
        job.getMetadata().setGeneration(job.getMetadata().getGeneration() == null ? 2 : job.getMetadata().getGeneration() + 1);
        return client.resource(job).update();
    }

    List<Pod> pods(String job) {
        return client.pods().inNamespace(NAMESPACE).withLabel(ResourceNames.JOB_LABEL, job).list().getItems();
    }

    /** The kubelet's part: every pod of the job runs, on its own IP. */
    void runPods(String job) {
        int ip = 10;
        for (Pod pod : pods(job)) {
            setPhase(pod.getMetadata().getName(), "Running", "10.0.0." + ip++);
        }
    }

    void setPhase(String pod, String phase, String ip) {
        client.pods().inNamespace(NAMESPACE).withName(pod).editStatus(p -> {
            p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(phase).withPodIP(ip).build());
            return p;
        });
    }

    void deletePod(String pod) {
        client.pods().inNamespace(NAMESPACE).withName(pod).delete();
    }

    /** Deploy, run the pods, let all workers register: the job is Running. */
    StreamJob deployAndRun(String name) {
        reconcile(name);
        runPods(name);
        runtime.registerAll(new JobKey(NAMESPACE, name));
        return reconcile(name);
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    /**
     * The CRUD mock plus the one answer it cannot make up: java-operator-sdk checks with a
     * SelfSubjectRulesReview that it may use Leases before electing a leader. The review says what
     * the chart's leader-election Role grants.
     */
    private static final class ApiServerDispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            if (!request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
                return super.handleCreate(request);
            }
            SelfSubjectRulesReview review = Serialization.unmarshal(request.getUtf8Body(),
                    SelfSubjectRulesReview.class);
            review.setStatus(new SubjectRulesReviewStatusBuilder().addNewResourceRule()
                    .withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("get", "create", "update")
                    .endResourceRule().withIncomplete(false).build());
            return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
        }
    }
}
