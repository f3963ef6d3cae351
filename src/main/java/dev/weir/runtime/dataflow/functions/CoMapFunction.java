package dev.weir.runtime.dataflow.functions;

/** Maps the records of two connected streams to one type: {@link #map1} for the first, {@link #map2} for the second. */
public interface CoMapFunction<I1, I2, O> {
    O map1(I1 value) throws Exception;

    O map2(I2 value) throws Exception;
}
