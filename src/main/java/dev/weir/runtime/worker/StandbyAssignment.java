package dev.weir.runtime.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a standby worker waits for its assignment: one line on its standard input
 * ({@link WorkerAssignment#toLine()}), written by the deployer that started it. It stops waiting,
 * with nothing to run, when that input ends (its deployer is gone) or when the coordinator's
 * process on this machine has ended: a standby worker never outlives {@code weir local}.
 */
public final class StandbyAssignment {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyAssignment.class);
    private static final long WATCH_INTERVAL_MS = 200;

    private StandbyAssignment() {}

    /**
     * Waits for the assignment; empty when there will be none.
     *
     * @param coordinatorPid the coordinator's process on this machine; 0: not watched
     * @throws IllegalArgumentException when the line is not an assignment
     */
    public static Optional<WorkerAssignment> await(InputStream in, long coordinatorPid) throws InterruptedException {
        CompletableFuture<Optional<String>> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                line.complete(Optional.ofNullable(
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine()));
            } catch (IOException e) {
                LOG.warn("standby worker: cannot read its assignment: {}", e.toString());
                line.complete(Optional.empty());
            }
        }, "weir-standby-assignment");
        reader.setDaemon(true);
        reader.start();
        CoordinatorProcess coordinator = new CoordinatorProcess(coordinatorPid);
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weir-standby-watch");
            t.setDaemon(true);
            return t;
        });
        watch.scheduleWithFixedDelay(() -> {
            if (coordinator.ended()) {
                LOG.info("standby worker: the coordinator's process {} has ended", coordinator.pid());
                line.complete(Optional.empty());
            }
        }, 0, WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
        try {
            Optional<String> received = line.get();
            if (received.isEmpty()) {
                LOG.info("standby worker: no assignment will come; exiting");
                return Optional.empty();
            }
            return Optional.of(WorkerAssignment.fromLine(received.get()));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            watch.shutdownNow();
        }
    }
}
