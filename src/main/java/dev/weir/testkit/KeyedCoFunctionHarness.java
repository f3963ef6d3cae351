package dev.weir.testkit;

import java.time.Duration;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;
import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;
import dev.weir.runtime.exec.operators.AbstractKeyedOperator;
import dev.weir.runtime.exec.operators.IntervalJoinOperator;
import dev.weir.runtime.exec.operators.KeyedCoProcessOperator;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * {@link KeyedFunctionHarness} for a function of two keyed inputs ({@code a.keyBy(..).connect(b.keyBy(..))}):
 * a {@link KeyedCoProcessFunction}, or an interval join's {@link ProcessJoinFunction}
 * ({@link #forIntervalJoin}). Records of either input go to the subtask owning their key, where
 * both inputs share keyed state and timers; watermarks, processing time, checkpoints and restores
 * at any parallelism work as in the one-input harness.
 *
 * <pre>{@code
 * KeyedCoFunctionHarness<String, Order, Customer, String> harness = KeyedCoFunctionHarness
 *         .forFunction(Enrich::new, Order::customer, Customer::id, Types.STRING)
 *         .parallelism(2)
 *         .open();
 * harness.processElement1(new Order("o-1", "c-1"));
 * harness.restore(harness.snapshot(), 3);
 * harness.processElement2(new Customer("c-1", "NL"));
 * assertThat(harness.takeOutput()).containsExactly("o-1,NL");
 * }</pre>
 */
public final class KeyedCoFunctionHarness<K, I1, I2, O> extends AbstractKeyedHarness<K, O> {

    private final Builder<K, I1, I2, O> settings;

    private KeyedCoFunctionHarness(Builder<K, I1, I2, O> settings) {
        super(settings.maxParallelism, settings.startTime, settings.outputSerializer, settings.operators);
        this.settings = settings;
    }

    /** @param function makes one instance per subtask (and new ones on every restore) */
    public static <K, I1, I2, O> Builder<K, I1, I2, O> forFunction(
            Supplier<? extends KeyedCoProcessFunction<K, I1, I2, O>> function, KeySelector<I1, K> firstKeys,
            KeySelector<I2, K> secondKeys, TypeSerializer<K> keySerializer) {
        if (function == null) {
            throw new IllegalArgumentException("function is required");
        }
        return new Builder<>(firstKeys, secondKeys, keySerializer, (first, second) -> new KeyedCoProcessOperator(
                function.get(), first, second));
    }

    /**
     * An interval join of the first (left) and second (right) input, {@code right within [left + lower, left + upper]};
     * the buffered records are written to the checkpoint with {@code leftSerializer} and {@code rightSerializer}.
     */
    public static <K, L, R, O> Builder<K, L, R, O> forIntervalJoin(
            Supplier<? extends ProcessJoinFunction<L, R, O>> function, Duration lower, Duration upper,
            KeySelector<L, K> leftKeys, KeySelector<R, K> rightKeys, TypeSerializer<K> keySerializer,
            TypeSerializer<L> leftSerializer, TypeSerializer<R> rightSerializer) {
        return forIntervalJoin(function, lower, upper, leftKeys, rightKeys, keySerializer, leftSerializer,
                rightSerializer, null, null);
    }

    /**
     * An interval join whose late records (at or behind the watermark) go to the side outputs
     * {@code leftLateData} and {@code rightLateData} ({@link #sideOutput}); null drops them.
     */
    public static <K, L, R, O> Builder<K, L, R, O> forIntervalJoin(
            Supplier<? extends ProcessJoinFunction<L, R, O>> function, Duration lower, Duration upper,
            KeySelector<L, K> leftKeys, KeySelector<R, K> rightKeys, TypeSerializer<K> keySerializer,
            TypeSerializer<L> leftSerializer, TypeSerializer<R> rightSerializer, OutputTag<L> leftLateData,
            OutputTag<R> rightLateData) {
        if (function == null || leftSerializer == null || rightSerializer == null) {
            throw new IllegalArgumentException("function and both record serializers are required");
        }
        return new Builder<>(leftKeys, rightKeys, keySerializer, (left, right) -> new IntervalJoinOperator(
                function.get(), lower.toMillis(), upper.toMillis(), left, right, leftSerializer, rightSerializer)
                .withLateDataOutputs(leftLateData, rightLateData));
    }

    public void processElement1(I1 record) throws Exception {
        processElement1(record, RecordBatch.NO_TIMESTAMP);
    }

    /** A record of the first input with its event timestamp. */
    public void processElement1(I1 record, long timestamp) throws Exception {
        I1 delivered = SerializedCopy.of(settings.firstSerializer, record, "first input record");
        deliver(0, settings.firstKeys.getKey(record), delivered, timestamp);
    }

    public void processElement2(I2 record) throws Exception {
        processElement2(record, RecordBatch.NO_TIMESTAMP);
    }

    /** A record of the second input with its event timestamp. */
    public void processElement2(I2 record, long timestamp) throws Exception {
        I2 delivered = SerializedCopy.of(settings.secondSerializer, record, "second input record");
        deliver(1, settings.secondKeys.getKey(record), delivered, timestamp);
    }

    /** Makes the operator of one subtask from the two inputs' keyBys. */
    private interface OperatorFactory {
        AbstractKeyedOperator create(Partitioning.KeyBy<?, ?> first, Partitioning.KeyBy<?, ?> second);
    }

    /** How the harness is set up; {@link #open()} starts it. */
    public static final class Builder<K, I1, I2, O> {
        private final KeySelector<I1, K> firstKeys;
        private final KeySelector<I2, K> secondKeys;
        private final Supplier<AbstractKeyedOperator> operators;
        private int parallelism = 1;
        private int maxParallelism = KeyedFunctionHarness.DEFAULT_MAX_PARALLELISM;
        private TypeSerializer<I1> firstSerializer;
        private TypeSerializer<I2> secondSerializer;
        private TypeSerializer<O> outputSerializer;
        private long startTime;

        private Builder(KeySelector<I1, K> firstKeys, KeySelector<I2, K> secondKeys, TypeSerializer<K> keySerializer,
                        OperatorFactory factory) {
            if (firstKeys == null || secondKeys == null || keySerializer == null) {
                throw new IllegalArgumentException("both key selectors and the key serializer are required");
            }
            this.firstKeys = firstKeys;
            this.secondKeys = secondKeys;
            Partitioning.KeyBy<I1, K> first = new Partitioning.KeyBy<>(firstKeys, keySerializer);
            Partitioning.KeyBy<I2, K> second = new Partitioning.KeyBy<>(secondKeys, keySerializer);
            this.operators = () -> factory.create(first, second);
        }

        public Builder<K, I1, I2, O> parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public Builder<K, I1, I2, O> maxParallelism(int maxParallelism) {
            if (maxParallelism < 1) {
                throw new IllegalArgumentException("maxParallelism must be >= 1 (got " + maxParallelism + ")");
            }
            this.maxParallelism = maxParallelism;
            return this;
        }

        /** Records of the first input are written and read back with it, as between workers. */
        public Builder<K, I1, I2, O> firstInputSerializer(TypeSerializer<I1> serializer) {
            this.firstSerializer = serializer;
            return this;
        }

        /** Records of the second input are written and read back with it, as between workers. */
        public Builder<K, I1, I2, O> secondInputSerializer(TypeSerializer<I2> serializer) {
            this.secondSerializer = serializer;
            return this;
        }

        public Builder<K, I1, I2, O> outputSerializer(TypeSerializer<O> serializer) {
            this.outputSerializer = serializer;
            return this;
        }

        /** Processing time when the harness opens (default 0). */
        public Builder<K, I1, I2, O> startTime(long startTime) {
            this.startTime = startTime;
            return this;
        }

        public KeyedCoFunctionHarness<K, I1, I2, O> open() throws Exception {
            KeyedCoFunctionHarness<K, I1, I2, O> harness = new KeyedCoFunctionHarness<>(this);
            harness.openSubtasks(parallelism, OperatorStateRestore.NO_CHECKPOINT, new TreeMap<>());
            return harness;
        }
    }
}
