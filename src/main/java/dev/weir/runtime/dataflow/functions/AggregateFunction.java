package dev.weir.runtime.dataflow.functions;

/**
 * An incremental aggregation (Flink's interface of the same name): the accumulator is the state
 * kept per key and window, updated once per record; the result is computed when the window fires.
 * {@link #add} may update the accumulator in place and return it.
 */
public interface AggregateFunction<IN, ACC, OUT> {
    ACC createAccumulator();

    ACC add(IN value, ACC accumulator);

    OUT getResult(ACC accumulator);
}
