package dev.weir.runtime.dataflow.functions;

/**
 * Called once for each pair of a window join ({@code a.join(b).where(..).equalTo(..).window(..)}):
 * a record of each input with equal keys in the same window; returns what the pair becomes.
 */
@FunctionalInterface
public interface JoinFunction<A, B, O> {
    O join(A first, B second) throws Exception;
}
