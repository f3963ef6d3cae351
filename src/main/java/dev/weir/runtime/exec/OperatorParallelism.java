package dev.weir.runtime.exec;

import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Checks each operator's parallelism ({@link StreamEnvironment#parallelismOf}) against what can
 * run. The workers are the slots (subtask i of every operator runs on worker i), so no operator
 * may be wider than the job, and a keyed one no wider than its key groups. Widths that can never
 * run are refused as a configuration error naming the operator: the fix is the job's code or
 * {@code spec.job.parallelism}.
 */
final class OperatorParallelism {

    private final StreamEnvironment env;
    private int widest;

    OperatorParallelism(StreamEnvironment env) {
        this.env = env;
    }

    /** The node's parallelism, once checked. */
    int of(StreamNode node) {
        int parallelism = env.parallelismOf(node);
        if (node.declaredParallelism() > 0) {
            refuseIfTooWide(node, parallelism);
        }
        widest = Math.max(widest, parallelism);
        return parallelism;
    }

    private void refuseIfTooWide(StreamNode node, int parallelism) {
        if (isKeyed(node) && parallelism > env.maxParallelism()) {
            throw refused("operator '" + node.uid() + "' is keyed and has parallelism " + parallelism + ", more than"
                    + " its maxParallelism " + env.maxParallelism() + " (the number of key groups): every subtask"
                    + " must own at least one key group");
        }
        if (parallelism > env.parallelism()) {
            throw refused("operator '" + node.uid() + "' has parallelism " + parallelism + " (setParallelism), more"
                    + " than the job's parallelism " + env.parallelism() + " (spec.job.parallelism): subtask i of every"
                    + " operator runs on worker i, so an operator is at most as wide as the job; raise"
                    + " spec.job.parallelism or lower the operator's parallelism");
        }
    }

    /**
     * A worker whose index no operator reaches would run nothing: every operator has been set
     * below the job's parallelism.
     */
    void requireSomeOperatorAtJobParallelism() {
        if (widest > 0 && widest < env.parallelism()) {
            throw refused("every operator has a parallelism of at most " + widest + " (setParallelism), below the"
                    + " job's parallelism " + env.parallelism() + " (spec.job.parallelism): workers " + widest + ".."
                    + (env.parallelism() - 1) + " would run nothing; set spec.job.parallelism to " + widest);
        }
    }

    private static boolean isKeyed(StreamNode node) {
        return node.inputs().stream().anyMatch(input -> input.partitioning() instanceof Partitioning.KeyBy<?, ?>);
    }

    private static UnrecoverableJobException refused(String message) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, message);
    }
}
