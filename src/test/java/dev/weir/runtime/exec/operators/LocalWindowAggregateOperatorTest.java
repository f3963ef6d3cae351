package dev.weir.runtime.exec.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.KeyValue;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.WatermarkStatus;

/**
 * The local stage of a window aggregation holds one accumulator per key and slice of event time,
 * and emits them all (each with its records' latest timestamp, in the order they were started)
 * before a watermark or a watermark status, when the chain flushes (before a barrier), at the end of
 * input and when its table is full; between those it emits nothing.
 */
class LocalWindowAggregateOperatorTest {

    private final RecordTimestamp timestamp = new RecordTimestamp();
    /** Accumulators as "key=accumulator@latest timestamp", watermarks as "W:n". */
    private final RecordingOutput output = new RecordingOutput(timestamp);
    private final List<String> emitted = output.emitted;
    private LocalWindowAggregateOperator operator;

    @BeforeEach
    void setUp() {
        operator = operator(10, 0);
    }

    private LocalWindowAggregateOperator operator(long slice, long offset) {
        return setUp(new LocalWindowAggregateOperator((String word) -> word.substring(0, 1), false, new Concatenation(),
                slice, offset));
    }

    /** Keyed by the number after the word's first letter, a Long (as with {@code Types.LONG}). */
    private LocalWindowAggregateOperator longKeyed() {
        return setUp(new LocalWindowAggregateOperator((String word) -> Long.parseLong(word.substring(1)), true,
                new Concatenation(), 10, 0));
    }

    private LocalWindowAggregateOperator setUp(LocalWindowAggregateOperator local) {
        local.setup(new OperatorContext("job", "count-local", 0, 1, 128, 1, null, null, null, null, null, null, timestamp),
                output);
        return local;
    }

    private void add(String word, long time) {
        timestamp.set(time);
        operator.collect(word);
    }

    @Test
    void combinesPerKeyAndSliceAndEmitsBeforeTheWatermark() throws Exception {
        add("apple", 3);
        add("bean", 4);
        add("avocado", 9);
        add("apricot", 12); // the next slice
        add("banana", 1);
        assertThat(emitted).isEmpty();
        assertThat(operator.held()).isEqualTo(3);

        operator.processWatermark(20);

        assertThat(emitted).containsExactly("a=apple+avocado@9", "b=bean+banana@4", "a=apricot@12", "W:20");
        assertThat(operator.held()).isZero();
    }

    @Test
    void slicesStartAtTheOffset() throws Exception {
        operator = operator(10, 5);
        add("apple", 4);
        add("avocado", 5);
        add("apricot", 14);
        add("almond", 15);
        operator.processWatermark(100);

        assertThat(emitted).containsExactly("a=apple@4", "a=avocado+apricot@14", "a=almond@15", "W:100");
    }

    /**
     * An idle status says nothing follows until the input is active again; downstream then leaves the
     * channel out of its watermark. What was held must go first, or another channel's watermark can
     * pass it and it arrives late (windows short of records when the source went idle as it ended).
     */
    @Test
    void emitsWhatItHoldsBeforeAWatermarkStatus() {
        add("apple", 3);
        add("bean", 7);

        operator.emitWatermarkStatus(WatermarkStatus.IDLE);

        assertThat(emitted).containsExactly("a=apple@3", "b=bean@7", "IDLE");
        assertThat(operator.held()).isZero();
    }

    @Test
    void aFlushBeforeABarrierEmitsEverythingAndRestoresTheRecordsTimestamp() {
        add("apple", 3);
        add("bean", 7);
        timestamp.set(42);

        operator.flushBuffered();

        assertThat(emitted).containsExactly("a=apple@3", "b=bean@7");
        assertThat(timestamp.get()).isEqualTo(42);
        operator.flushBuffered();
        assertThat(emitted).hasSize(2);
    }

    @Test
    void theEndOfInputEmitsWhatIsHeld() {
        add("apple", 3);
        operator.endInput();
        assertThat(emitted).containsExactly("a=apple@3");
    }

    @Test
    void theTableGrowsKeepingWhatItHoldsAndIsEmittedAtOnceWhenFull() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < LocalWindowAggregateOperator.MAX_ENTRIES - 1; i++) {
            add("w" + i, 10L * i);
            expected.add("w=w" + i + "@" + 10L * i);
        }
        add("w0", 9); // after the table grew: still the accumulator started first
        expected.set(0, "w=w0+w0@9");
        assertThat(emitted).isEmpty();

        add("x", 7);
        expected.add("x=x@7");

        assertThat(emitted).containsExactlyElementsOf(expected);
        assertThat(operator.held()).isZero();
        add("w1", 10); // a fresh table: a new accumulator for a key and slice it emitted before
        operator.flushBuffered();
        assertThat(emitted).hasSize(LocalWindowAggregateOperator.MAX_ENTRIES + 1).last().isEqualTo("w=w1@10");
    }

    @Test
    void longKeysCombineAsOtherKeysDoAndAreEmittedAsLongs() throws Exception {
        operator = longKeyed();
        add("a7", 3);
        add("b-2", 4);
        add("c7", 9);
        add("d7", 12); // the next slice
        add("e-2", 1);
        operator.processWatermark(20);

        assertThat(emitted).containsExactly("7=a7+c7@9", "-2=b-2+e-2@4", "7=d7@12", "W:20");
        assertThat(output.records).allSatisfy(record -> assertThat(((KeyValue<?, ?>) record).key()).isInstanceOf(Long.class));
    }

    @Test
    void aTableOfLongKeysGrowsKeepingWhatItHoldsAndIsEmittedAtOnceWhenFull() {
        operator = longKeyed();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < LocalWindowAggregateOperator.MAX_ENTRIES - 1; i++) {
            add("k" + i * 31L, 5); // one slice, distinct keys
            expected.add(i * 31L + "=k" + i * 31L + "@5");
        }
        add("x0", 6); // key 0 again, after the table grew
        expected.set(0, "0=k0+x0@6");
        assertThat(emitted).isEmpty();

        add("k-1", 7);
        expected.add("-1=k-1@7");

        assertThat(emitted).containsExactlyElementsOf(expected);
        assertThat(operator.held()).isZero();
    }

    @Test
    void aRecordWithoutATimestampIsRefusedWithTheFix() {
        timestamp.set(RecordBatch.NO_TIMESTAMP);
        assertThatThrownBy(() -> operator.collect("apple"))
                .isInstanceOf(UnrecoverableJobException.class)
                .hasMessageContaining("window 'count' (its aggregation before the shuffle, 'count-local')")
                .hasMessageContaining("WatermarkStrategy");
    }

    /** The words of a key and slice in the order added; merge appends. */
    private static final class Concatenation implements AggregateFunction<String, StringBuilder, String> {
        @Override
        public StringBuilder createAccumulator() {
            return new StringBuilder();
        }

        @Override
        public StringBuilder add(String value, StringBuilder accumulator) {
            return accumulator.isEmpty() ? accumulator.append(value) : accumulator.append('+').append(value);
        }

        @Override
        public String getResult(StringBuilder accumulator) {
            return accumulator.toString();
        }

        @Override
        public StringBuilder merge(StringBuilder a, StringBuilder b) {
            return a.isEmpty() ? a.append(b) : b.isEmpty() ? a : a.append('+').append(b);
        }

        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }
}
