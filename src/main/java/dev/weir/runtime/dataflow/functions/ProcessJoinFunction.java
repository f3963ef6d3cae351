package dev.weir.runtime.dataflow.functions;

import dev.weir.runtime.dataflow.OutputTag;

/**
 * Called once for each pair of an interval join ({@code left.intervalJoin(right).between(lower, upper)}):
 * records of equal keys whose event times satisfy {@code left + lower <= right <= left + upper}.
 * Emitted records carry the later of the two timestamps.
 */
public abstract class ProcessJoinFunction<L, R, O> {

    public void open(RuntimeContext context) throws Exception {}

    public abstract void processElement(L left, R right, Context context, Collector<O> out) throws Exception;

    public void close() throws Exception {}

    public interface Context {
        long leftTimestamp();

        long rightTimestamp();

        /** The timestamp the emitted records carry: the later of the two. */
        long timestamp();

        <X> void output(OutputTag<X> tag, X value);
    }
}
