package dev.weir.runtime.state;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * A capture of keyed state written as canonical key groups ({@link KeyGroupsFormat}) into the
 * subtask's state file, one handle per non-empty key group: the heap backend's snapshots, and the
 * full snapshots (savepoints) of RocksDB.
 */
public final class KeyGroupsSnapshot implements KeyedStateSnapshot {

    private final KeyGroupRange range;
    private final List<KeyGroupedStatePart.CapturedPart> parts;
    private final CapturedParts captured;

    public KeyGroupsSnapshot(KeyGroupRange range, List<KeyGroupedStatePart.CapturedPart> parts, Runnable onRelease) {
        this.range = range;
        this.parts = parts;
        this.captured = new CapturedParts(parts, onRelease);
    }

    @Override
    public KeyedStateHandle write(SnapshotOutput out) throws IOException {
        try {
            Map<Integer, StateHandle> handles = new HashMap<>();
            DataOutputBuffer group = new DataOutputBuffer(64 * 1024);
            for (int index = 0; index < range.size(); index++) {
                group.reset();
                if (KeyGroupsFormat.writeKeyGroup(index, parts, group)) {
                    long start = out.position();
                    out.stateFile().write(group.array(), 0, group.length());
                    handles.put(range.start() + index, out.handleSince(start));
                }
            }
            return new KeyedStateHandle(handles, null);
        } finally {
            release();
        }
    }

    /** For tests and the test kit: every non-empty key group as bytes, ascending. */
    public TreeMap<Integer, byte[]> writeToBytes() throws IOException {
        try {
            TreeMap<Integer, byte[]> result = new TreeMap<>();
            DataOutputBuffer group = new DataOutputBuffer(64 * 1024);
            for (int index = 0; index < range.size(); index++) {
                group.reset();
                if (KeyGroupsFormat.writeKeyGroup(index, parts, group)) {
                    result.put(range.start() + index, group.toByteArray());
                }
            }
            return result;
        } finally {
            release();
        }
    }

    @Override
    public void release() {
        captured.release();
    }
}
