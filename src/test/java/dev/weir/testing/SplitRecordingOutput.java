package dev.weir.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.weir.runtime.dataflow.ReaderOutput;
import dev.weir.runtime.dataflow.functions.Collector;

/**
 * A source reader's output that keeps which split each record came through, in order, and which
 * splits were released (each at most once): what per-split watermarks rely on.
 */
public final class SplitRecordingOutput<T> implements ReaderOutput<T> {

    /** Records collected outside every split. */
    public final List<T> subtask = new ArrayList<>();
    public final Map<String, List<T>> bySplit = new TreeMap<>();
    public final List<String> released = new ArrayList<>();
    private final Map<String, Collector<T>> outputs = new TreeMap<>();

    @Override
    public void collect(T record) {
        subtask.add(record);
    }

    @Override
    public Collector<T> forSplit(String splitId) {
        return outputs.computeIfAbsent(splitId, id -> {
            List<T> records = bySplit.computeIfAbsent(id, k -> new ArrayList<>());
            return records::add;
        });
    }

    @Override
    public void releaseSplit(String splitId) {
        assertThat(released).as("split %s released once", splitId).doesNotContain(splitId);
        released.add(splitId);
    }
}
