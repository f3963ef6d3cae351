package dev.weir.runtime.state;

/** One value per key, scoped to the key of the record being processed. */
public interface ValueState<T> {
    /** The value for the current key, or null. */
    T value();

    void update(T value);

    void clear();
}
