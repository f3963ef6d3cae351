package dev.weir.runtime.state;

import java.nio.file.Path;

/**
 * Which keyed-state backend a job's keyed operators use ({@code spec.state}).
 *
 * @param incremental RocksDB only: checkpoints upload the SST files created since the last
 *     completed checkpoint and refer to the earlier ones, instead of writing all state
 * @param localDirectory RocksDB only: where the subtasks' databases live (a pod's {@code /tmp}
 *     volume, a temporary directory in {@code weir local})
 */
public record StateBackendSettings(Kind kind, boolean incremental, Path localDirectory) {

    public enum Kind {
        HEAP,
        ROCKSDB
    }

    public static final StateBackendSettings HEAP = new StateBackendSettings(Kind.HEAP, false, null);

    public StateBackendSettings {
        if (kind == Kind.HEAP && incremental) {
            throw new IllegalArgumentException("incremental checkpoints need the rocksdb backend");
        }
    }

    /** RocksDB databases under the JVM's temporary directory. */
    public static StateBackendSettings rocksDb(boolean incremental) {
        return new StateBackendSettings(Kind.ROCKSDB, incremental,
                Path.of(System.getProperty("java.io.tmpdir"), "weir-rocksdb"));
    }

    @Override
    public String toString() {
        return kind == Kind.HEAP ? "heap" : "rocksdb" + (incremental ? " (incremental)" : "");
    }
}
