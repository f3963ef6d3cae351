package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.state.serialization.Types;

/**
 * Copy-on-write snapshots hold the state as it was at the capture, whatever happens before they
 * are written: puts, removals, resizes, and values changed in place after a read (as keyed-count
 * does), with several snapshots in flight at once.
 */
class CopyOnWriteSnapshotTest {

    private static final int MAX_PARALLELISM = 8;
    private static final StateDescriptor.Value<long[]> COUNT_SUM = StateDescriptor.value("count-sum", Types.LONG_ARRAY);
    /** The same state kept inline (long keys, fixed-length values): same bytes, values copied in and out. */
    private static final StateDescriptor.Value<long[]> COUNT_SUM_INLINE = StateDescriptor.value("count-sum", Types.longArray(2));
    private static final StateDescriptor.MapOf<String, Long> SEEN = StateDescriptor.map("seen", Types.STRING, Types.LONG);

    /** A capture and the model's content at that moment. */
    private record InFlight(KeyGroupsSnapshot snapshot, Map<Long, List<Long>> expected) {}

    @ParameterizedTest
    @ValueSource(strings = {"long", "object", "inline"})
    void snapshotsWrittenLaterHoldTheStateOfTheirCapture(String keyKind) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        boolean inline = keyKind.equals("inline");
        boolean longKeys = !keyKind.equals("object");
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        @SuppressWarnings({"unchecked", "rawtypes"})
        HeapKeyedStateBackend<Object> backend = new HeapKeyedStateBackend(longKeys ? Types.LONG : Types.STRING, all,
                MAX_PARALLELISM);
        ValueState<long[]> state = backend.getState(inline ? COUNT_SUM_INLINE : COUNT_SUM);
        MapState<String, Long> seen = backend.getState(SEEN);
        Map<Long, List<Long>> model = new HashMap<>();
        ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        int written = 0;
        for (int op = 0; op < 30_000; op++) {
            long k = random.nextInt(op < 15_000 ? 300 : 3_000); // later: many new keys, so the tables resize
            backend.setCurrentKey(longKeys ? (Object) k : "k" + k);
            int action = random.nextInt(20);
            if (action < 12) {
                // read, change in place, write back: the snapshot must not see the change
                long[] value = state.value();
                if (value == null) {
                    value = new long[2];
                }
                value[0]++;
                value[1] += op;
                if (inline || random.nextBoolean()) {
                    state.update(value); // inline values change only by update()
                } else {
                    // changed in place without update(): still a change of the live state only
                    if (value[0] == 1) {
                        state.update(value);
                    }
                }
                seen.put("m", (long) op);
                model.put(k, List.of(value[0], value[1], (long) op));
            } else if (action < 15) {
                state.clear();
                seen.clear();
                model.remove(k);
            } else if (action < 16) {
                inFlight.add(new InFlight((KeyGroupsSnapshot) backend.snapshot(op, CheckpointType.CHECKPOINT),
                        new HashMap<>(model)));
            } else if (action < 17 && !inFlight.isEmpty()) {
                // oldest first or newest first: either order of completion
                InFlight done = random.nextBoolean() ? inFlight.pollFirst() : inFlight.pollLast();
                assertThat(read(done.snapshot().writeToBytes(), longKeys, all))
                        .as("seed %d, op %d", seed, op).isEqualTo(done.expected());
                written++;
            }
        }
        while (!inFlight.isEmpty()) {
            InFlight done = inFlight.poll();
            assertThat(read(done.snapshot().writeToBytes(), longKeys, all)).as("seed %d", seed).isEqualTo(done.expected());
            written++;
        }
        assertThat(written).isGreaterThan(100);
        assertThat(backend.snapshotsInFlight()).isZero();
        // and the live state is the model's
        assertThat(read(backend.snapshot(), longKeys, all)).as("seed %d", seed).isEqualTo(model);
    }

    @Test
    void aReleasedSnapshotStopsTheCopying() throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        HeapKeyedStateBackend<Long> backend = new HeapKeyedStateBackend<>(Types.LONG, all, MAX_PARALLELISM);
        ValueState<long[]> state = backend.getState(COUNT_SUM);
        backend.setCurrentKey(1L);
        state.update(new long[] {1, 1});
        long[] before = state.value();
        KeyedStateSnapshot snapshot = backend.snapshot(1, CheckpointType.CHECKPOINT);
        long[] copied = state.value();
        assertThat(copied).isNotSameAs(before).containsExactly(1, 1);
        snapshot.release();
        snapshot.release(); // idempotent
        assertThat(backend.snapshotsInFlight()).isZero();
        assertThat(state.value()).as("no snapshot in flight: the live object").isSameAs(copied);
    }

    /** Decodes canonical key groups of COUNT_SUM and SEEN into key → (count, sum, seen["m"]). */
    private static Map<Long, List<Long>> read(TreeMap<Integer, byte[]> keyGroups, boolean longKeys, KeyGroupRange range)
            throws Exception {
        Map<Long, List<Long>> content = new HashMap<>();
        Map<Long, Long> seenM = new HashMap<>();
        for (Map.Entry<Integer, byte[]> e : keyGroups.entrySet()) {
            KeyGroupsFormat.readKeyGroup(e.getKey(), range, e.getValue(), (index, name, bytes) -> {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    long key = longKeys ? Types.LONG.deserialize(in) : Long.parseLong(Types.STRING.deserialize(in).substring(1));
                    if (name.equals("count-sum")) {
                        long[] v = Types.LONG_ARRAY.deserialize(in);
                        content.put(key, new ArrayList<>(Arrays.asList(v[0], v[1])));
                    } else {
                        HashMap<String, Long> map = CollectionSerializers.hashMap(Types.STRING, Types.LONG).deserialize(in);
                        seenM.put(key, map.get("m"));
                    }
                }
            });
        }
        content.forEach((k, v) -> v.add(seenM.get(k)));
        return content;
    }

}
