package dev.weir.runtime.dataflow.windowing;

import java.time.Duration;

import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.CoGroupFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.FlatJoinFunction;
import dev.weir.runtime.dataflow.functions.JoinFunction;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The window join of two streams (an inner join per key and window), as Flink's:
 * {@code a.join(b).where(keyOfA, keyType).equalTo(keyOfB).window(assigner).apply(JoinFunction)}.
 * When a window fires, the function runs once for every pair of a record of each stream with
 * equal keys in that window; a window with records of one stream only gives nothing. It is the
 * {@link CoGroupedStreams coGroup} of the two streams with a function that pairs the two sides.
 */
public final class JoinedStreams<A, B> {

    private final CoGroupedStreams<A, B> coGroup;

    public JoinedStreams(CoGroupedStreams<A, B> coGroup) {
        this.coGroup = coGroup;
    }

    /** The first stream's key; keys of both streams must be of this type and written with {@code keySerializer}. */
    public <K> Where<K> where(KeySelector<A, K> keySelector, TypeSerializer<K> keySerializer) {
        return new Where<>(coGroup.where(keySelector, keySerializer));
    }

    /** The first stream's key, of a type whose serializer is derived. */
    public <K> Where<K> where(KeySelector<A, K> keySelector, Class<K> keyType) {
        return new Where<>(coGroup.where(keySelector, keyType));
    }

    /** The first stream's key is set; give the second's. */
    public final class Where<K> {
        private final CoGroupedStreams<A, B>.Where<K> where;

        private Where(CoGroupedStreams<A, B>.Where<K> where) {
            this.where = where;
        }

        public EqualTo equalTo(KeySelector<B, K> secondKey) {
            CoGroupedStreams<A, B>.Where<K>.EqualTo equalTo = where.equalTo(secondKey);
            return new EqualTo(equalTo);
        }

        /** Both keys are set; give the windows. */
        public final class EqualTo {
            private final CoGroupedStreams<A, B>.Where<K>.EqualTo equalTo;

            private EqualTo(CoGroupedStreams<A, B>.Where<K>.EqualTo equalTo) {
                this.equalTo = equalTo;
            }

            /** Tumbling, sliding or session windows, on event or processing time. */
            public WithWindow<A, B, K> window(WindowAssigner assigner) {
                return new WithWindow<>(equalTo.window(assigner));
            }
        }
    }

    /** Keys and windows are set: optionally lateness and late-data outputs, then the join function. */
    public static final class WithWindow<A, B, K> {
        private final CoGroupedStreams.WithWindow<A, B, K> coGroup;

        private WithWindow(CoGroupedStreams.WithWindow<A, B, K> coGroup) {
            this.coGroup = coGroup;
        }

        /** As {@link CoGroupedStreams.WithWindow#allowedLateness}: a late pair fires the window again. */
        public WithWindow<A, B, K> allowedLateness(Duration lateness) {
            coGroup.allowedLateness(lateness);
            return this;
        }

        /** First-stream records too late for every window they belong to go to {@code tag}. */
        public WithWindow<A, B, K> sideOutputLeftLateData(OutputTag<A> tag) {
            coGroup.sideOutputLeftLateData(tag);
            return this;
        }

        /** Second-stream records too late for every window they belong to go to {@code tag}. */
        public WithWindow<A, B, K> sideOutputRightLateData(OutputTag<B> tag) {
            coGroup.sideOutputRightLateData(tag);
            return this;
        }

        /** Emits {@code function}'s result for every pair, when their window fires. */
        public <O> DataStream<O> apply(JoinFunction<A, B, O> function) {
            if (function == null) {
                throw new IllegalArgumentException("the join function must not be null");
            }
            return apply((FlatJoinFunction<A, B, O>) (first, second, out) -> out.collect(function.join(first, second)));
        }

        /** Calls {@code function} for every pair, when their window fires; it may emit any number of records. */
        public <O> DataStream<O> apply(FlatJoinFunction<A, B, O> function) {
            if (function == null) {
                throw new IllegalArgumentException("the join function must not be null");
            }
            return coGroup.apply(new Pairing<>(function));
        }
    }

    /** The coGroup function of a join: every record of the first side with every one of the second. */
    record Pairing<A, B, O>(FlatJoinFunction<A, B, O> function) implements CoGroupFunction<A, B, O> {
        @Override
        public void coGroup(Iterable<A> first, Iterable<B> second, Collector<O> out) throws Exception {
            for (A a : first) {
                for (B b : second) {
                    function.join(a, b, out);
                }
            }
        }
    }
}
