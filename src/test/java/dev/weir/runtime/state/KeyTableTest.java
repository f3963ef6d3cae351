package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/** Both key tables against java.util.HashMap as the model, under random puts, updates and removals. */
class KeyTableTest {

    @ParameterizedTest
    @ValueSource(strings = {"long", "object"})
    void behavesLikeAHashMap(String kind) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            // Few distinct keys (many collisions, long probe runs, removals inside runs) or many (resizes).
            int range = round % 2 == 0 ? 40 : 5_000;
            runAgainstModel(kind, random, range, seed);
        }
    }

    private static void runAgainstModel(String kind, Random random, int range, long seed) throws Exception {
        KeyTable<Object, String> table = table(kind);
        LongFunction<Object> key = kind.equals("long") ? k -> k : k -> "k" + k;
        Map<Object, String> model = new HashMap<>();
        for (int op = 0; op < 20_000; op++) {
            // Keys far apart too: negative, and multiples of large powers of two (same low bits).
            long raw = random.nextInt(range);
            long k = switch (random.nextInt(3)) {
                case 0 -> raw;
                case 1 -> -raw;
                default -> raw << 40;
            };
            Object boxed = key.apply(k);
            int action = random.nextInt(10);
            if (action < 5) {
                String value = "v" + op;
                table.put(boxed, value);
                model.put(boxed, value);
            } else if (action < 8) {
                table.remove(boxed);
                model.remove(boxed);
            } else {
                assertThat(table.get(boxed)).as("seed %d, key %s", seed, boxed).isEqualTo(model.get(boxed));
            }
        }
        assertThat(table.size()).as("seed %d", seed).isEqualTo(model.size());
        Map<Object, String> seen = new HashMap<>();
        table.forEach((k, v) -> assertThat(seen.put(k, v)).as("key %s visited once", k).isNull());
        assertThat(seen).as("seed %d", seed).isEqualTo(model);
        for (Map.Entry<Object, String> e : model.entrySet()) {
            assertThat(table.get(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(readEntries(kind, writeEntries(kind, table))).as("seed %d: written entries", seed).isEqualTo(model);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] writeEntries(String kind, KeyTable<Object, String> table) throws Exception {
        DataOutputBuffer out = new DataOutputBuffer(64);
        TypeSerializer keys = kind.equals("long") ? Types.LONG : Types.STRING;
        table.writeEntries(out, keys, Types.STRING);
        return out.toByteArray();
    }

    /** Reads (key, value) pairs with the key's own serializer: the format a restore reads. */
    private static Map<Object, String> readEntries(String kind, byte[] bytes) throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        Map<Object, String> entries = new HashMap<>();
        while (in.available() > 0) {
            Object key = kind.equals("long") ? Types.LONG.deserialize(in) : Types.STRING.deserialize(in);
            assertThat(entries.put(key, Types.STRING.deserialize(in))).as("key %s written once", key).isNull();
        }
        return entries;
    }

    @ParameterizedTest
    @ValueSource(strings = {"long", "object"})
    void aTableWithRoomReservedTakesThatManyEntriesWithoutGrowing(String kind) throws Exception {
        LongFunction<Object> key = kind.equals("long") ? k -> k : k -> "k" + k;
        KeyTable<Object, String> written = table(kind);
        for (long k = 0; k < 20_000; k++) {
            written.put(key.apply(k), "v" + k);
        }
        List<Object> order = new ArrayList<>(); // by hash: the order a snapshot writes them in
        written.forEach((k, v) -> order.add(k));
        KeyTable<Object, String> restored = table(kind);
        restored.reserve(order.size());
        for (Object k : order) {
            restored.put(k, "restored");
        }
        assertThat(restored.size()).isEqualTo(20_000);
        assertThat(written.growths()).isPositive();
        assertThat(restored.growths()).isZero();
        restored.reserve(10); // never shrinks
        restored.put(key.apply(20_000), "one more"); // room for it still: 20,001 < 3/4 of 32,768
        assertThat(restored.growths()).isZero();
        for (Object k : order) {
            assertThat(restored.get(k)).isEqualTo("restored");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"long", "object"})
    void refusesNullValues(String kind) {
        KeyTable<Object, String> table = table(kind);
        Object key = kind.equals("long") ? (Object) 1L : "one";
        assertThatThrownBy(() -> table.put(key, null)).isInstanceOf(NullPointerException.class);
        assertThat(table.size()).isZero();
    }

    @SuppressWarnings("unchecked")
    private static KeyTable<Object, String> table(String kind) {
        KeyTable<?, String> table = kind.equals("long")
                ? KeyTable.<Long, String>create(Types.LONG, Types.STRING, new SnapshotVersions())
                : KeyTable.<String, String>create(Types.STRING, Types.STRING, new SnapshotVersions());
        return (KeyTable<Object, String>) table;
    }
}
