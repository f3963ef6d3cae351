package dev.weir.runtime.dataflow.functions;

/**
 * Extracts the key of a record. The key's {@code hashCode()} must be the same in every JVM (String,
 * boxed numbers, records of those): it decides which subtask and key group own the key.
 */
@FunctionalInterface
public interface KeySelector<T, K> {
    K getKey(T value) throws Exception;
}
