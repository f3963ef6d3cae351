package dev.weir.runtime.dataflow.windowing;

import java.time.Duration;

import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.CoGroupFunction;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * Two streams grouped by key and window (Flink's {@code coGroup}):
 * {@code a.coGroup(b).where(keyOfA, keyType).equalTo(keyOfB).window(assigner).apply(CoGroupFunction)}.
 * When a window fires, the function gets, per key, all records of each input in that window (one
 * side may be empty). It runs as a keyed connect of the two streams, keyed by the two selectors:
 * window contents are keyed state (written with each stream's serializer), checkpointed and
 * rescaled by key group; event-time windows fire when the minimum watermark of both inputs passes.
 */
public final class CoGroupedStreams<A, B> {

    private final DataStream<A> first;
    private final DataStream<B> second;
    private final TypeSerializer<A> firstSerializer;
    private final TypeSerializer<B> secondSerializer;

    /** @param firstSerializer writes the first stream's records into the window state; likewise {@code secondSerializer} */
    public CoGroupedStreams(DataStream<A> first, DataStream<B> second, TypeSerializer<A> firstSerializer,
                            TypeSerializer<B> secondSerializer) {
        if (first == null || second == null || firstSerializer == null || secondSerializer == null) {
            throw new IllegalArgumentException("both streams and their serializers are required: window contents are"
                    + " checkpointed");
        }
        this.first = first;
        this.second = second;
        this.firstSerializer = firstSerializer;
        this.secondSerializer = secondSerializer;
    }

    /** The first stream's key; keys of both streams must be of this type and written with {@code keySerializer}. */
    public <K> Where<K> where(KeySelector<A, K> keySelector, TypeSerializer<K> keySerializer) {
        if (keySelector == null || keySerializer == null) {
            throw new IllegalArgumentException("where(...): the key selector and the key serializer are required");
        }
        return new Where<>(keySelector, keySerializer);
    }

    /** The first stream's key, of a type whose serializer is derived ({@link Types#of}). */
    public <K> Where<K> where(KeySelector<A, K> keySelector, Class<K> keyType) {
        return where(keySelector, Types.of(keyType));
    }

    /** The first stream's key is set; give the second's. */
    public final class Where<K> {
        private final KeySelector<A, K> firstKey;
        private final TypeSerializer<K> keySerializer;

        private Where(KeySelector<A, K> firstKey, TypeSerializer<K> keySerializer) {
            this.firstKey = firstKey;
            this.keySerializer = keySerializer;
        }

        /** The second stream's key: records of both with equal keys meet. */
        public EqualTo equalTo(KeySelector<B, K> secondKey) {
            if (secondKey == null) {
                throw new IllegalArgumentException("equalTo(...): the key selector is required");
            }
            return new EqualTo(secondKey);
        }

        /** Both keys are set; give the windows. */
        public final class EqualTo {
            private final KeySelector<B, K> secondKey;

            private EqualTo(KeySelector<B, K> secondKey) {
                this.secondKey = secondKey;
            }

            /** Tumbling, sliding or session windows, on event or processing time. */
            public WithWindow<A, B, K> window(WindowAssigner assigner) {
                if (assigner == null) {
                    throw new IllegalArgumentException("the window assigner must not be null");
                }
                return new WithWindow<>(CoGroupedStreams.this, firstKey, secondKey, keySerializer, assigner);
            }
        }
    }

    /** Keys and windows are set: optionally lateness and late-data outputs, then the function. */
    public static final class WithWindow<A, B, K> {
        private final CoGroupedStreams<A, B> streams;
        private final KeySelector<A, K> firstKey;
        private final KeySelector<B, K> secondKey;
        private final TypeSerializer<K> keySerializer;
        private final WindowAssigner assigner;
        private long allowedLateness;
        private OutputTag<A> firstLateData;
        private OutputTag<B> secondLateData;

        private WithWindow(CoGroupedStreams<A, B> streams, KeySelector<A, K> firstKey, KeySelector<B, K> secondKey,
                           TypeSerializer<K> keySerializer, WindowAssigner assigner) {
            this.streams = streams;
            this.firstKey = firstKey;
            this.secondKey = secondKey;
            this.keySerializer = keySerializer;
            this.assigner = assigner;
        }

        /**
         * Keeps each event-time window this long after it fired, as {@link WindowedStream#allowedLateness}:
         * a record behind the watermark but within it fires the window again, with the record added.
         */
        public WithWindow<A, B, K> allowedLateness(Duration lateness) {
            this.allowedLateness = WindowLateness.allowed(assigner, lateness);
            return this;
        }

        /**
         * Sends first-stream records too late for every window they belong to (behind the watermark
         * by more than the allowed lateness) to {@code tag}, read with {@code getSideOutput(tag)} on
         * the result, instead of dropping them.
         */
        public WithWindow<A, B, K> sideOutputLeftLateData(OutputTag<A> tag) {
            this.firstLateData = WindowLateness.sideOutput(assigner, tag);
            return this;
        }

        /** As {@link #sideOutputLeftLateData}, for the second stream's late records. */
        public WithWindow<A, B, K> sideOutputRightLateData(OutputTag<B> tag) {
            this.secondLateData = WindowLateness.sideOutput(assigner, tag);
            return this;
        }

        /** Calls {@code function} once per key and window when the window fires. */
        public <O> DataStream<O> apply(CoGroupFunction<A, B, O> function) {
            if (function == null) {
                throw new IllegalArgumentException("the coGroup function must not be null");
            }
            return streams.first.keyBy(firstKey, keySerializer)
                    .connect(streams.second.keyBy(secondKey, keySerializer))
                    .process(new WindowCoGroupFunction<>(assigner, streams.firstSerializer, streams.secondSerializer,
                            function, allowedLateness, firstLateData, secondLateData));
        }
    }
}
