package dev.weir.operator.reconcile;

import dev.weir.operator.runtime.SavepointState;

/**
 * What carrying out a decision produced, for the status builder.
 *
 * @param deployedAttempt the attempt now deployed (0 when none was deployed by this reconcile)
 * @param restoredFrom what the deployed attempt restores from (null: empty state)
 * @param savepoint the state of the savepoint the decision asked for; null when none
 * @param problem a reason the action could not be done (unknown job class, storage down); null when it was
 * @param problemMessage user-facing details for {@code problem}
 */
public record ActResult(long deployedAttempt, String restoredFrom, SavepointState savepoint,
                        ReadyReason problem, String problemMessage) {

    public static final ActResult NOTHING = new ActResult(0, null, null, null, null);

    static ActResult deployed(long attempt, String restoredFrom) {
        return new ActResult(attempt, restoredFrom, null, null, null);
    }

    static ActResult savepoint(SavepointState state) {
        return new ActResult(0, null, state, null, null);
    }

    static ActResult problem(ReadyReason reason, String message) {
        return new ActResult(0, null, null, reason, message);
    }

    ActResult withSavepoint(SavepointState state) {
        return new ActResult(deployedAttempt, restoredFrom, state, problem, problemMessage);
    }
}
