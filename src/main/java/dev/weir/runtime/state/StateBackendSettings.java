package dev.weir.runtime.state;

import java.nio.file.Path;

/**
 * Which keyed-state backend a job's keyed operators use ({@code spec.state}).
 *
 * @param incremental checkpoints upload what changed since the last completed checkpoint and refer
 *     to earlier uploads for the rest, instead of writing all state: RocksDB's new SST files, or the
 *     heap's changed entries ({@code HeapChangelog})
 * @param localDirectory RocksDB only: where the subtasks' databases live (a pod's {@code /tmp}
 *     volume, a temporary directory in {@code weir local})
 */
public record StateBackendSettings(Kind kind, boolean incremental, Path localDirectory) {

    public enum Kind {
        HEAP,
        ROCKSDB
    }

    public static final StateBackendSettings HEAP = new StateBackendSettings(Kind.HEAP, false, null);

    /** The heap backend with incremental checkpoints. */
    public static final StateBackendSettings HEAP_INCREMENTAL = new StateBackendSettings(Kind.HEAP, true, null);

    /** RocksDB databases under the JVM's temporary directory. */
    public static StateBackendSettings rocksDb(boolean incremental) {
        return new StateBackendSettings(Kind.ROCKSDB, incremental,
                Path.of(System.getProperty("java.io.tmpdir"), "weir-rocksdb"));
    }

    @Override
    public String toString() {
        return (kind == Kind.HEAP ? "heap" : "rocksdb") + (incremental ? " (incremental)" : "");
    }
}
