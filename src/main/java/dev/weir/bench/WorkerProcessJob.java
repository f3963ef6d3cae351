package dev.weir.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.local.InProcessDeployer;
import dev.weir.local.WorkerProcessDeployer;
import dev.weir.local.WorkerStorage;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * keyed-count as worker processes under a job master (exactly-once checkpoints every second to a
 * local directory, the default restart policy), running in the background: what the benchmarks
 * that watch the workers themselves (kills, start-up, memory) start.
 */
final class WorkerProcessJob implements AutoCloseable {

    final WorkerProcessDeployer deployer;
    private final CheckpointStorage storage;
    private final CoordinatorServer server;
    private final JobMaster master;
    private final CompletableFuture<?> running;

    private WorkerProcessJob(WorkerProcessDeployer deployer, CheckpointStorage storage, CoordinatorServer server,
                             JobMaster master) {
        this.deployer = deployer;
        this.storage = storage;
        this.server = server;
        this.master = master;
        this.running = CompletableFuture.runAsync(() -> {
            try {
                master.run(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Starts keyed-count with {@code args} on {@code parallelism} workers, heap state; state and logs below {@code dir}. */
    static WorkerProcessJob start(String name, Path dir, Map<String, String> args, int parallelism,
                                  WorkerProcessDeployer.Settings settings, JobMetrics metrics,
                                  JobMasterListener listener) throws Exception {
        return start(name, dir, args, parallelism, StateBackendSettings.HEAP, settings, metrics, listener);
    }

    /** Starts keyed-count with {@code args} on {@code parallelism} workers; state and logs below {@code dir}. */
    static WorkerProcessJob start(String name, Path dir, Map<String, String> args, int parallelism,
                                  StateBackendSettings stateBackend, WorkerProcessDeployer.Settings settings,
                                  JobMetrics metrics, JobMasterListener listener) throws Exception {
        String base = "bench/default/" + name;
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("store")), base);
        CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(name,
                    "dev.weir.examples.KeyedCountJob", new JobArgs(args), parallelism, 128,
                    CheckpointingMode.EXACTLY_ONCE).withStateBackend(stateBackend);
            WorkerProcessDeployer deployer = new WorkerProcessDeployer(job,
                    new WorkerStorage(dir.resolve("store").toString(), base, null), server, settings, metrics);
            JobMaster master = new JobMaster(new JobMaster.Settings(name, parallelism, 128,
                    new CheckpointConfig(1000, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3),
                    RestartStrategy.Settings.DEFAULT), storage, deployer, Clock.system(), listener);
            return new WorkerProcessJob(deployer, storage, server, master);
        } catch (Exception e) {
            server.close();
            storage.close();
            throw e;
        }
    }

    /** Cancels the job and waits until its workers stopped. */
    void cancel() {
        master.cancel();
        running.join();
    }

    @Override
    public void close() throws IOException {
        // Also when the benchmark failed before it canceled the job: a job master left running would
        // restart the job into the directory the benchmark deletes next, and keep the JVM alive.
        master.cancel();
        try {
            running.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the job's own failure, reported where it happened; closing goes on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (CheckpointStorage closing = storage) {
            deployer.close();
            server.close();
        }
    }
}
