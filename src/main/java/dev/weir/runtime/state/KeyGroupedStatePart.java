package dev.weir.runtime.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * A named piece of keyed state that is snapshotted and restored one key group at a time: a state
 * table, or the timers of a keyed operator.
 */
public interface KeyGroupedStatePart {

    String name();

    boolean isEmpty(int keyGroupIndex);

    /** Writes the entries of one key group (index relative to the backend's range start). */
    void write(int keyGroupIndex, DataOutput out) throws IOException;

    /** Adds the entries written by {@link #write} to the key group with this index. */
    void read(int keyGroupIndex, DataInput in) throws IOException;

    /**
     * The part as it is now, for a snapshot written later on another thread. By default its key
     * groups are serialized at once (parts that are small, such as timers); state tables capture
     * copy-on-write instead.
     */
    default CapturedPart capture(int keyGroups) throws IOException {
        byte[][] bytes = new byte[keyGroups][];
        DataOutputBuffer buffer = new DataOutputBuffer(256);
        for (int i = 0; i < keyGroups; i++) {
            if (!isEmpty(i)) {
                buffer.reset();
                write(i, buffer);
                bytes[i] = buffer.toByteArray();
            }
        }
        return new CapturedPart.Serialized(name(), bytes);
    }

    /**
     * The part's changes since version {@code sinceVersion} (an earlier capture's) for an incremental
     * snapshot ({@link HeapChangelogSnapshot}): a {@link CapturedChanges}, or, by default and for
     * {@code sinceVersion} -1, the whole part as {@link #capture} gives it, which replaces what
     * earlier snapshots held.
     */
    default CapturedPart captureChanges(int keyGroups, int sinceVersion) throws IOException {
        return capture(keyGroups);
    }

    /** Forgets what only incremental snapshots building on versions up to {@code version} would need. */
    default void forgetChanges(int version) {}

    /** Applies what a {@link CapturedChanges} wrote for this key group. */
    default void readChanges(int keyGroupIndex, DataInput in) throws IOException {
        throw new IOException("keyed state '" + name() + "' has no incremental snapshots to apply");
    }

    /** A part's changes since an earlier capture, applied on top of what that one restores. */
    interface CapturedChanges extends CapturedPart {
        /** Writes one key group's changes; false (the caller drops what was written) when there are none. */
        boolean writeChanges(int keyGroupIndex, DataOutputBuffer out) throws IOException;
    }

    /** A part's key groups at a capture: written by the upload thread. */
    interface CapturedPart {
        String name();

        boolean isEmpty(int keyGroupIndex);

        void write(int keyGroupIndex, DataOutput out) throws IOException;

        /** Called once the snapshot has written (or dropped) what it captured. */
        default void release() {}

        /** Key groups already serialized, null where empty. */
        record Serialized(String name, byte[][] bytes) implements CapturedPart {
            @Override
            public boolean isEmpty(int keyGroupIndex) {
                return bytes[keyGroupIndex] == null;
            }

            @Override
            public void write(int keyGroupIndex, DataOutput out) throws IOException {
                out.write(bytes[keyGroupIndex]);
            }
        }
    }
}
