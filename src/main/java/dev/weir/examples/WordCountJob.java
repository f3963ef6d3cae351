package dev.weir.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

import dev.weir.connectors.file.ObjectStoreTextSource;
import dev.weir.connectors.file.TextFileSource;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.Types;

/**
 * Word count over a text file (or a directory of them): emits {@code word,count} every time a
 * word is seen, so the last line per word carries its total. Args: {@code input} (a file, a
 * directory or {@code s3://bucket/prefix}), {@code output}.
 */
public final class WordCountJob implements JobDefinition {

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        args.declare("input", "output");
        env.fromSource(lines(args.require("input"), System::getenv), "lines")
                .returns(Types.STRING)
                .<String>flatMap((line, out) -> {
                    for (String word : line.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
                        if (!word.isEmpty()) {
                            out.collect(word);
                        }
                    }
                })
                .uid("words")
                .returns(Types.STRING)
                .keyBy(word -> word, Types.STRING)
                .process(new Count())
                .uid("count")
                .sinkTo(Outputs.sinkFor(args.require("output")))
                .uid("sink");
    }

    /**
     * A local file or directory, or {@code s3://bucket/prefix} read with the same {@code WEIR_S3_*}
     * variables as the S3 sink, so credentials never appear in job arguments.
     */
    static Source<String> lines(String input, Function<String, String> environment) {
        if (input.startsWith("s3://")) {
            try {
                return ObjectStoreTextSource.fromEnvironment(input, environment);
            } catch (IllegalArgumentException e) {
                throw JobArgs.invalid("input", e.getMessage());
            }
        }
        return new TextFileSource(Path.of(input));
    }

    static final class Count extends KeyedProcessFunction<String, String, String> {
        private ValueState<Long> count;

        @Override
        public void open(RuntimeContext context) {
            count = context.getState(StateDescriptor.value("count", Types.LONG));
        }

        @Override
        public void processElement(String word, Context<String> context, Collector<String> out) {
            Long current = count.value();
            long next = current == null ? 1 : current + 1;
            count.update(next);
            out.collect(word + "," + next);
        }
    }
}
