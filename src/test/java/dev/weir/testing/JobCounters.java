package dev.weir.testing;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;

/**
 * What failure tests watch of a running job: the current attempt, checkpoints completed, the first
 * restart's cause, when it was decided (System.nanoTime) and after which backoff.
 */
public final class JobCounters implements JobMasterListener {

    public final AtomicLong attempts = new AtomicLong();
    public final AtomicLong completed = new AtomicLong();
    public final AtomicReference<String> firstRestartCause = new AtomicReference<>();
    public final AtomicLong firstRestartNanos = new AtomicLong();
    public final AtomicLong firstRestartDelayMs = new AtomicLong(-1);

    @Override
    public void onAttemptStarted(long attempt, String restoredFrom) {
        attempts.set(attempt);
    }

    @Override
    public void onCheckpointCompleted(CompletedCheckpointStats stats) {
        completed.incrementAndGet();
    }

    @Override
    public void onRestarting(long nextAttempt, String cause, long delayMs) {
        if (firstRestartCause.compareAndSet(null, cause)) {
            firstRestartNanos.set(System.nanoTime());
            firstRestartDelayMs.set(delayMs);
        }
    }
}
