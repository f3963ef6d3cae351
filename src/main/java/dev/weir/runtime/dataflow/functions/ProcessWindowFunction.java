package dev.weir.runtime.dataflow.functions;

import dev.weir.runtime.dataflow.windowing.TimeWindow;

/**
 * Called once per key and window when the window fires, with the window's contents: all its
 * records (after {@code process}) or the single result of an incremental aggregation.
 */
@FunctionalInterface
public interface ProcessWindowFunction<IN, OUT, K> {

    void process(K key, TimeWindow window, Iterable<IN> elements, Collector<OUT> out) throws Exception;
}
