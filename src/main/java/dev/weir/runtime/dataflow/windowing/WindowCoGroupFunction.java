package dev.weir.runtime.dataflow.windowing;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.CoGroupFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * The window coGroup (and join) of two keyed inputs: the window operator of a single input
 * ({@link WindowProcessFunction}) fed with the records of both, each tagged with its input, whose
 * accumulator per key and window is the window's records of each input. So assigning, merging
 * sessions, firing, allowed lateness, late records and the checkpointed, rescalable window state
 * are the one-input window's; this class only tags, collects and hands the two lists to the
 * {@link CoGroupFunction} when the window fires.
 */
final class WindowCoGroupFunction<K, A, B, O> extends KeyedCoProcessFunction<K, A, B, O> {

    /** A record of the first input ({@code isFirst}) or of the second. */
    record TaggedUnion<A, B>(boolean isFirst, A first, B second) {}

    /** A window's records of each input, in arrival order (sessions that merged: part after part). */
    record Contents<A, B>(List<A> first, List<B> second) {}

    private final WindowProcessFunction<K, TaggedUnion<A, B>, Contents<A, B>, O> window;

    /**
     * @param firstLateData where first-input records too late for every window go, or null to drop
     *                      them; likewise {@code secondLateData} (with neither, late records are counted)
     */
    WindowCoGroupFunction(WindowAssigner assigner, TypeSerializer<A> firstSerializer,
                          TypeSerializer<B> secondSerializer, CoGroupFunction<A, B, O> function,
                          long allowedLateness, OutputTag<A> firstLateData, OutputTag<B> secondLateData) {
        this.window = WindowProcessFunction.<K, TaggedUnion<A, B>, Contents<A, B>, O>emitting(assigner, new Collecting<>(),
                contentsSerializer(firstSerializer, secondSerializer),
                (key, fired, contents, out) -> function.coGroup(contents.first(), contents.second(), out),
                allowedLateness, lateData(firstLateData, secondLateData));
    }

    @Override
    public void open(RuntimeContext context) throws Exception {
        window.open(context);
    }

    @Override
    public void processElement1(A value, KeyedProcessFunction.Context<K> context, Collector<O> out) throws Exception {
        window.processElement(new TaggedUnion<>(true, value, null), context, out);
    }

    @Override
    public void processElement2(B value, KeyedProcessFunction.Context<K> context, Collector<O> out) throws Exception {
        window.processElement(new TaggedUnion<>(false, null, value), context, out);
    }

    @Override
    public void onTimer(long timestamp, KeyedProcessFunction.Context<K> context, Collector<O> out) throws Exception {
        window.onTimer(timestamp, context, out);
    }

    private static <A, B> WindowProcessFunction.LateDataOutput<TaggedUnion<A, B>> lateData(OutputTag<A> first,
                                                                                        OutputTag<B> second) {
        if (first == null && second == null) {
            return null;
        }
        return (record, context) -> {
            if (record.isFirst()) {
                if (first != null) {
                    context.output(first, record.first());
                }
            } else if (second != null) {
                context.output(second, record.second());
            }
        };
    }

    /** The contents: the first input's list, then the second's. */
    private static <A, B> TypeSerializer<Contents<A, B>> contentsSerializer(TypeSerializer<A> first,
                                                                           TypeSerializer<B> second) {
        TypeSerializer<List<A>> firsts = Types.list(first);
        TypeSerializer<List<B>> seconds = Types.list(second);
        return new TypeSerializer<>() {
            @Override
            public void serialize(Contents<A, B> contents, DataOutput out) throws IOException {
                firsts.serialize(contents.first(), out);
                seconds.serialize(contents.second(), out);
            }

            @Override
            public Contents<A, B> deserialize(DataInput in) throws IOException {
                return new Contents<>(firsts.deserialize(in), seconds.deserialize(in));
            }

            @Override
            public Contents<A, B> copy(Contents<A, B> contents) {
                return new Contents<>(firsts.copy(contents.first()), seconds.copy(contents.second()));
            }
        };
    }

    /** Collects each record into its input's list; merging windows concatenate them. */
    private record Collecting<A, B>() implements AggregateFunction<TaggedUnion<A, B>, Contents<A, B>, Contents<A, B>> {
        @Override
        public Contents<A, B> createAccumulator() {
            return new Contents<>(new ArrayList<>(), new ArrayList<>());
        }

        @Override
        public Contents<A, B> add(TaggedUnion<A, B> value, Contents<A, B> contents) {
            if (value.isFirst()) {
                contents.first().add(value.first());
            } else {
                contents.second().add(value.second());
            }
            return contents;
        }

        @Override
        public Contents<A, B> getResult(Contents<A, B> contents) {
            return contents;
        }

        @Override
        public Contents<A, B> merge(Contents<A, B> a, Contents<A, B> b) {
            a.first().addAll(b.first());
            a.second().addAll(b.second());
            return a;
        }
    }
}
