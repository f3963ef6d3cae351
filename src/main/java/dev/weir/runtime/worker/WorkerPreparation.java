package dev.weir.runtime.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobGraph;
import dev.weir.runtime.storage.ObjectStore;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.usercode.JobJarResolver;
import dev.weir.runtime.usercode.LocalJobJar;
import dev.weir.runtime.usercode.UserCode;
import dev.weir.runtime.worker.protocol.ControlPlaneJson;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import dev.weir.runtime.worker.transport.JsonHttpClient;

/**
 * The part of a worker's start-up that depends on the job alone, not on the attempt: the control
 * plane's JSON mappings and HTTP client, the TLS material, the worker's control endpoint (an HTTP
 * server: a second of class loading on a busy machine), the checkpoint store's client, and the
 * user's code loaded with its job graph built. Each runs in the background from {@link #start};
 * {@link Worker} takes the results when it needs them. A freshly started worker goes on at once;
 * a standby worker starts this ahead of time and goes on once it is assigned
 * ({@link StandbyAssignment}), so both run the same path from here on.
 */
public final class WorkerPreparation {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPreparation.class);

    /** The job's code and the graph it built for this parallelism. */
    record PreparedJob(UserCode code, JobGraph graph) {}

    private final TransportTls tls;
    private final CompletableFuture<CoordinatorClient> client;
    private final CompletableFuture<ObjectStore> store;
    private final CompletableFuture<PreparedJob> job;
    private final CompletableFuture<WorkerControlServer> control = new CompletableFuture<>();
    /** Whom the control endpoint serves: the worker, once there is one (the coordinator learns of it only then). */
    private volatile WorkerControlHandler handler;
    private volatile Consumer<ControlPlaneException> onLostTaskEvent =
            e -> LOG.error("task event lost: {}", e.getMessage());

    private WorkerPreparation(WorkerConfig config, Worker.StoreOpener storeOpener) throws IOException {
        // The HTTP client and the JSON mappings take a few hundred milliseconds to set up in a
        // fresh JVM: built while the rest is prepared.
        ControlPlaneJson.warmUpInBackground();
        this.tls = config.tlsDirectory() == null ? null : TransportTls.fromDirectory(config.tlsDirectory());
        this.client = CompletableFuture.supplyAsync(
                () -> new CoordinatorClient(URI.create(config.coordinatorUrl()), config.token(), config.parallelism(),
                        JsonHttpClient.Settings.defaults(), tls, lost -> onLostTaskEvent.accept(lost)));
        client.thenAccept(CoordinatorClient::connectAhead);
        // Opening storage loads the S3 client (0.6 to 0.9 s of CPU: class loading, TLS set-up).
        this.store = CompletableFuture.supplyAsync(() -> openStore(config, storeOpener));
        this.job = new CompletableFuture<>();
        Thread building = new Thread(() -> buildJob(config, job), "weir-job-preparation");
        building.setDaemon(true);
        building.start();
        Thread serving = new Thread(() -> startControlServer(config), "weir-control-preparation");
        serving.setDaemon(true);
        serving.start();
    }

    /** Starts preparing the job of {@code config} (its job-level values only are used). */
    public static WorkerPreparation start(WorkerConfig config, Worker.StoreOpener storeOpener) throws IOException {
        return new WorkerPreparation(config, storeOpener);
    }

    /** Waits until everything is prepared (or failed: the failure is the worker's to report once assigned). */
    public void await() throws InterruptedException {
        try {
            CompletableFuture.allOf(client, store, job, control).get();
        } catch (ExecutionException e) {
            LOG.debug("preparing the job failed: {}", e.getCause().toString());
        }
    }

    TransportTls tls() {
        return tls;
    }

    /** The coordinator client; {@code onLost} is told when a task event could not be delivered. */
    CoordinatorClient coordinator(Consumer<ControlPlaneException> onLost) {
        this.onLostTaskEvent = onLost;
        return client.join();
    }

    CompletableFuture<ObjectStore> store() {
        return store;
    }

    /** The worker's control endpoint, serving {@code worker} from now on; throws what starting it threw. */
    WorkerControlServer controlServer(WorkerControlHandler worker) throws IOException, InterruptedException {
        this.handler = worker;
        try {
            return control.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot start the control endpoint", e.getCause());
        }
    }

    private void startControlServer(WorkerConfig config) {
        try {
            control.complete(WorkerControlServer.start(new InetSocketAddress(config.bindAddress(), config.controlPort()),
                    config.token(), new Forwarding(), ControlServerLimits.worker(), tls == null ? null : tls.context()));
        } catch (IOException | RuntimeException e) {
            control.completeExceptionally(e);
        }
    }

    /** The control endpoint's handler before the worker exists: nobody can call it then (no registration yet). */
    private final class Forwarding implements WorkerControlHandler {
        private WorkerControlHandler worker() {
            WorkerControlHandler worker = handler;
            if (worker == null) {
                throw new IllegalStateException("this worker has no assignment yet");
            }
            return worker;
        }

        @Override
        public void triggerCheckpoint(TriggerCheckpoint trigger) {
            worker().triggerCheckpoint(trigger);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            worker().notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) {
            worker().notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void finish() {
            worker().finish();
        }

        @Override
        public void cancel() {
            worker().cancel();
        }
    }

    /** The user's code and graph; throws what loading or building them threw. */
    PreparedJob job() throws Exception {
        try {
            return job.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception exception) {
                throw exception;
            }
            throw (Error) e.getCause();
        }
    }

    private static ObjectStore openStore(WorkerConfig config, Worker.StoreOpener opener) {
        long start = System.nanoTime();
        try {
            ObjectStore store = opener.open(config.storageUri(), config.s3());
            LOG.debug("checkpoint storage opened in {} ms", (System.nanoTime() - start) / 1_000_000);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint storage " + config.storageUri(), e);
        }
    }

    /** Completes {@code result} with the job's code and graph, or with what loading or building them threw. */
    private static void buildJob(WorkerConfig config, CompletableFuture<PreparedJob> result) {
        UserCode code = null;
        try {
            code = UserCode.open(jobJar(config));
            JobGraph graph = code.buildGraph(code.jobDefinition(config.jobClass()), config.parallelism(),
                    config.maxParallelism(), new JobArgs(config.jobArgs()));
            result.complete(new PreparedJob(code, graph));
        } catch (Exception | Error e) {
            if (code != null) {
                code.close();
            }
            result.completeExceptionally(e);
        }
    }

    /** The job jar, downloaded or checked; null when the job class is on the worker's class path. */
    private static LocalJobJar jobJar(WorkerConfig config) throws IOException {
        if (config.jobJarUri() == null) {
            return null;
        }
        return new JobJarResolver(config.s3(), config.jobJarCacheDir()).resolve(config.jobJarUri(), config.jobJarSha256());
    }

}
