package dev.weir.runtime.dataflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.MapFunction;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testing.UnserializableRecordJob;

/**
 * When the graph is built, a shuffled stream whose functions spell out its record type gets a
 * derived serializer (records of plain data) or is refused (types no worker can send), naming the
 * operator and the type; streams of unknown type keep Java serialization.
 */
class ShuffleSerializersTest {

    record Reading(String sensor, long value) {}

    record Opaque(Object payload) {}

    static final class ToReading implements MapFunction<Long, Reading> {
        @Override
        public Reading map(Long value) {
            return new Reading("s" + value % 3, value);
        }
    }

    @Test
    void aRecordTypeWithoutASerializerAcrossAKeyByIsRefusedWhenTheGraphIsBuilt() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        new UnserializableRecordJob().define(env, new JobArgs(java.util.Map.of()));

        assertThatThrownBy(env::nodes).isInstanceOf(UnrecoverableJobException.class)
                .hasMessageContaining("operator 'to-reading' emits dev.weir.testing.UnserializableRecordJob$Reading,"
                        + " which is not Serializable")
                .hasMessageContaining("returns(...)")
                .satisfies(e -> assertThat(((UnrecoverableJobException) e).kind())
                        .isEqualTo(UnrecoverableJobException.Kind.SERIALIZATION));
    }

    @Test
    void aForwardEdgeBetweenOperatorsOfDifferentParallelismIsShuffledAndGetsADerivedSerializer() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        DataStream<Reading> narrow = env.fromSource(GeneratorSource.sequence(10), "numbers").setParallelism(1)
                .map(new ToReading()).uid("to-reading").setParallelism(1);
        narrow.sinkTo(new DiscardSink<>()).uid("sink");
        DataStream<Reading> same = env.fromSource(GeneratorSource.sequence(10), "others").map(new ToReading())
                .uid("chained");
        same.sinkTo(new DiscardSink<>()).uid("chained-sink");
        env.nodes();

        assertThat(narrow.node.outputSerializer()).as("rebalanced to the sink's two subtasks").isNotNull();
        assertThat(same.node.outputSerializer()).as("chained: no serializer needed").isNull();
    }

    @Test
    void aPlainDataRecordAcrossAKeyByGetsADerivedSerializer() throws Exception {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        DataStream<Reading> readings = env.fromSource(GeneratorSource.sequence(10), "numbers").map(new ToReading())
                .uid("to-reading");
        readings.keyBy(Reading::sensor, Types.STRING).process(new Last()).uid("last").sinkTo(new DiscardSink<>());
        env.nodes();

        @SuppressWarnings("unchecked")
        TypeSerializer<Reading> derived = (TypeSerializer<Reading>) readings.node.outputSerializer();
        assertThat(derived).isNotNull();
        assertThat(derived.copy(new Reading("s1", 4))).isEqualTo(new Reading("s1", 4));
    }

    @Test
    void theSecondInputOfAKeyedConnectGetsItsProducersDerivedSerializer() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        DataStream<Long> numbers = env.fromSource(GeneratorSource.sequence(10), "numbers");
        DataStream<Reading> readings = env.fromSource(GeneratorSource.sequence(10), "more").map(new ToReading())
                .uid("to-reading");
        numbers.keyBy(n -> "s" + n % 3, Types.STRING).connect(readings.keyBy(Reading::sensor, Types.STRING))
                .process(new KeyedCoProcessFunction<String, Long, Reading, String>() {
                    @Override
                    public void processElement1(Long value, KeyedProcessFunction.Context<String> context,
                                                Collector<String> out) {}

                    @Override
                    public void processElement2(Reading value, KeyedProcessFunction.Context<String> context,
                                                Collector<String> out) {}
                }).uid("join").sinkTo(new DiscardSink<>());
        env.nodes();
        assertThat(readings.node.outputSerializer()).as("derived for the second input").isNotNull();
    }

    @Test
    void theConsumersDeclaredInputTypeCountsWhenTheProducerIsALambda() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        DataStream<Reading> readings = env.fromSource(GeneratorSource.sequence(10), "numbers")
                .map(value -> new Reading("s", value)).uid("to-reading");
        readings.keyBy(Reading::sensor, Types.STRING).process(new Last()).sinkTo(new DiscardSink<>());
        env.nodes();
        assertThat(readings.node.outputSerializer()).isNotNull();
    }

    @Test
    void aRecordThatCannotBeDerivedIsRefusedWithTheReason() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        env.fromSource(GeneratorSource.sequence(10), "numbers").map(new MapFunction<Long, Opaque>() {
            @Override
            public Opaque map(Long value) {
                return new Opaque(value);
            }
        }).uid("wrap").rebalance().map(Opaque::toString).sinkTo(new DiscardSink<>());

        assertThatThrownBy(env::nodes).hasMessageContaining("operator 'wrap' emits " + Opaque.class.getName())
                .hasMessageContaining("Opaque.payload (java.lang.Object)");
    }

    @Test
    void declaredSerializersAndStreamsOfUnknownTypeAreLeftAlone() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        DataStream<Long> declared = env.fromSource(GeneratorSource.sequence(10), "numbers").returns(Types.LONG);
        DataStream<Reading> unknown = declared.rebalance().map(value -> new Reading("s", value)).uid("lambda");
        unknown.rebalance().map(Reading::sensor).sinkTo(new DiscardSink<>());
        env.nodes();
        assertThat(declared.node.outputSerializer()).isSameAs(Types.LONG);
        assertThat(unknown.node.outputSerializer()).as("Java serialization at run time").isNull();
    }

    static final class Last extends KeyedProcessFunction<String, Reading, String> {
        @Override
        public void processElement(Reading value, Context<String> context, Collector<String> out) {
            out.collect(value.sensor() + "=" + value.value());
        }
    }
}
