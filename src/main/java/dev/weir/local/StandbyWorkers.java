package dev.weir.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spare worker processes of one job, started before they are needed so that a restart does not
 * wait for new JVMs: each spare has loaded the job and waits for its assignment. A spare is only
 * ever handed out for the job inputs it was started with ({@code I}: what its command line and
 * job-level environment were); one started for other inputs (another parallelism, another jar) is
 * stopped instead. A spare that dies while it waits is replaced, after a pause that grows while
 * spares keep dying (a JVM that cannot start must not be restarted in a tight loop). Closing the
 * pool stops every spare it holds.
 *
 * @param <I> the job inputs a spare is started with; compared with {@link Object#equals}
 */
final class StandbyWorkers<I> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyWorkers.class);
    static final Duration FIRST_REPLACEMENT_PAUSE = Duration.ofMillis(500);
    static final Duration LONGEST_REPLACEMENT_PAUSE = Duration.ofSeconds(60);

    /** Starts one standby worker process for {@code inputs}, its output going to {@code log}. */
    @FunctionalInterface
    interface Launcher<I> {
        Process launch(I inputs, Path log) throws IOException;
    }

    /** A spare: its number (in its log's name), its process, the inputs it was started with, its log. */
    record Spare<I>(int number, Process process, I inputs, Path log) {}

    private final int target;
    private final Path logDir;
    private final Launcher<I> launcher;
    private final ScheduledExecutorService starter;
    private final List<Spare<I>> spares = new ArrayList<>();
    private int started;
    private int consecutiveDeaths;
    private boolean closed;

    /**
     * @param target how many spares to keep
     * @param logDir where spare {@code n} writes {@code standby-<n>.log}
     */
    StandbyWorkers(int target, Path logDir, Launcher<I> launcher) {
        if (target < 0) {
            throw new IllegalArgumentException("standby workers must be 0 or more, not " + target);
        }
        this.target = target;
        this.logDir = logDir;
        this.launcher = launcher;
        this.starter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weir-standby-workers");
            t.setDaemon(true);
            return t;
        });
    }

    int target() {
        return target;
    }

    /**
     * Takes a live spare started for {@code inputs} out of the pool; spares started for other
     * inputs are stopped and dropped. Empty when there is none.
     */
    synchronized Optional<Spare<I>> take(I inputs) {
        Iterator<Spare<I>> each = spares.iterator();
        while (each.hasNext()) {
            Spare<I> spare = each.next();
            if (!spare.process().isAlive()) {
                each.remove();
            } else if (!spare.inputs().equals(inputs)) {
                LOG.info("standby worker {} (pid {}) was started for other job inputs; stopping it", spare.number(),
                        spare.process().pid());
                each.remove();
                spare.process().destroy();
            }
        }
        if (spares.isEmpty()) {
            return Optional.empty();
        }
        consecutiveDeaths = 0;
        return Optional.of(spares.remove(0));
    }

    /** Starts spares for {@code inputs} in the background until the pool holds {@link #target()}. */
    void refill(I inputs) {
        schedule(inputs, Duration.ZERO);
    }

    /** The spares' processes now, oldest first. */
    synchronized List<ProcessHandle> processes() {
        return spares.stream().map(s -> s.process().toHandle()).toList();
    }

    @Override
    public void close() {
        List<Spare<I>> stopping;
        synchronized (this) {
            closed = true;
            stopping = List.copyOf(spares);
            spares.clear();
        }
        starter.shutdownNow();
        stopping.forEach(spare -> spare.process().destroy());
    }

    private void schedule(I inputs, Duration delay) {
        synchronized (this) {
            if (closed || target == 0) {
                return;
            }
        }
        starter.schedule(() -> fill(inputs), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fill(I inputs) {
        while (true) {
            int number;
            Path log;
            synchronized (this) {
                if (closed || spares.size() >= target) {
                    return;
                }
                // An earlier run's logs (same --state-dir) are left as they are.
                do {
                    number = ++started;
                    log = logDir.resolve("standby-" + number + ".log");
                } while (Files.exists(log));
            }
            Process process;
            try {
                process = launcher.launch(inputs, log);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot start standby worker {}: {}", number, e.toString());
                return;
            }
            Spare<I> spare = new Spare<>(number, process, inputs, log);
            boolean keep;
            synchronized (this) {
                keep = !closed;
                if (keep) {
                    spares.add(spare);
                }
            }
            if (!keep) {
                process.destroy();
                return;
            }
            process.onExit().thenRun(() -> died(spare));
        }
    }

    /** A spare exited: if it was still waiting in the pool, it is replaced after a pause. */
    private void died(Spare<I> spare) {
        Duration pause;
        synchronized (this) {
            if (closed || !spares.remove(spare)) {
                return;
            }
            consecutiveDeaths++;
            long millis = FIRST_REPLACEMENT_PAUSE.toMillis() << Math.min(consecutiveDeaths - 1, 20);
            pause = Duration.ofMillis(Math.min(millis, LONGEST_REPLACEMENT_PAUSE.toMillis()));
        }
        LOG.warn("standby worker {} (pid {}) exited with code {} while waiting (see {}); replacing it in {} ms",
                spare.number(), spare.process().pid(), spare.process().exitValue(), spare.log(), pause.toMillis());
        schedule(spare.inputs(), pause);
    }
}
