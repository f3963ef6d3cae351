package dev.weir.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.runtime.storage.CheckpointStorage;

/**
 * What failure tests watch of a running job: the current attempt, checkpoints completed, the first
 * restart's cause, when it was decided (System.nanoTime) and after which backoff; given the job's
 * checkpoint storage, also how many completed checkpoints carried in-flight records (unaligned
 * checkpoints that overtook data).
 */
public final class JobCounters implements JobMasterListener {

    public final AtomicLong attempts = new AtomicLong();
    public final AtomicLong completed = new AtomicLong();
    public final AtomicLong withChannelState = new AtomicLong();
    public final AtomicReference<String> firstRestartCause = new AtomicReference<>();
    public final AtomicLong firstRestartNanos = new AtomicLong();
    public final AtomicLong firstRestartDelayMs = new AtomicLong(-1);
    private final CheckpointStorage storage;

    public JobCounters() {
        this(null);
    }

    /** @param storage where completed checkpoints' metadata is read to count those with channel state */
    public JobCounters(CheckpointStorage storage) {
        this.storage = storage;
    }

    @Override
    public void onAttemptStarted(long attempt, String restoredFrom) {
        attempts.set(attempt);
    }

    @Override
    public void onCheckpointCompleted(CompletedCheckpointStats stats) {
        if (storage != null && carriesInFlightRecords(storage, stats)) {
            withChannelState.incrementAndGet();
        }
        completed.incrementAndGet();
    }

    /** Whether a completed checkpoint persisted in-flight records (read from its {@code _metadata}). */
    public static boolean carriesInFlightRecords(CheckpointStorage storage, CompletedCheckpointStats stats) {
        try {
            return storage.readMetadata(stats.location()).channelStateRecords() > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onRestarting(long nextAttempt, String cause, long delayMs) {
        if (firstRestartCause.compareAndSet(null, cause)) {
            firstRestartNanos.set(System.nanoTime());
            firstRestartDelayMs.set(delayMs);
        }
    }
}
