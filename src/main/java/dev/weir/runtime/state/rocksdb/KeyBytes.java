package dev.weir.runtime.state.rocksdb;

import java.io.IOException;
import java.util.Arrays;

import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The byte layout of the database's keys: {@code [key group: 2 bytes, big-endian][key]...}. A
 * serialized key is self-delimiting (its deserializer reads exactly what was written), which is
 * how a reader without the state's own serializers finds where the key ends.
 */
final class KeyBytes {

    static final int KEY_GROUP_BYTES = 2;

    private KeyBytes() {}

    static byte[] keyGroupPrefix(int keyGroup) {
        return new byte[] {(byte) (keyGroup >>> 8), (byte) keyGroup};
    }

    static int keyGroup(byte[] key) {
        return ((key[0] & 0xff) << 8) | (key[1] & 0xff);
    }

    /** The smallest key greater than every key starting with {@code prefix}. */
    static byte[] successor(byte[] prefix) {
        byte[] next = Arrays.copyOf(prefix, prefix.length);
        for (int i = next.length - 1; i >= 0; i--) {
            if (next[i] != (byte) 0xff) {
                next[i]++;
                return Arrays.copyOf(next, i + 1);
            }
        }
        throw new IllegalArgumentException("no successor of a prefix of 0xff bytes");
    }

    /** Length of {@code [kg][key]} at the start of {@code key}. */
    static int primaryKeyLength(byte[] key, TypeSerializer<?> keySerializer, DataInputBuffer in) throws IOException {
        in.reset(key, KEY_GROUP_BYTES, key.length - KEY_GROUP_BYTES);
        keySerializer.deserialize(in);
        return key.length - in.available();
    }
}
