package dev.weir.runtime.dataflow;

import java.util.function.ToLongFunction;

import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.ReduceFunction;

/** The aggregate functions behind a keyed stream's {@code reduce} and {@code sum}. */
final class RollingAggregations {

    private RollingAggregations() {}

    /** The reduce function as an aggregation whose accumulator is the value reduced so far. */
    record Reducing<T>(ReduceFunction<T> function) implements AggregateFunction<T, T, T> {
        @Override
        public T createAccumulator() {
            return null;
        }

        @Override
        public T add(T value, T accumulator) {
            if (accumulator == null) {
                return value;
            }
            try {
                return function.reduce(accumulator, value);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("reduce function failed: " + e, e);
            }
        }

        @Override
        public T getResult(T accumulator) {
            return accumulator;
        }
    }

    /** The running total of a long field. */
    record LongSum<T>(ToLongFunction<T> field) implements AggregateFunction<T, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(T value, Long accumulator) {
            return accumulator + field.applyAsLong(value);
        }

        @Override
        public Long getResult(Long accumulator) {
            return accumulator;
        }
    }
}
