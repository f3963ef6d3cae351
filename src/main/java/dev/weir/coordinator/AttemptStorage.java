package dev.weir.coordinator;

import java.io.IOException;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;

/**
 * Reads what the next attempt needs from checkpoint storage: its number, the latest completed
 * checkpoint and the highest checkpoint id. While storage cannot be reached it waits and tries
 * again, with backoff and without limit, telling the listener, rather than start an attempt that
 * could only fail (its tasks restore from storage) or one that would restore older state than
 * storage holds. Only a stop request ends the wait.
 */
final class AttemptStorage {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptStorage.class);
    static final long INITIAL_RETRY_MS = 1_000;
    static final long MAX_RETRY_MS = 10_000;

    /** What storage says before an attempt. */
    record Start(long attempt, Optional<CompletedCheckpointRef> latest, long highestCheckpointIdSeen) {}

    /** Waits out a retry delay; true when a stop request ended the wait instead. */
    @FunctionalInterface
    interface StopWaiter {
        boolean await(long delayMs) throws InterruptedException;
    }

    /** How long storage was unavailable when a stop request ended the wait, and why. */
    record Unavailable(long forMs, String problem) {}

    private final String jobName;
    private final CheckpointStorage storage;
    private final Clock clock;
    private final JobMasterListener listener;
    private final long initialRetryMs;
    private final long maxRetryMs;
    private Unavailable unavailable;

    AttemptStorage(String jobName, CheckpointStorage storage, Clock clock, JobMasterListener listener,
                   long initialRetryMs, long maxRetryMs) {
        this.jobName = jobName;
        this.storage = storage;
        this.clock = clock;
        this.listener = listener;
        this.initialRetryMs = initialRetryMs;
        this.maxRetryMs = maxRetryMs;
    }

    /**
     * Claims the attempt after {@code previousAttempt} (attempt numbers grow across processes too: see
     * {@link CheckpointStorage#claimNextAttempt}) and reads the latest checkpoint. Empty when a stop
     * request came while storage was unavailable; {@link #lastUnavailable()} then says for how long.
     */
    Optional<Start> read(long previousAttempt, StopWaiter stop) throws InterruptedException {
        long since = -1;
        long retryMs = initialRetryMs;
        while (true) {
            try {
                long attempt = Math.max(previousAttempt + 1, storage.claimNextAttempt());
                Optional<CompletedCheckpointRef> latest = storage.findLatestCompleted();
                Start start = new Start(attempt, latest, storage.highestCheckpointIdSeen());
                if (since >= 0) {
                    long forMs = clock.millis() - since;
                    LOG.info("job {}: checkpoint storage {} is available again after {} ms", jobName,
                            storage.store().describe(), forMs);
                    listener.onStorageAvailable(forMs);
                }
                return Optional.of(start);
            } catch (IOException e) {
                long now = clock.millis();
                since = since < 0 ? now : since;
                String problem = e.getMessage() == null ? e.toString() : e.getMessage();
                unavailable = new Unavailable(now - since, problem);
                LOG.warn("job {}: checkpoint storage {} is unavailable ({} ms so far): {}; trying again in {} ms",
                        jobName, storage.store().describe(), now - since, problem, retryMs);
                listener.onStorageUnavailable(problem, now - since, retryMs);
                if (stop.await(retryMs)) {
                    unavailable = new Unavailable(clock.millis() - since, problem);
                    return Optional.empty();
                }
                retryMs = Math.min(maxRetryMs, retryMs * 2);
            }
        }
    }

    /** The last time storage could not be read, for the message of a job stopped meanwhile. */
    Unavailable lastUnavailable() {
        return unavailable;
    }
}
