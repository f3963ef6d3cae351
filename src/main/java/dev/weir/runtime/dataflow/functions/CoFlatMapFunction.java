package dev.weir.runtime.dataflow.functions;

/** Zero or more records of one type for each record of two connected streams. */
public interface CoFlatMapFunction<I1, I2, O> {
    void flatMap1(I1 value, Collector<O> out) throws Exception;

    void flatMap2(I2 value, Collector<O> out) throws Exception;
}
