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

import org.junit.jupiter.api.Test;

import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.FixedLengthSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * The table of inline values against java.util.HashMap as the model (random puts, removals, keys
 * that collide), its entries and changes written with the bytes of {@link Types#LONG_ARRAY}, and
 * its change log holding the values as of the end of each version.
 */
class InlineLongKeyTableTest {

    @Test
    void behavesLikeAHashMap() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            // Few distinct keys (long probe runs, removals inside runs) or many (resizes).
            int range = round % 2 == 0 ? 40 : 5_000;
            InlineLongKeyTable<long[]> table = new InlineLongKeyTable<>(Types.longArray(2), new SnapshotVersions());
            Map<Long, List<Long>> model = new HashMap<>();
            for (int op = 0; op < 20_000; op++) {
                long raw = random.nextInt(range);
                long k = switch (random.nextInt(3)) {
                    case 0 -> raw;
                    case 1 -> -raw;
                    default -> raw << 40; // same low bits
                };
                int action = random.nextInt(10);
                if (action < 5) {
                    table.put(k, new long[] {op, k});
                    model.put(k, List.of((long) op, k));
                } else if (action < 8) {
                    table.remove(k);
                    model.remove(k);
                } else {
                    // A prefetch of any key, between a read's lookup and its use too, changes nothing.
                    InlineLongKeyTable<long[]> t = table;
                    long other = random.nextInt(range);
                    t.touch(t.prefetchOffset(other));
                    int offset = t.prefetchOffset(k);
                    long[] v = table.get(k);
                    t.touch(offset);
                    assertThat(v == null ? null : List.of(v[0], v[1])).as("seed %d, key %d", seed, k)
                            .isEqualTo(model.get(k));
                }
            }
            assertThat(table.size()).as("seed %d", seed).isEqualTo(model.size());
            Map<Long, List<Long>> seen = new HashMap<>();
            table.forEach((k, v) -> assertThat(seen.put(k, List.of(v[0], v[1]))).as("key %d visited once", k).isNull());
            assertThat(seen).as("seed %d", seed).isEqualTo(model);

            DataOutputBuffer out = new DataOutputBuffer(64);
            table.writeEntries(out, Types.LONG, Types.longArray(2));
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
            Map<Long, List<Long>> written = new HashMap<>();
            while (in.available() > 0) {
                long key = Types.LONG.deserialize(in);
                long[] v = Types.LONG_ARRAY.deserialize(in); // the bytes of the object tables
                written.put(key, List.of(v[0], v[1]));
            }
            assertThat(written).as("seed %d: written entries", seed).isEqualTo(model);
        }
    }

    @Test
    void aValueReadIsACopyThatChangesNothingUntilPut() {
        InlineLongKeyTable<long[]> table = new InlineLongKeyTable<>(Types.longArray(2), new SnapshotVersions());
        table.put(7L, new long[] {1, 2});
        long[] v = table.get(7L);
        v[0] = 99;
        assertThat(table.get(7L)).containsExactly(1, 2);
        table.put(7L, v);
        assertThat(table.get(7L)).containsExactly(99, 2);
    }

    @Test
    void refusesNullValuesAndValuesOfAnotherLength() {
        InlineLongKeyTable<long[]> table = new InlineLongKeyTable<>(Types.longArray(2), new SnapshotVersions());
        assertThatThrownBy(() -> table.put(1L, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> table.put(1L, new long[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 2");
        assertThat(table.size()).isZero();
        assertThat(table.get(1L)).isNull();
    }

    /** Once per key and version with its value when the version ended, or when it was removed; in order. */
    @Test
    void logsEachKeysLastValueOfAVersion() throws Exception {
        SnapshotVersions versions = new SnapshotVersions(true);
        InlineLongKeyTable<Long> table = new InlineLongKeyTable<>((FixedLengthSerializer<Long>) Types.LONG, versions);
        table.put(1L, 10L);
        versions.capture(); // the first capture: from now on changes are logged
        versions.released();
        int first = versions.current();
        table.put(1L, 11L);
        table.put(2L, 20L);
        table.put(1L, 12L);
        table.remove(2L);
        table.put(2L, 21L);
        table.put(2L, 22L);
        versions.capture();
        table.put(1L, 13L); // the next version: not in the captured one's changes
        assertThat(changes(table.changesSince(first - 1))).containsExactly("1=12", "2=20", "2 removed", "2=22", "1=13");
        assertThat(changes(table.changesSince(first))).containsExactly("1=13");
    }

    private static List<String> changes(ChangeLog.Segment[] segments) throws Exception {
        DataOutputBuffer out = new DataOutputBuffer(64);
        for (ChangeLog.Segment s : segments) {
            s.write(out, Types.LONG, Types.LONG);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
        List<String> changes = new ArrayList<>();
        while (in.available() > 0) {
            boolean removed = in.readBoolean();
            long key = in.readLong();
            changes.add(removed ? key + " removed" : key + "=" + in.readLong());
        }
        return changes;
    }
}
