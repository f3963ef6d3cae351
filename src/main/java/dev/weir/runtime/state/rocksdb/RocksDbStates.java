package dev.weir.runtime.state.rocksdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import dev.weir.runtime.state.ListState;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The RocksDB implementations of the keyed state interfaces: each call reads or writes the
 * current key's entries ({@link StateKind} says how they are laid out). Values are serialized on
 * every write and deserialized on every read, so a value changed in place must be written back
 * with {@code update} (as the API asks anyway).
 */
final class RocksDbStates {

    private RocksDbStates() {}

    /** States that can count their keys (tests, metrics): a scan of the column family. */
    interface Countable {
        long countKeys();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object create(StateDescriptor<?> descriptor, ColumnFamilyHandle column, RocksDbInstance db,
                         RocksDbKeyedStateBackend<?> backend) {
        if (descriptor instanceof StateDescriptor.Value v) {
            return new Value(column, db, backend, v.serializer());
        } else if (descriptor instanceof StateDescriptor.MapOf m) {
            return new MapOf(column, db, backend, m.keySerializer(), m.valueSerializer());
        }
        return new ListOf(column, db, backend, ((StateDescriptor.ListOf) descriptor).serializer());
    }

    /** What every state shares: its column family, reused buffers, and the error wrapping. */
    private abstract static class Base implements Countable {
        final ColumnFamilyHandle column;
        final RocksDbInstance instance;
        final RocksDB db;
        final RocksDbKeyedStateBackend<?> backend;
        final DataOutputBuffer keyOut = new DataOutputBuffer(64);
        final DataOutputBuffer valueOut = new DataOutputBuffer(64);
        final DataInputBuffer in = new DataInputBuffer();
        /** Reused for point reads; grown when a value does not fit. */
        byte[] valueBuffer = new byte[128];

        Base(ColumnFamilyHandle column, RocksDbInstance instance, RocksDbKeyedStateBackend<?> backend) {
            this.column = column;
            this.instance = instance;
            this.db = instance.db();
            this.backend = backend;
        }

        /** Reads the entry under {@code key[0, length)} into {@link #in}; false if there is none. */
        boolean read(byte[] key, int length) throws RocksDBException {
            int size = db.get(column, instance.readOptions(), key, 0, length, valueBuffer, 0, valueBuffer.length);
            if (size == RocksDB.NOT_FOUND) {
                return false;
            }
            if (size > valueBuffer.length) {
                valueBuffer = new byte[Math.max(size, valueBuffer.length * 2)];
                size = db.get(column, instance.readOptions(), key, 0, length, valueBuffer, 0, valueBuffer.length);
                if (size == RocksDB.NOT_FOUND) {
                    return false;
                }
            }
            in.reset(valueBuffer, 0, size);
            return true;
        }

        void write(byte[] key, int keyLength, DataOutputBuffer value) throws RocksDBException {
            db.put(column, instance.writeOptions(), key, 0, keyLength, value.array(), 0, value.length());
        }

        /** Deletes the current key's entry (value and list states: one entry per key). */
        void deleteCurrentKey(String state) {
            DataOutputBuffer key = backend.currentKeyBytes();
            try {
                db.delete(column, instance.writeOptions(), key.array(), 0, key.length());
            } catch (RocksDBException e) {
                throw failure("cannot clear " + state, e);
            }
        }

        /** Counts entries whose keys differ in their [kg][key] part. */
        @Override
        public long countKeys() {
            long count = 0;
            byte[] previous = null;
            try (RocksIterator it = db.newIterator(column)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    byte[] primary = Arrays.copyOf(key, primaryKeyLength(key));
                    if (!Arrays.equals(primary, previous)) {
                        count++;
                        previous = primary;
                    }
                }
            }
            return count;
        }

        int primaryKeyLength(byte[] key) {
            return key.length;
        }

