package dev.weir.runtime.dataflow;

import java.time.Duration;
import java.util.List;

import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;

/**
 * An event-time interval join of two keyed streams ({@code left.intervalJoin(right)}): a left record
 * at time {@code l} pairs with every right record of the same key at a time {@code r} with
 * {@code l + lower <= r <= l + upper}, both bounds inclusive unless made exclusive. Records wait in
 * keyed state (so they survive failures and rescaling) until the watermark has passed the last time
 * a partner could come; records at or behind the watermark are late: dropped, or emitted to a side
 * output ({@link Joined#sideOutputLeftLateData}).
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

    /** A join with its interval: optionally exclusive bounds and late-data outputs, then the function that gets the pairs. */
    public final class Joined {
        private final long lower;
        private final long upper;
        private boolean lowerExclusive;
        private boolean upperExclusive;
        private OutputTag<L> leftLateData;
        private OutputTag<R> rightLateData;

        private Joined(long lower, long upper) {
            this.lower = lower;
            this.upper = upper;
        }

        /** Pairs need {@code l + lower < r} (Flink's lowerBoundExclusive). */
        public Joined lowerBoundExclusive() {
            this.lowerExclusive = true;
            return this;
        }

        /** Pairs need {@code r < l + upper}. */
        public Joined upperBoundExclusive() {
            this.upperExclusive = true;
            return this;
        }

        /**
         * Left records at or behind the watermark (late: they may have missed partners already
         * dropped) go to the side output {@code tag}, read with {@code getSideOutput(tag)} on the
         * join's stream, instead of being dropped.
         */
        public Joined sideOutputLeftLateData(OutputTag<L> tag) {
            this.leftLateData = requireTag(tag);
            return this;
        }

        /** As {@link #sideOutputLeftLateData}, for the right input's late records. */
        public Joined sideOutputRightLateData(OutputTag<R> tag) {
            this.rightLateData = requireTag(tag);
            return this;
        }

        public <O> DataStream<O> process(ProcessJoinFunction<L, R, O> function) {
            if (function == null) {
                throw new IllegalArgumentException("the join function must not be null");
            }
            // Times are whole milliseconds: an exclusive bound is the inclusive one a millisecond inside.
            long from = lowerExclusive ? lower + 1 : lower;
            long to = upperExclusive ? upper - 1 : upper;
            if (from > to) {
                throw new IllegalArgumentException("interval join: the interval " + (lowerExclusive ? "(" : "[") + lower
                        + ", " + upper + (upperExclusive ? ")" : "]") + " ms holds no time, so nothing would ever pair");
            }
            return new DataStream<>(env, env.addNode(null, new StreamNode.IntervalJoinKind(function, from, to,
                            leftLateData, rightLateData),
                    List.of(new StreamNode.Input(left.inputNode(), left.partitioning(), 0),
                            new StreamNode.Input(right.inputNode(), right.partitioning(), 1))));
        }
    }

    private static <T> OutputTag<T> requireTag(OutputTag<T> tag) {
        if (tag == null) {
            throw new IllegalArgumentException("the late data output tag must not be null");
        }
        return tag;
    }
}
