package dev.weir.runtime.dataflow;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Names a side output: records a process function emits with {@code context.output(tag, value)}
 * besides its main output, read as a stream of their own with {@link DataStream#getSideOutput}.
 * The serializer is how they cross a process boundary, as {@link DataStream#returns} is for the
 * main output.
 *
 * @param id names the side output within its operator (and the node reading it)
 */
public record OutputTag<T>(String id, TypeSerializer<T> serializer) {

    public OutputTag {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an output tag needs a non-empty id");
        }
        if (serializer == null) {
            throw new IllegalArgumentException("output tag '" + id + "' needs a serializer: its records may cross"
                    + " workers like any stream's");
        }
    }
}
