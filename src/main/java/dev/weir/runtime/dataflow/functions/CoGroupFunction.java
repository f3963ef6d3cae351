package dev.weir.runtime.dataflow.functions;

/**
 * Called once per key and window of a window coGroup ({@code a.coGroup(b).where(..).equalTo(..).window(..)})
 * when the window fires, with all records of each input of that key in that window, in arrival
 * order; one of the two is empty when only the other input had records there.
 */
@FunctionalInterface
public interface CoGroupFunction<A, B, O> {
    void coGroup(Iterable<A> first, Iterable<B> second, Collector<O> out) throws Exception;
}
