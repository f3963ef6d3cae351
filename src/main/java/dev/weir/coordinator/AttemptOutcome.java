package dev.weir.coordinator;

/** How one attempt ended. */
public sealed interface AttemptOutcome {

    /** Every task finished after the final checkpoint committed all output. */
    record Finished() implements AttemptOutcome {}

    /** The attempt cannot go on; a host restarts the job unless the failure is unrecoverable. */
    record Failed(AttemptFailure failure) implements AttemptOutcome {}

    /** Stopped on request; {@code reason} says why when it is worth saying (a failed savepoint). */
    record Canceled(String reason) implements AttemptOutcome {}

    /** Stopped after a savepoint, to be resumed from it. */
    record Suspended(CompletedCheckpointStats savepoint) implements AttemptOutcome {}
}
