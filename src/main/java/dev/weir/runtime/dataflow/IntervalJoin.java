package dev.weir.runtime.dataflow;

import java.time.Duration;
import java.util.List;

import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;

/**
 * An event-time interval join of two keyed streams ({@code left.intervalJoin(right)}): a left record
 * at time {@code l} pairs with every right record of the same key at a time {@code r} with
 * {@code l + lower <= r <= l + upper}, both bounds inclusive. Records wait in keyed state (so they
 * survive failures and rescaling) until the watermark has passed the last time a partner could
 * come; records at or behind the watermark are late and dropped.
 */
public final class IntervalJoin<L, R, K> {

    private final StreamEnvironment env;
    private final KeyedStream<L, K> left;
    private final KeyedStream<R, K> right;

    IntervalJoin(StreamEnvironment env, KeyedStream<L, K> left, KeyedStream<R, K> right) {
        this.env = env;
        this.left = left;
        this.right = right;
    }

    /** The interval, relative to the left record's time; {@code lower} may be negative. */
    public Joined between(Duration lower, Duration upper) {
        if (lower == null || upper == null) {
            throw new IllegalArgumentException("interval join: both bounds are required");
        }
        if (lower.compareTo(upper) > 0) {
            throw new IllegalArgumentException("interval join: the lower bound " + lower + " is above the upper bound "
                    + upper);
        }
        return new Joined(lower.toMillis(), upper.toMillis());
    }

    /** A join with its interval: give it the function that gets the pairs. */
    public final class Joined {
        private final long lower;
        private final long upper;

        private Joined(long lower, long upper) {
            this.lower = lower;
            this.upper = upper;
        }

        public <O> DataStream<O> process(ProcessJoinFunction<L, R, O> function) {
            if (function == null) {
                throw new IllegalArgumentException("the join function must not be null");
            }
            return new DataStream<>(env, env.addNode(null, new StreamNode.IntervalJoinKind(function, lower, upper),
                    List.of(new StreamNode.Input(left.inputNode(), left.partitioning(), 0),
                            new StreamNode.Input(right.inputNode(), right.partitioning(), 1))));
        }
    }
}
