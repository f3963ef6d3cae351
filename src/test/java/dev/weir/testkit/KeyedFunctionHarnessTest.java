package dev.weir.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

class KeyedFunctionHarnessTest {

    /** A reading of one sensor; its own serializer, as it crosses a keyBy. */
    record Reading(String sensor, long value) {}

    static final class ReadingSerializer implements TypeSerializer<Reading> {
        @Override
        public void serialize(Reading reading, DataOutput out) throws IOException {
            out.writeUTF(reading.sensor());
            out.writeLong(reading.value());
        }

        @Override
        public Reading deserialize(DataInput in) throws IOException {
            return new Reading(in.readUTF(), in.readLong());
        }
    }

    record Tally(long count, long sum) {}

    static final class TallySerializer implements TypeSerializer<Tally> {
        @Override
        public void serialize(Tally tally, DataOutput out) throws IOException {
            out.writeLong(tally.count());
            out.writeLong(tally.sum());
        }

        @Override
        public Tally deserialize(DataInput in) throws IOException {
            return new Tally(in.readLong(), in.readLong());
        }
    }

    static final StateDescriptor.Value<Tally> TALLY = StateDescriptor.value("tally", new TallySerializer());

    /**
     * Keeps (count, sum) per sensor and emits {@code sensor,count,sum@subtask}; with a quiet
     * period, a timer that quiet long after a reading emits {@code sensor quiet since t}.
     */
    static class TallyFunction extends KeyedProcessFunction<String, Reading, String> {
        private final StateDescriptor.Value<Tally> descriptor;
        private final long quietMs;
        private ValueState<Tally> tally;
        private ValueState<Long> lastSeen;
        private RuntimeContext runtime;

        TallyFunction(StateDescriptor.Value<Tally> descriptor, long quietMs) {
            this.descriptor = descriptor;
            this.quietMs = quietMs;
        }

        TallyFunction() {
            this(TALLY, 0);
        }

        @Override
        public void open(RuntimeContext context) {
            runtime = context;
            tally = context.getState(descriptor);
            lastSeen = context.getState(StateDescriptor.value("last-seen", Types.LONG));
        }

        @Override
        public void processElement(Reading reading, Context<String> context, Collector<String> out) {
            Tally before = tally.value();
            Tally after = before == null ? new Tally(1, reading.value())
                    : new Tally(before.count() + 1, before.sum() + reading.value());
            tally.update(after);
            out.collect(reading.sensor() + "," + after.count() + "," + after.sum() + "@" + runtime.subtaskIndex());
            if (quietMs > 0) {
                long now = context.timerService().currentProcessingTime();
                Long previous = lastSeen.value();
                if (previous != null) {
                    context.timerService().deleteProcessingTimeTimer(previous + quietMs);
                }
                lastSeen.update(now);
                context.timerService().registerProcessingTimeTimer(now + quietMs);
            }
        }

        @Override
        public void onTimer(long timestamp, Context<String> context, Collector<String> out) {
            out.collect(context.getCurrentKey() + " quiet since " + lastSeen.value() + " (timer " + timestamp + ")");
        }
    }

    private static KeyedFunctionHarness.Builder<String, Reading, String> tally() {
        return KeyedFunctionHarness.forFunction(TallyFunction::new, Reading::sensor, Types.STRING)
                .inputSerializer(new ReadingSerializer()).outputSerializer(Types.STRING);
    }

    private static List<Reading> readings(int n, int sensors) {
        return IntStream.range(0, n).mapToObj(i -> new Reading("s-" + (i * 7 % sensors), i)).toList();
    }

    private static String withoutSubtask(String line) {
        return line.substring(0, line.indexOf('@'));
    }

    @Test
    void everyRecordGoesToTheSubtaskOwningItsKeyGroup() throws Exception {
        try (var harness = tally().parallelism(3).open()) {
            for (Reading reading : readings(60, 20)) {
                harness.processElement(reading);
            }
            for (String line : harness.output()) {
                String sensor = line.substring(0, line.indexOf(','));
                int expected = KeyGroupAssignment.subtaskFor(KeyGroupAssignment.keyGroupFor(sensor, 128), 128, 3);
                assertThat(line).endsWith("@" + expected);
                assertThat(harness.subtaskOf(sensor)).isEqualTo(expected);
            }
            assertThat(harness.output()).extracting(line -> line.substring(line.indexOf('@') + 1)).contains("0", "1", "2");
        }
    }

