package dev.weir.runtime.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

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
}
