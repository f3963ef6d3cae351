package dev.weir.runtime.state.rocksdb;

import java.nio.charset.StandardCharsets;

import dev.weir.runtime.state.StateDescriptor;

/**
 * How a keyed state lays out its entries in its column family; the kind is part of the column
 * family's name ({@code v:count}), so a database read back knows it without the job's code.
 * Keys start with the key group (2 bytes, big-endian) and the serialized key, so a key group is
 * one contiguous range and a restore at another parallelism copies ranges.
 */
enum StateKind {
    /** {@code [kg][key] -> value}. */
    VALUE('v'),
    /** {@code [kg][key][user key] -> user value}: one entry per map entry. */
    MAP('m'),
    /** {@code [kg][key] -> ([int length][element])*}: adding is a RocksDB merge (append). */
    LIST('l');

    private final char prefix;

    StateKind(char prefix) {
        this.prefix = prefix;
    }

    static StateKind of(StateDescriptor<?> descriptor) {
        if (descriptor instanceof StateDescriptor.Value<?>) {
            return VALUE;
        } else if (descriptor instanceof StateDescriptor.MapOf<?, ?>) {
            return MAP;
        }
        return LIST;
    }

    byte[] columnFamilyName(String stateName) {
        return (prefix + ":" + stateName).getBytes(StandardCharsets.UTF_8);
    }

    /** The state a column family holds, or null for one that is not a state's (RocksDB's "default"). */
    static Column parse(byte[] columnFamilyName) {
        String name = new String(columnFamilyName, StandardCharsets.UTF_8);
        if (name.length() < 2 || name.charAt(1) != ':') {
            return null;
        }
        for (StateKind kind : values()) {
            if (kind.prefix == name.charAt(0)) {
                return new Column(name.substring(2), kind);
            }
        }
        return null;
    }

    record Column(String stateName, StateKind kind) {}
}