        static RuntimeException failure(String what, Exception e) {
            return e instanceof IOException io ? new UncheckedIOException(what, io)
                    : new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    static final class Value<T> extends Base implements ValueState<T>, Countable {
        private final TypeSerializer<T> serializer;

        Value(ColumnFamilyHandle column, RocksDbInstance db, RocksDbKeyedStateBackend<?> backend,
              TypeSerializer<T> serializer) {
            super(column, db, backend);
            this.serializer = serializer;
        }

        @Override
        public T value() {
            DataOutputBuffer key = backend.currentKeyBytes();
            try {
                return read(key.array(), key.length()) ? serializer.deserialize(in) : null;
            } catch (IOException | RocksDBException e) {
                throw failure("cannot read value state", e);
            }
        }

        @Override
        public void update(T value) {
            if (value == null) {
                clear();
                return;
            }
            DataOutputBuffer key = backend.currentKeyBytes();
            try {
                valueOut.reset();
                serializer.serialize(value, valueOut);
                write(key.array(), key.length(), valueOut);
            } catch (IOException | RocksDBException e) {
                throw failure("cannot write value state", e);
            }
        }

        @Override
        public void clear() {
            deleteCurrentKey("value state");
        }
    }

    static final class MapOf<UK, UV> extends Base implements MapState<UK, UV>, Countable {
        private final TypeSerializer<UK> keySerializer;
        private final TypeSerializer<UV> valueSerializer;

        MapOf(ColumnFamilyHandle column, RocksDbInstance db, RocksDbKeyedStateBackend<?> backend,
              TypeSerializer<UK> keySerializer, TypeSerializer<UV> valueSerializer) {
            super(column, db, backend);
            this.keySerializer = keySerializer;
            this.valueSerializer = valueSerializer;
        }

        /** [kg][key][user key] into {@link #keyOut}. */
        private void userKey(UK userKey) throws IOException {
            DataOutputBuffer prefix = backend.currentKeyBytes();
            keyOut.reset();
            keyOut.write(prefix.array(), 0, prefix.length());
            keySerializer.serialize(userKey, keyOut);
        }

        @Override
        public UV get(UK key) {
            try {
                userKey(key);
                return read(keyOut.array(), keyOut.length()) ? valueSerializer.deserialize(in) : null;
            } catch (IOException | RocksDBException e) {
                throw failure("cannot read map state", e);
            }
        }

        @Override
        public void put(UK key, UV value) {
            if (value == null) {
                throw new NullPointerException("map state values must not be null (key " + key + ")");
            }
            try {
                userKey(key);
                valueOut.reset();
                valueSerializer.serialize(value, valueOut);
                write(keyOut.array(), keyOut.length(), valueOut);
            } catch (IOException | RocksDBException e) {
                throw failure("cannot write map state", e);
            }
        }

        @Override
        public void remove(UK key) {
            try {
                userKey(key);
                db.delete(column, instance.writeOptions(), keyOut.array(), 0, keyOut.length());
            } catch (IOException | RocksDBException e) {
                throw failure("cannot remove from map state", e);
            }
        }

        @Override
        public boolean contains(UK key) {
            try {
                userKey(key);
                return read(keyOut.array(), keyOut.length());
            } catch (IOException | RocksDBException e) {
                throw failure("cannot read map state", e);
            }
        }

        @Override
        public Iterable<Map.Entry<UK, UV>> entries() {
            DataOutputBuffer prefix = backend.currentKeyBytes();
            byte[] start = Arrays.copyOf(prefix.array(), prefix.length());
            List<Map.Entry<UK, UV>> entries = new ArrayList<>();
            DataInputBuffer keyIn = new DataInputBuffer();
            try (RocksIterator it = db.newIterator(column, instance.readOptions())) {
                for (it.seek(start); it.isValid() && startsWith(it.key(), start); it.next()) {
                    byte[] k = it.key();
                    keyIn.reset(k, start.length, k.length - start.length);
                    byte[] v = it.value();
                    in.reset(v, 0, v.length);
                    entries.add(new AbstractMap.SimpleImmutableEntry<>(keySerializer.deserialize(keyIn),
                            valueSerializer.deserialize(in)));
                }
            } catch (IOException e) {
                throw failure("cannot read map state", e);
            }
            return entries;
        }

        @Override
        public boolean isEmpty() {
            DataOutputBuffer prefix = backend.currentKeyBytes();
            byte[] start = Arrays.copyOf(prefix.array(), prefix.length());
            try (RocksIterator it = db.newIterator(column, instance.readOptions())) {
                it.seek(start);
                return !(it.isValid() && startsWith(it.key(), start));
            }
        }

        @Override
        public void clear() {
            DataOutputBuffer prefix = backend.currentKeyBytes();
            byte[] start = Arrays.copyOf(prefix.array(), prefix.length());
            try {
                db.deleteRange(column, instance.writeOptions(), start, KeyBytes.successor(start));
            } catch (RocksDBException e) {
                throw failure("cannot clear map state", e);
            }
        }

        @Override
        int primaryKeyLength(byte[] key) {
            try {
                return KeyBytes.primaryKeyLength(key, backend.keySerializer(), in);
            } catch (IOException e) {
                throw failure("cannot read map state key", e);
            }
        }
    }

    static final class ListOf<T> extends Base implements ListState<T>, Countable {
        private final TypeSerializer<T> serializer;

        ListOf(ColumnFamilyHandle column, RocksDbInstance db, RocksDbKeyedStateBackend<?> backend,
               TypeSerializer<T> serializer) {
            super(column, db, backend);
            this.serializer = serializer;
        }

        @Override
        public List<T> get() {
            DataOutputBuffer key = backend.currentKeyBytes();
            try {
                if (!read(key.array(), key.length())) {
                    return List.of();
                }
                List<T> list = new ArrayList<>();
                while (in.available() > 0) {
                    in.readInt(); // the element's length: for readers without the serializer
                    list.add(serializer.deserialize(in));
                }
                return java.util.Collections.unmodifiableList(list);
            } catch (IOException | RocksDBException e) {
                throw failure("cannot read list state", e);
            }
        }

        @Override
        public void add(T value) {
            DataOutputBuffer key = backend.currentKeyBytes();
            try {
                valueOut.reset();
                appendElement(value);
                db.merge(column, instance.writeOptions(), key.array(), 0, key.length(), valueOut.array(), 0,
                        valueOut.length());
            } catch (IOException | RocksDBException e) {
                throw failure("cannot add to list state", e);
            }
        }

        @Override
        public void update(List<T> values) {
            if (values.isEmpty()) {
                clear();
                return;
            }
            DataOutputBuffer key = backend.currentKeyBytes();
            try {
                valueOut.reset();
                for (T value : values) {
                    appendElement(value);
                }
                write(key.array(), key.length(), valueOut);
            } catch (IOException | RocksDBException e) {
                throw failure("cannot write list state", e);
            }
        }

        private void appendElement(T value) throws IOException {
            int lengthAt = valueOut.length();
            valueOut.writeInt(0);
            serializer.serialize(value, valueOut);
            valueOut.writeIntAt(lengthAt, valueOut.length() - lengthAt - Integer.BYTES);
        }

        @Override
        public void clear() {
            deleteCurrentKey("list state");
        }
    }

    static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        return Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
