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

    /**
     * Combines two accumulators into one (either may be reused): needed when windows merge
     * ({@code SessionWindows}), and checked for when such a window is defined. Other windows never call it.
     */
    default ACC merge(ACC a, ACC b) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement merge()");
    }

    /** Whether {@code function}'s class implements {@link #merge} (session windows need it). */
    static boolean implementsMerge(AggregateFunction<?, ?, ?> function) {
        try {
            return function.getClass().getMethod("merge", Object.class, Object.class).getDeclaringClass()
                    != AggregateFunction.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
