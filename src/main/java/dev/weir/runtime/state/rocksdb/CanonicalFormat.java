package dev.weir.runtime.state.rocksdb;

import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyGroupedStatePart;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.UnreadableState;
import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Converts between a column family's entries and the canonical key-group format that the heap
 * backend writes ({@code dev.weir.runtime.state.KeyGroupsFormat}): so savepoints of either backend
 * restore into either, and a RocksDB full snapshot is what a heap snapshot of the same state is.
 * Writing needs only the key serializer (serialized values are copied as bytes); reading needs the
 * state's serializers, to find where each value ends.
 */
final class CanonicalFormat {

    private static final int BATCH_BYTES = 4 << 20;

    private CanonicalFormat() {}

    /** Writes restored canonical sections of one state (per key-group index, null where empty) into its column family. */
    static void ingest(byte[][] sections, KeyGroupRange range, StateDescriptor<?> descriptor,
                       TypeSerializer<?> keySerializer, ColumnFamilyHandle column, RocksDbInstance db)
            throws IOException, RocksDBException {
        StateKind kind = StateKind.of(descriptor);
        DataInputBuffer in = new DataInputBuffer();
        DataOutputBuffer key = new DataOutputBuffer(64);
        DataOutputBuffer value = new DataOutputBuffer(64);
        try (WriteBatch batch = new WriteBatch()) {
            for (int index = 0; index < sections.length; index++) {
                byte[] section = sections[index];
                if (section == null) {
                    continue;
                }
                in.reset(section, 0, section.length);
                byte[] prefix = KeyBytes.keyGroupPrefix(range.start() + index);
                try {
                    int entries = in.readInt();
                    for (int e = 0; e < entries; e++) {
                        key.reset();
                        key.write(prefix);
                        copy(keySerializer, section, in, key);
                        switch (kind) {
                            case VALUE -> {
                                value.reset();
                                copy(((StateDescriptor.Value<?>) descriptor).serializer(), section, in, value);
                                batch.put(column, Arrays.copyOf(key.array(), key.length()), value.toByteArray());
                            }
                            case MAP -> {
                                StateDescriptor.MapOf<?, ?> map = (StateDescriptor.MapOf<?, ?>) descriptor;
                                int primaryLength = key.length();
                                int size = in.readInt();
                                for (int i = 0; i < size; i++) {
                                    key.truncate(primaryLength);
                                    copy(map.keySerializer(), section, in, key);
                                    value.reset();
                                    copy(map.valueSerializer(), section, in, value);
                                    batch.put(column, Arrays.copyOf(key.array(), key.length()), value.toByteArray());
                                }
                            }
                            case LIST -> {
                                TypeSerializer<?> elements = ((StateDescriptor.ListOf<?>) descriptor).serializer();
                                int size = in.readInt();
                                value.reset();
                                for (int i = 0; i < size; i++) {
                                    int lengthAt = value.length();
                                    value.writeInt(0);
                                    copy(elements, section, in, value);
                                    value.writeIntAt(lengthAt, value.length() - lengthAt - Integer.BYTES);
                                }
                                if (size > 0) {
                                    batch.put(column, Arrays.copyOf(key.array(), key.length()), value.toByteArray());
                                }
                            }
                        }
                        if (batch.getDataSize() > BATCH_BYTES) {
                            db.db().write(db.writeOptions(), batch);
                            batch.clear();
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    throw UnreadableState.misread(descriptor.name(), e);
                }
                UnreadableState.requireFullyRead(descriptor.name(), section.length - in.position());
            }
            db.db().write(db.writeOptions(), batch);
        }
    }

    /** Reads one value with {@code serializer} to find its end, and copies its bytes. */
    private static void copy(TypeSerializer<?> serializer, byte[] source, DataInputBuffer in, DataOutputBuffer out)
            throws IOException {
        int start = in.position();
        serializer.deserialize(in);
        out.write(source, start, in.position() - start);
    }

    /** One state's column family as a part of a canonical snapshot, read through an iterator at a snapshot. */
    static final class ColumnPart implements KeyGroupedStatePart.CapturedPart {
        private final String name;
        private final StateKind kind;
        private final RocksIterator iterator;
        private final TypeSerializer<?> keySerializer;
        private final int firstKeyGroup;
        private final DataOutputBuffer section = new DataOutputBuffer(64 * 1024);
        private final DataInputBuffer in = new DataInputBuffer();

        ColumnPart(String name, StateKind kind, RocksIterator iterator, TypeSerializer<?> keySerializer,
                   int firstKeyGroup) {
            this.name = name;
            this.kind = kind;
            this.iterator = iterator;
            this.keySerializer = keySerializer;
            this.firstKeyGroup = firstKeyGroup;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isEmpty(int keyGroupIndex) {
            byte[] prefix = KeyBytes.keyGroupPrefix(firstKeyGroup + keyGroupIndex);
            iterator.seek(prefix);
            return !(iterator.isValid() && RocksDbStates.startsWith(iterator.key(), prefix));
        }

        @Override
        public void write(int keyGroupIndex, DataOutput out) throws IOException {
            byte[] prefix = KeyBytes.keyGroupPrefix(firstKeyGroup + keyGroupIndex);
            section.reset();
            section.writeInt(0);
            int entries = 0;
            int sizeAt = -1;
            int mapSize = 0;
            byte[] primary = null;
            for (iterator.seek(prefix); iterator.isValid() && RocksDbStates.startsWith(iterator.key(), prefix);
                 iterator.next()) {
                byte[] key = iterator.key();
                byte[] value = iterator.value();
                switch (kind) {
                    case VALUE -> {
                        section.write(key, KeyBytes.KEY_GROUP_BYTES, key.length - KeyBytes.KEY_GROUP_BYTES);
                        section.write(value);
                        entries++;
                    }
                    case MAP -> {
                        int primaryLength = KeyBytes.primaryKeyLength(key, keySerializer, in);
                        if (primary == null || !Arrays.equals(key, 0, primaryLength, primary, 0, primary.length)) {
                            if (sizeAt >= 0) {
                                section.writeIntAt(sizeAt, mapSize);
                            }
                            primary = Arrays.copyOf(key, primaryLength);
                            section.write(key, KeyBytes.KEY_GROUP_BYTES, primaryLength - KeyBytes.KEY_GROUP_BYTES);
                            sizeAt = section.length();
                            section.writeInt(0);
                            mapSize = 0;
                            entries++;
                        }
                        section.write(key, primaryLength, key.length - primaryLength);
                        section.write(value);
                        mapSize++;
                    }
                    case LIST -> {
                        section.write(key, KeyBytes.KEY_GROUP_BYTES, key.length - KeyBytes.KEY_GROUP_BYTES);
                        int countAt = section.length();
                        section.writeInt(0);
                        int count = 0;
                        in.reset(value, 0, value.length);
                        while (in.available() > 0) {
                            int length = in.readInt();
                            section.write(value, in.position(), length);
                            in.skipBytes(length);
                            count++;
                        }
                        section.writeIntAt(countAt, count);
                        entries++;
                    }
                }
            }
            if (sizeAt >= 0) {
                section.writeIntAt(sizeAt, mapSize);
            }
            section.writeIntAt(0, entries);
            out.write(section.array(), 0, section.length());
        }

        @Override
        public void release() {
            iterator.close();
        }
    }
}
