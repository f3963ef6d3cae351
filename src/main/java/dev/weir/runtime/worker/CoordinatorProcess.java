package dev.weir.runtime.worker;

import java.util.Optional;

/**
 * The coordinator's process when it runs on this machine and nothing takes over when it ends
 * ({@code weir local}, {@link WorkerVariable#COORDINATOR_PID}): a worker, running or standing by,
 * has nothing left to work for once it is gone.
 */
final class CoordinatorProcess {

    private final long pid;
    private final Optional<ProcessHandle> handle;

    /** @param pid the coordinator's process id; 0: not on this machine (nothing to watch) */
    CoordinatorProcess(long pid) {
        this.pid = pid;
        this.handle = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
    }

    /** True once a watched coordinator process has ended (or was never found); never for an unwatched one. */
    boolean ended() {
        return pid > 0 && handle.map(p -> !p.isAlive()).orElse(true);
    }

    long pid() {
        return pid;
    }
}
