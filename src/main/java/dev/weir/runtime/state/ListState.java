package dev.weir.runtime.state;

import java.util.List;

/** A list per key, scoped to the key of the record being processed. */
public interface ListState<T> {
    /** The list for the current key (empty, never null). Do not modify it; use add/update. */
    List<T> get();

    void add(T value);

    void update(List<T> values);

    void clear();
}
