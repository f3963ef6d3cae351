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

    /**
     * Whether {@link #merge} is exact: for any split of a window's records into consecutive parts,
     * {@code getResult} of a {@link #createAccumulator() fresh accumulator} merged with each part's
     * accumulator, in order, equals {@code getResult} of one accumulator that every record was added
     * to (so a count, a sum of integers, a min or max are exact; a floating-point sum or a result that
     * depends on the order of records within the window may not be). Saying true lets sliding windows
     * whose size is a multiple of their slide keep one accumulator per slide (pane) and update only
     * that one per record, merging a window's panes when it fires (as Flink SQL slices hopping windows);
     * the default, false, keeps one accumulator per window as Flink's DataStream API does. Saying true
     * also lets an event-time tumbling or paned sliding window aggregate in two phases: records are
     * added to an accumulator per key and window (pane) before the shuffle, and the window operator
     * merges those ({@code WindowedStream#localAggregation}). Either way the windows' results are the
     * same. {@code merge} is only handed copies of the panes' accumulators, or accumulators the local
     * stage has let go of.
     * Changing the answer changes the window state's format: window state written in panes restores
     * only into an operator that says true.
     */
    default boolean mergeIsExact() {
        return false;
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
