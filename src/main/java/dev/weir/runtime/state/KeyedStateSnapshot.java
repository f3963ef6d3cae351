package dev.weir.runtime.state;

import java.io.IOException;

import dev.weir.runtime.checkpoint.KeyedStateHandle;

/**
 * What a {@link KeyedStateBackend} captured at a barrier, to be written on an upload thread.
 * Exactly one of {@link #write} or {@link #release} ends it: until then the backend keeps what
 * it captured (copies on write, a RocksDB checkpoint directory).
 */
public interface KeyedStateSnapshot {

    /** Writes the captured state (upload thread) and releases it, also when writing fails. */
    KeyedStateHandle write(SnapshotOutput out) throws IOException;

    /** Drops the capture unwritten (the checkpoint failed before its upload). Idempotent. */
    void release();

    KeyedStateSnapshot EMPTY = new KeyedStateSnapshot() {
        @Override
        public KeyedStateHandle write(SnapshotOutput out) {
            return KeyedStateHandle.EMPTY;
        }

        @Override
        public void release() {}
    };
}
