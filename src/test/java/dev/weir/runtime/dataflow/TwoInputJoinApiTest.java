package dev.weir.runtime.dataflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.MapFunction;
import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;
import dev.weir.runtime.dataflow.windowing.TumblingWindows;
import dev.weir.runtime.state.serialization.Types;

/**
 * What the window join, the coGroup and the interval join's bounds and late-data outputs turn into
 * when the graph is built, and what they refuse there.
 */
class TwoInputJoinApiTest {

    record Reading(String sensor, long value) {}

    static final class ToReading implements MapFunction<Long, Reading> {
        @Override
        public Reading map(Long value) {
            return new Reading("s" + value % 3, value);
        }
    }

    private final StreamEnvironment env = new StreamEnvironment(2, 128);
    private final DataStream<Long> numbers = env.fromSource(GeneratorSource.sequence(10), "numbers");

    @Test
    void aWindowJoinIsAKeyedConnectOfTheTwoStreamsKeyedByTheirSelectors() {
        DataStream<Reading> readings = numbers.map(new ToReading()).uid("readings");
        DataStream<Long> ids = numbers.map(i -> i * 2).uid("ids").returns(Types.LONG);
        DataStream<String> joined = readings.join(ids).where(Reading::value, Types.LONG).equalTo(i -> i)
                .window(TumblingWindows.ofEventTime(Duration.ofMillis(10)))
                .apply((Reading r, Long i) -> r.sensor() + i).uid("join");
        joined.sinkTo(new DiscardSink<>());

        assertThat(joined.node.kind()).isInstanceOf(StreamNode.KeyedCoProcessKind.class);
        assertThat(joined.node.inputs()).extracting(input -> input.node().uid(), StreamNode.Input::operatorInput)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("readings", 0),
                        org.assertj.core.groups.Tuple.tuple("ids", 1));
        assertThat(joined.node.inputs()).allSatisfy(input ->
                assertThat(input.partitioning()).isInstanceOf(Partitioning.KeyBy.class));
        env.nodes();
    }

    @Test
    void aStreamWhoseSerializerIsNeitherDeclaredNorDerivableIsRefusedNamingIt() {
        DataStream<Long> declared = numbers.map(i -> i).uid("declared").returns(Types.LONG);
        DataStream<Long> unknown = numbers.map(i -> i + 1).uid("unknown");
        assertThatThrownBy(() -> declared.join(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operator 'unknown': join(...) keeps its records in checkpointed window state")
                .hasMessageContaining("returns(...)");
        assertThatThrownBy(() -> unknown.coGroup(declared)).hasMessageContaining("operator 'unknown': coGroup(...)");
        DataStream<Long> otherJob = new StreamEnvironment(1, 128).fromSource(GeneratorSource.sequence(1), "x")
                .returns(Types.LONG);
        assertThatThrownBy(() -> declared.join(otherJob)).hasMessageContaining("same job");
    }

    @Test
    void processingTimeWindowsHaveNoLatenessAndNoLateData() {
        DataStream<Long> a = numbers.map(i -> i).uid("a").returns(Types.LONG);
        var windowed = a.coGroup(a).where(i -> i, Types.LONG).equalTo(i -> i)
                .window(TumblingWindows.ofProcessingTime(Duration.ofMillis(10)));
        assertThatThrownBy(() -> windowed.allowedLateness(Duration.ofMillis(1)))
                .hasMessageContaining("event-time windows only");
        assertThatThrownBy(() -> windowed.sideOutputLeftLateData(new OutputTag<>("late", Types.LONG)))
                .hasMessageContaining("event-time windows only");
    }

    @Test
    void exclusiveIntervalBoundsAreTheInclusiveOnesAMillisecondInsideAndAnEmptyIntervalIsRefused() {
        KeyedStream<Long, Long> left = numbers.keyBy(i -> i, Types.LONG);
        KeyedStream<Long, Long> right = env.fromSource(GeneratorSource.sequence(10), "right").keyBy(i -> i, Types.LONG);
        OutputTag<Long> late = new OutputTag<>("late-left", Types.LONG);
        DataStream<String> joined = left.intervalJoin(right).between(Duration.ofMillis(-5), Duration.ofMillis(5))
                .lowerBoundExclusive().upperBoundExclusive().sideOutputLeftLateData(late).process(new Pairs());
        StreamNode.IntervalJoinKind kind = (StreamNode.IntervalJoinKind) joined.node.kind();
        assertThat(kind.lower()).isEqualTo(-4);
        assertThat(kind.upper()).isEqualTo(4);
        assertThat(kind.leftLateData()).isEqualTo(late);
        assertThat(kind.rightLateData()).isNull();
        assertThat(joined.getSideOutput(late)).isNotNull();

        assertThatThrownBy(() -> left.intervalJoin(right).between(Duration.ofMillis(3), Duration.ofMillis(3))
                .upperBoundExclusive().process(new Pairs()))
                .hasMessageContaining("the interval [3, 3) ms holds no time");
    }

    static final class Pairs extends ProcessJoinFunction<Long, Long, String> {
        @Override
        public void processElement(Long left, Long right, Context context, Collector<String> out) {
            out.collect(left + "," + right);
        }
    }
}
