package dev.weir.operator.runtime;

import dev.weir.coordinator.AttemptFailure;

/**
 * What the coordinator of one attempt has seen.
 *
 * @param registeredWorkers workers that registered (or re-registered after a takeover) and are heard from
 * @param failure why the attempt must end (task failure, silent worker, too many failed checkpoints,
 *     or one no restart heals); null while healthy
 * @param finished every task finished after the final checkpoint committed all output
 * @param lastCheckpoint the latest checkpoint this coordinator completed; null if none yet
 * @param checkpoints whether its checkpoints keep completing
 */
public record AttemptView(boolean hosted, int registeredWorkers, AttemptFailure failure, boolean finished,
                          SnapshotInfo lastCheckpoint, CheckpointHealth checkpoints) {

    public static final AttemptView NOT_HOSTED = new AttemptView(false, 0, null, false, null,
            CheckpointHealth.NOT_RUNNING);
}