    @Test
    void stateIsKeptPerKeyAndReadableByTheTest() throws Exception {
        try (var harness = tally().parallelism(2).open()) {
            harness.processElement(new Reading("a", 5));
            harness.processElement(new Reading("b", 7));
            harness.processElement(new Reading("a", 10));
            assertThat(harness.takeOutput()).extracting(KeyedFunctionHarnessTest::withoutSubtask)
                    .containsExactly("a,1,5", "b,1,7", "a,2,15");
            assertThat(harness.output()).isEmpty();
            assertThat(harness.value("a", TALLY)).isEqualTo(new Tally(2, 15));
            assertThat(harness.value("c", TALLY)).isNull();
            List<Long> sums = harness.state("b", TALLY, state -> List.of(state.value().sum()));
            assertThat(sums).containsExactly(7L);
        }
    }

    @Test
    void timersFireWhenProcessingTimeReachesThemAndDeletedOnesNever() throws Exception {
        try (var harness = KeyedFunctionHarness.forFunction(() -> new TallyFunction(TALLY, 100), Reading::sensor,
                Types.STRING).startTime(1_000).open()) {
            harness.processElement(new Reading("a", 1)); // timer at 1100
            harness.setProcessingTime(1_050);
            harness.processElement(new Reading("a", 2)); // 1100 deleted, timer at 1150
            harness.processElement(new Reading("b", 3)); // timer at 1150
            harness.takeOutput();

            harness.setProcessingTime(1_149);
            assertThat(harness.output()).isEmpty();
            harness.advanceProcessingTime(1);
            assertThat(harness.takeOutput()).containsExactlyInAnyOrder(
                    "a quiet since 1050 (timer 1150)", "b quiet since 1050 (timer 1150)");
            harness.advanceProcessingTime(10_000);
            assertThat(harness.output()).isEmpty();
            assertThatThrownBy(() -> harness.setProcessingTime(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("processing time cannot go back from 11150 to 0");
        }
    }

    @Test
    void aTimerForATimeThatHasComeFiresRightAfterTheRecordThatRegisteredIt() throws Exception {
        class FireNow extends KeyedProcessFunction<String, String, String> {
            @Override
            public void processElement(String value, Context<String> context, Collector<String> out) {
                context.timerService().registerProcessingTimeTimer(context.timerService().currentProcessingTime() - 5);
                out.collect("record " + value);
            }

            @Override
            public void onTimer(long timestamp, Context<String> context, Collector<String> out) {
                out.collect("timer " + context.getCurrentKey() + " " + timestamp);
            }
        }
        try (var harness = KeyedFunctionHarness.forFunction(FireNow::new, (String s) -> s, Types.STRING)
                .startTime(100).parallelism(2).open()) {
            harness.processElement("x");
            harness.processElement("y");
            assertThat(harness.output()).containsExactly("record x", "timer x 95", "record y", "timer y 95");
        }
    }

    @Test
    void stateAndTimersMoveWithTheirKeyGroupsWhenRestoredAtAnotherParallelism() throws Exception {
        List<String> sensors = IntStream.range(0, 40).mapToObj(i -> "s-" + i).toList();
        try (var harness = KeyedFunctionHarness.forFunction(() -> new TallyFunction(TALLY, 100), Reading::sensor,
                Types.STRING).inputSerializer(new ReadingSerializer()).parallelism(2).open()) {
            for (String sensor : sensors) {
                harness.processElement(new Reading(sensor, 3));
            }
            KeyedFunctionHarness.Snapshot checkpoint = harness.snapshot();
            assertThat(checkpoint.keyGroups()).isNotEmpty();
            assertThat(checkpoint.sizeInBytes()).isPositive();
            for (String sensor : sensors) {
                harness.processElement(new Reading(sensor, 1_000)); // lost: after the checkpoint
            }
            harness.takeOutput();

            harness.restore(checkpoint, 3);
            assertThat(harness.parallelism()).isEqualTo(3);
            for (String sensor : sensors) {
                harness.processElement(new Reading(sensor, 4));
            }
            List<String> output = harness.takeOutput();
            assertThat(output).extracting(KeyedFunctionHarnessTest::withoutSubtask)
                    .containsExactlyElementsOf(sensors.stream().map(s -> s + ",2,7").toList());
            for (String line : output) {
                String sensor = line.substring(0, line.indexOf(','));
                assertThat(line).endsWith("@" + harness.subtaskOf(sensor));
            }
            // The second readings deleted the checkpoint's timers and set new ones on the new owners.
            harness.advanceProcessingTime(100);
            assertThat(harness.output()).hasSize(sensors.size()).allMatch(line -> line.endsWith("quiet since 0 (timer 100)"));
        }
    }

    @Test
    void restoredTimersThatCameDueMeanwhileFireAtOnce() throws Exception {
        try (var harness = KeyedFunctionHarness.forFunction(() -> new TallyFunction(TALLY, 100), Reading::sensor,
                Types.STRING).open()) {
            harness.processElement(new Reading("a", 1));
            KeyedFunctionHarness.Snapshot checkpoint = harness.snapshot();
            harness.takeOutput();
            harness.setProcessingTime(50);
            harness.restore(checkpoint, 1);
            assertThat(harness.output()).isEmpty();
            harness.setProcessingTime(500);
            assertThat(harness.takeOutput()).containsExactly("a quiet since 0 (timer 100)");
        }
    }

    @Test
    void restoringAfterEveryRecordGivesTheOutputOfARunWithoutFailures() throws Exception {
        List<Reading> input = readings(300, 25);
        List<String> plain = new ArrayList<>();
        try (var harness = tally().open()) {
            for (Reading reading : input) {
                harness.processElement(reading);
            }
            plain.addAll(harness.output());
        }
        for (long seed = 0; seed < 3; seed++) {
            List<String> restored = KeyedFunctionHarness.runWithRestoreAfterEveryRecord(tally(), input, seed, 2, 1, 3, 4);
            assertThat(restored).extracting(KeyedFunctionHarnessTest::withoutSubtask)
                    .containsExactlyElementsOf(plain.stream().map(KeyedFunctionHarnessTest::withoutSubtask).toList());
            assertThat(restored).extracting(line -> line.substring(line.indexOf('@'))).contains("@0", "@1", "@2", "@3");
        }
    }

    @Test
    void aStateSerializerThatLosesAFieldIsCaughtByRestoring() throws Exception {
        TypeSerializer<Tally> forgetsTheSum = new TypeSerializer<>() {
            @Override
            public void serialize(Tally tally, DataOutput out) throws IOException {
                out.writeLong(tally.count());
            }

            @Override
            public Tally deserialize(DataInput in) throws IOException {
                return new Tally(in.readLong(), 0); // the sum was never written
            }
        };
        StateDescriptor.Value<Tally> broken = StateDescriptor.value("tally", forgetsTheSum);
        // Sensor s-0 reads 0, 5, 10, ...: its third line carries 15, unless the sum was lost on the way.
        List<Reading> input = readings(50, 5);
        List<String> withoutRestores = new ArrayList<>();
        try (var harness = KeyedFunctionHarness.forFunction(() -> new TallyFunction(broken, 0), Reading::sensor,
                Types.STRING).open()) {
            for (Reading reading : input) {
                harness.processElement(reading);
            }
            withoutRestores.addAll(harness.output());
        }
        assertThat(withoutRestores).extracting(KeyedFunctionHarnessTest::withoutSubtask).contains("s-0,3,15");

        List<String> withRestores = KeyedFunctionHarness.runWithRestoreAfterEveryRecord(
                KeyedFunctionHarness.forFunction(() -> new TallyFunction(broken, 0), Reading::sensor, Types.STRING),
                input, 1, 2);
        assertThat(withRestores).extracting(KeyedFunctionHarnessTest::withoutSubtask).contains("s-0,3,10")
                .doesNotContain("s-0,3,15");
    }

    @Test
    void aRecordSerializerThatReadsLessThanItWroteIsCaught() {
        TypeSerializer<Reading> forgetsToReadTheValue = new TypeSerializer<>() {
            private final ReadingSerializer writer = new ReadingSerializer();

            @Override
            public void serialize(Reading reading, DataOutput out) throws IOException {
                writer.serialize(reading, out);
            }

            @Override
            public Reading deserialize(DataInput in) throws IOException {
                return new Reading(in.readUTF(), 0);
            }
        };
        assertThatThrownBy(() -> {
            try (var harness = KeyedFunctionHarness.forFunction(TallyFunction::new, Reading::sensor, Types.STRING)
                    .inputSerializer(forgetsToReadTheValue).open()) {
                harness.processElement(new Reading("a", 1));
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("wrote 11 bytes for input record "
                + "Reading[sensor=a, value=1] but read back only 3");
    }

    /** equals without hashCode: the hash of a key read back on the receiving side is another one. */
    static final class CarelessKey {
        final String id;

        CarelessKey(String id) {
            this.id = id;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof CarelessKey k && k.id.equals(id);
        }
    }

    @Test
    void aKeyWithoutADeterministicHashCodeIsCaughtWhereTheEngineCatchesIt() {
        TypeSerializer<CarelessKey> keys = new TypeSerializer<>() {
            @Override
            public void serialize(CarelessKey key, DataOutput out) throws IOException {
                out.writeUTF(key.id);
            }

            @Override
            public CarelessKey deserialize(DataInput in) throws IOException {
                return new CarelessKey(in.readUTF());
            }
        };
        class Echo extends KeyedProcessFunction<CarelessKey, CarelessKey, String> {
            @Override
            public void processElement(CarelessKey value, Context<CarelessKey> context, Collector<String> out) {
                out.collect(value.id);
            }
        }
        // One key group per subtask: a copy lands in another group (127 times in 128) and so on another subtask.
        assertThatThrownBy(() -> {
            try (var harness = KeyedFunctionHarness.forFunction(Echo::new, (CarelessKey k) -> k, keys)
                    .inputSerializer(keys).parallelism(128).open()) {
                for (int i = 0; i < 20; i++) {
                    harness.processElement(new CarelessKey("k" + i));
                }
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("the key's hashCode is not deterministic");
    }

    @Test
    void aFunctionsCheckedExceptionReachesTheTest() throws Exception {
        class Refuses extends KeyedProcessFunction<String, String, String> {
            @Override
            public void processElement(String value, Context<String> context, Collector<String> out) throws IOException {
                throw new IOException("cannot take " + value);
            }
        }
        try (var harness = KeyedFunctionHarness.forFunction(Refuses::new, (String s) -> s, Types.STRING).open()) {
            assertThatThrownBy(() -> harness.processElement("x")).isInstanceOf(IOException.class)
                    .hasMessage("cannot take x");
        }
    }

    @Test
    void aSnapshotOfAnotherMaxParallelismIsRefused() throws Exception {
        KeyedFunctionHarness.Snapshot checkpoint;
        try (var harness = tally().maxParallelism(64).open()) {
            harness.processElement(new Reading("a", 1));
            checkpoint = harness.snapshot();
        }
        try (var harness = tally().open()) {
            assertThatThrownBy(() -> harness.restore(checkpoint, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the snapshot was taken with maxParallelism 64 but the harness has 128");
        }
    }

    @Test
    void closeClosesEveryInstanceAndRestoreDropsThemAsACrashDoes() throws Exception {
        List<Integer> closed = new ArrayList<>();
        class Closing extends TallyFunction {
            private int subtask;

            @Override
            public void open(RuntimeContext context) {
                super.open(context);
                subtask = context.subtaskIndex();
            }

            @Override
            public void close() {
                closed.add(subtask);
            }
        }
        var harness = KeyedFunctionHarness.forFunction(Closing::new, Reading::sensor, Types.STRING).parallelism(2).open();
        harness.restore(harness.snapshot(), 3);
        assertThat(closed).isEmpty();
        harness.close();
        assertThat(closed).containsExactly(0, 1, 2);
    }
}
