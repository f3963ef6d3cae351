package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.serialization.Types;

/**
 * What every keyed-state backend must do, for the heap backend and RocksDB, each with full and with
 * incremental checkpoints: value, map and list state survive a snapshot and restore, split across
 * a higher parallelism and merge into a lower one, and savepoints of one backend restore into
 * the other.
 */
class KeyedStateBackendContractTest {

    private static final int MAX_PARALLELISM = 16;
    private static final StateDescriptor.Value<Long> COUNT = StateDescriptor.value("count", Types.LONG);
    private static final StateDescriptor.MapOf<String, Integer> SEEN = StateDescriptor.map("seen", Types.STRING, Types.INT);
    private static final StateDescriptor.ListOf<String> EVENTS = StateDescriptor.list("events", Types.STRING);

    enum Backend {
        HEAP, HEAP_INCREMENTAL, ROCKSDB_FULL, ROCKSDB_INCREMENTAL;

        StateBackendSettings settings(Path dir) {
            return switch (this) {
                case HEAP -> StateBackendSettings.HEAP;
                case HEAP_INCREMENTAL -> StateBackendSettings.HEAP_INCREMENTAL;
                case ROCKSDB_FULL -> new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, false, dir);
                case ROCKSDB_INCREMENTAL -> new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, true, dir);
            };
        }
    }

    @TempDir
    Path dir;
    private final InMemorySnapshotStore store = new InMemorySnapshotStore();
    private final List<KeyedStateBackend<?>> opened = new ArrayList<>();

    @AfterEach
    void closeBackends() {
        opened.forEach(KeyedStateBackend::close);
    }

    private KeyedStateBackend<Long> backend(Backend kind, KeyGroupRange range) {
        KeyedStateBackend<Long> b = KeyedStateBackends.create(kind.settings(dir), Types.LONG, range, MAX_PARALLELISM,
                "test-" + range);
        opened.add(b);
        return b;
    }

    private static void fill(KeyedStateBackend<Long> b, long from, long to) {
        ValueState<Long> count = b.getState(COUNT);
        MapState<String, Integer> seen = b.getState(SEEN);
        ListState<String> events = b.getState(EVENTS);
        for (long k = from; k < to; k++) {
            if (!b.keyGroupRange().contains(KeyGroupAssignment.keyGroupFor(k, MAX_PARALLELISM))) {
                continue;
            }
            b.setCurrentKey(k);
            count.update(k * 10);
            seen.put("a" + k, (int) k);
            seen.put("b", 1);
            events.add("e" + k);
            events.add("f" + k);
        }
    }

    private static void assertContent(KeyedStateBackend<Long> b, long from, long to) {
        ValueState<Long> count = b.getState(COUNT);
        MapState<String, Integer> seen = b.getState(SEEN);
        ListState<String> events = b.getState(EVENTS);
        for (long k = from; k < to; k++) {
            if (!b.keyGroupRange().contains(KeyGroupAssignment.keyGroupFor(k, MAX_PARALLELISM))) {
                continue;
            }
            b.setCurrentKey(k);
            assertThat(count.value()).as("key %d", k).isEqualTo(k * 10);
            assertThat(seen.get("a" + k)).isEqualTo((int) k);
            assertThat(seen.get("b")).isEqualTo(1);
            assertThat(seen.contains("c")).isFalse();
            Map<String, Integer> entries = new HashMap<>();
            seen.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
            assertThat(entries).containsOnlyKeys("a" + k, "b");
            assertThat(events.get()).containsExactly("e" + k, "f" + k);
        }
    }

    /** Takes a snapshot and writes it as the upload thread would. */
    private KeyedStateHandle snapshot(KeyedStateBackend<?> b, long id, CheckpointType type) throws Exception {
        KeyedStateSnapshot s = b.snapshot(id, type);
        InMemorySnapshotStore.Output out = store.output(id, b.keyGroupRange().toString());
        KeyedStateHandle handle = s.write(out);
        out.finish();
        return handle;
    }

    /** Writes a snapshot taken at a barrier, as the upload thread would, later. */
    private KeyedStateHandle write(KeyedStateSnapshot s, long id, KeyGroupRange range) throws Exception {
        InMemorySnapshotStore.Output out = store.output(id, range.toString());
        KeyedStateHandle handle = s.write(out);
        out.finish();
        return handle;
    }

    /** Writes after a barrier, before its snapshot is written: key 7 changed, key 1000 new. */
    private static void changeAfterTheBarrier(KeyedStateBackend<Long> b) {
        b.setCurrentKey(7L);
        b.getState(COUNT).update(-1L);
        b.getState(EVENTS).add("late");
        b.setCurrentKey(1000L);
        b.getState(COUNT).update(1L);
    }

    /** What a restore of {@code range} gets from these snapshots (StateAssignment's rule). */
    static KeyedStateRestore restoreOf(InMemorySnapshotStore store, List<KeyedStateHandle> handles, KeyGroupRange range)
            throws Exception {
        Map<Integer, byte[]> keyGroups = new HashMap<>();
        List<IncrementalStateHandle> incremental = new ArrayList<>();
        Map<Integer, List<byte[]>> changelog = new HashMap<>();
        for (KeyedStateHandle h : handles) {
            if (h.changelog() != null) {
                for (Map.Entry<Integer, List<StateHandle>> e : h.changelog().entrySet()) {
                    if (range.contains(e.getKey())) {
                        List<byte[]> chain = new ArrayList<>();
                        for (StateHandle link : e.getValue()) {
                            chain.add(store.read(link));
                        }
                        changelog.put(e.getKey(), chain);
                    }
                }
            }
            for (Map.Entry<Integer, StateHandle> e : h.keyGroups().entrySet()) {
                if (range.contains(e.getKey())) {
                    keyGroups.put(e.getKey(), store.read(e.getValue()));
                }
            }
            if (h.incremental() != null && h.incremental().overlaps(range.start(), range.end())) {
                incremental.add(h.incremental());
            }
        }
        return new KeyedStateRestore(keyGroups, incremental, store, true, changelog);
    }

    private KeyedStateRestore restoreOf(List<KeyedStateHandle> handles, KeyGroupRange range) throws Exception {
        return restoreOf(store, handles, range);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void valueMapAndListStateSurviveSnapshotAndRestore(Backend kind) throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        KeyedStateBackend<Long> original = backend(kind, all);
        original.restore(KeyedStateRestore.NONE);
        fill(original, 0, 300);
        KeyedStateHandle handle = snapshot(original, 1, CheckpointType.CHECKPOINT);
        assertThat(handle.incremental() != null).as("database files").isEqualTo(kind == Backend.ROCKSDB_INCREMENTAL);
        assertThat(handle.changelog() != null).as("heap chains").isEqualTo(kind == Backend.HEAP_INCREMENTAL);
        assertThat(handle.keyGroups().isEmpty()).as("canonical key groups")
                .isEqualTo(kind == Backend.ROCKSDB_INCREMENTAL || kind == Backend.HEAP_INCREMENTAL);
        // changes after the barrier are not in the snapshot
        original.setCurrentKey(7L);
        original.getState(COUNT).update(-1L);
        original.getState(EVENTS).add("late");

        KeyedStateBackend<Long> restored = backend(kind, all);
        restored.restore(restoreOf(List.of(handle), all));
        assertContent(restored, 0, 300);
        assertThat(restored.size("count")).isEqualTo(300);
    }

    @ParameterizedTest
    @CsvSource({"HEAP,2,3", "HEAP,3,2", "HEAP_INCREMENTAL,2,3", "HEAP_INCREMENTAL,3,1", "ROCKSDB_FULL,2,3", "ROCKSDB_INCREMENTAL,2,3", "ROCKSDB_INCREMENTAL,3,2",
            "ROCKSDB_INCREMENTAL,1,4", "ROCKSDB_INCREMENTAL,4,1"})
    void stateMovesWithItsKeyGroupsToAnotherParallelism(Backend kind, int before, int after) throws Exception {
        List<KeyedStateHandle> handles = new ArrayList<>();
        for (int subtask = 0; subtask < before; subtask++) {
            KeyedStateBackend<Long> b = backend(kind, KeyGroupAssignment.rangeFor(subtask, MAX_PARALLELISM, before));
            b.restore(KeyedStateRestore.NONE);
            fill(b, 0, 500);
            handles.add(snapshot(b, 5, CheckpointType.CHECKPOINT));
        }
        long keys = 0;
        for (int subtask = 0; subtask < after; subtask++) {
            KeyGroupRange range = KeyGroupAssignment.rangeFor(subtask, MAX_PARALLELISM, after);
            KeyedStateBackend<Long> b = backend(kind, range);
            b.restore(restoreOf(handles, range));
            assertContent(b, 0, 500);
            keys += b.size("count");
        }
        assertThat(keys).as("every key restored exactly once").isEqualTo(500);
    }

    @ParameterizedTest
    @CsvSource({"HEAP,ROCKSDB_INCREMENTAL", "ROCKSDB_INCREMENTAL,HEAP", "ROCKSDB_FULL,HEAP", "HEAP,ROCKSDB_FULL",
            "HEAP_INCREMENTAL,ROCKSDB_INCREMENTAL", "ROCKSDB_INCREMENTAL,HEAP_INCREMENTAL"})
    void aSavepointOfOneBackendRestoresIntoTheOther(Backend from, Backend to) throws Exception {
        List<KeyedStateHandle> handles = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            KeyedStateBackend<Long> b = backend(from, KeyGroupAssignment.rangeFor(subtask, MAX_PARALLELISM, 2));
            b.restore(KeyedStateRestore.NONE);
            fill(b, 0, 200);
            KeyedStateHandle h = snapshot(b, 9, CheckpointType.SAVEPOINT);
            assertThat(h.incremental()).as("savepoints are self-contained key groups").isNull();
            assertThat(h.changelog()).as("savepoints are self-contained key groups").isNull();
            handles.add(h);
        }
        for (int subtask = 0; subtask < 3; subtask++) {
            KeyGroupRange range = KeyGroupAssignment.rangeFor(subtask, MAX_PARALLELISM, 3);
            KeyedStateBackend<Long> b = backend(to, range);
            b.restore(restoreOf(handles, range));
            assertContent(b, 0, 200);
        }
    }

    @Test
    void theHeapBackendRefusesAnIncrementalCheckpointWithAReason() throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        KeyedStateBackend<Long> rocks = backend(Backend.ROCKSDB_INCREMENTAL, all);
        rocks.restore(KeyedStateRestore.NONE);
        fill(rocks, 0, 10);
        KeyedStateHandle handle = snapshot(rocks, 1, CheckpointType.CHECKPOINT);
        KeyedStateBackend<Long> heap = backend(Backend.HEAP, all);
        assertThatThrownBy(() -> heap.restore(restoreOf(List.of(handle), all)))
                .isInstanceOf(dev.weir.runtime.dataflow.UnrecoverableJobException.class)
                .hasMessageContaining("spec.stateBackend.type: rocksdb");
    }

    /** A checkpoint's map state "seen" declared again as a value state of another type: refused, never misread. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aStateDeclaredAgainAsAnotherKindIsRefusedWithAReason(Backend kind) throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        KeyedStateBackend<Long> first = backend(kind, all);
        first.restore(KeyedStateRestore.NONE);
        fill(first, 0, 50);
        KeyedStateHandle handle = snapshot(first, 1, CheckpointType.CHECKPOINT);
        KeyedStateBackend<Long> restored = backend(kind, all);
        restored.restore(restoreOf(List.of(handle), all));
        StateDescriptor.Value<Long> seenAsValue = StateDescriptor.value("seen", Types.LONG);
        assertThatThrownBy(() -> {
            ValueState<Long> seen = restored.getState(seenAsValue);
            restored.setCurrentKey(3L);
            seen.value();
        }).isInstanceOf(dev.weir.runtime.dataflow.UnrecoverableJobException.class)
                .hasMessageContaining("'seen'")
                .hasMessageContaining("another name");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void stateNobodyRegistersAfterARestoreIsCarriedIntoTheNextSnapshot(Backend kind) throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        KeyedStateBackend<Long> first = backend(kind, all);
        first.restore(KeyedStateRestore.NONE);
        fill(first, 0, 50);
        KeyedStateHandle h1 = snapshot(first, 1, CheckpointType.CHECKPOINT);
        // the second run touches only COUNT; SEEN and EVENTS must still come back in the third
        KeyedStateBackend<Long> second = backend(kind, all);
        second.restore(restoreOf(List.of(h1), all));
        second.getState(COUNT);
        KeyedStateHandle h2 = snapshot(second, 2, CheckpointType.CHECKPOINT);
        KeyedStateBackend<Long> third = backend(kind, all);
        third.restore(restoreOf(List.of(h2), all));
        assertContent(third, 0, 50);
    }

    @Test
    void anIncrementalCheckpointUploadsOnlyTheFilesTheLastCompletedOneDidNotHave() throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        KeyedStateBackend<Long> b = backend(Backend.ROCKSDB_INCREMENTAL, all);
        b.restore(KeyedStateRestore.NONE);
        fill(b, 0, 2_000);
        KeyedStateHandle first = snapshot(b, 1, CheckpointType.CHECKPOINT);
        long uploadsOfFirst = store.sharedUploads.get();
        assertThat(uploadsOfFirst).isPositive();
        assertThat(first.incremental().sharedFiles()).allMatch(f -> f.createdIn() == 1);

        // Not known to be complete yet: nothing may be reused (checkpoint 1 could still fail).
        KeyedStateHandle second = snapshot(b, 2, CheckpointType.CHECKPOINT);
        assertThat(second.incremental().sharedFiles()).allMatch(f -> f.createdIn() == 2);
        b.notifyCheckpointComplete(2);

        // Nothing changed: nothing new to upload, the same files are referred to.
        long before = store.sharedUploads.get();
        KeyedStateHandle third = snapshot(b, 3, CheckpointType.CHECKPOINT);
        assertThat(store.sharedUploads.get()).isEqualTo(before);
        assertThat(third.incremental().sharedFiles()).isEqualTo(second.incremental().sharedFiles());
        b.notifyCheckpointComplete(3);

        // A few keys changed: one small new file (the flushed memtable), the rest reused.
        b.setCurrentKey(5L);
        b.getState(COUNT).update(55L);
        long bytesBefore = store.sharedBytesUploaded.get();
        KeyedStateHandle fourth = snapshot(b, 4, CheckpointType.CHECKPOINT);
        assertThat(fourth.incremental().sharedFiles()).filteredOn(f -> f.createdIn() == 4).hasSize(1);
        assertThat(store.sharedBytesUploaded.get() - bytesBefore).isLessThan(first.incremental().size() / 4);
        assertThat(fourth.incremental().uploadedSize(4)).isLessThan(fourth.incremental().size());

        // An abort drops the base: the next checkpoint uploads everything afresh.
        b.notifyCheckpointAborted(5);
        KeyedStateHandle sixth = snapshot(b, 6, CheckpointType.CHECKPOINT);
        assertThat(sixth.incremental().sharedFiles()).allMatch(f -> f.createdIn() == 6);

        KeyedStateBackend<Long> restored = backend(Backend.ROCKSDB_INCREMENTAL, all);
        restored.restore(restoreOf(List.of(fourth), all));
        restored.setCurrentKey(5L);
        assertThat(restored.getState(COUNT).value()).isEqualTo(55L);
        b.setCurrentKey(6L);
        assertContent(restored, 6, 2_000);
    }

    @Test
    void anIncrementalCheckpointHoldsExactlyTheStateAtItsBarrier() throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        KeyedStateBackend<Long> b = backend(Backend.ROCKSDB_INCREMENTAL, all);
        b.restore(KeyedStateRestore.NONE);
        fill(b, 0, 300);
        KeyedStateSnapshot atBarrier = b.snapshot(1, CheckpointType.CHECKPOINT);
        changeAfterTheBarrier(b);
        KeyedStateHandle handle = write(atBarrier, 1, all);
        assertThat(handle.incremental()).as("database files").isNotNull();

        KeyedStateBackend<Long> restored = backend(Backend.ROCKSDB_INCREMENTAL, all);
        restored.restore(restoreOf(List.of(handle), all));
        assertContent(restored, 0, 300);
        restored.setCurrentKey(1000L);
        assertThat(restored.getState(COUNT).value()).isNull();
    }

    @Test
    void whenNewerEntriesAreFlushedBeforeTheFilesAreLinkedTheStateAtTheBarrierIsWrittenInFull() throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        KeyedStateBackend<Long> b = backend(Backend.ROCKSDB_INCREMENTAL, all);
        b.restore(KeyedStateRestore.NONE);
        fill(b, 0, 300);
        KeyedStateSnapshot first = b.snapshot(1, CheckpointType.CHECKPOINT);
        changeAfterTheBarrier(b);
        // the next barrier switches the memtable that holds the changes: they are flushed before the first is written
        KeyedStateSnapshot second = b.snapshot(2, CheckpointType.CHECKPOINT);
        KeyedStateHandle firstHandle = write(first, 1, all);
        KeyedStateHandle secondHandle = write(second, 2, all);
        assertThat(firstHandle.incremental()).as("database files of the first").isNull();
        assertThat(firstHandle.keyGroups()).as("canonical key groups of the first").isNotEmpty();
        assertThat(secondHandle.incremental()).as("database files of the second").isNotNull();

        KeyedStateBackend<Long> atFirst = backend(Backend.ROCKSDB_INCREMENTAL, all);
        atFirst.restore(restoreOf(List.of(firstHandle), all));
        assertContent(atFirst, 0, 300);
        atFirst.setCurrentKey(1000L);
        assertThat(atFirst.getState(COUNT).value()).isNull();

        KeyedStateBackend<Long> atSecond = backend(Backend.ROCKSDB_INCREMENTAL, all);
        atSecond.restore(restoreOf(List.of(secondHandle), all));
        atSecond.setCurrentKey(7L);
        assertThat(atSecond.getState(COUNT).value()).isEqualTo(-1L);
        assertThat(atSecond.getState(EVENTS).get()).containsExactly("e7", "f7", "late");
        atSecond.setCurrentKey(1000L);
        assertThat(atSecond.getState(COUNT).value()).isEqualTo(1L);
        assertContent(atSecond, 8, 300);
    }

    @Test
    void afterARestoreAtTheSameRangeTheFirstCheckpointReusesTheRestoredFiles() throws Exception {
        KeyGroupRange all = new KeyGroupRange(0, MAX_PARALLELISM - 1);
        KeyedStateBackend<Long> b = backend(Backend.ROCKSDB_INCREMENTAL, all);
        b.restore(KeyedStateRestore.NONE);
        fill(b, 0, 1_000);
        KeyedStateHandle first = snapshot(b, 1, CheckpointType.CHECKPOINT);
        KeyedStateBackend<Long> restored = backend(Backend.ROCKSDB_INCREMENTAL, all);
        restored.restore(restoreOf(List.of(first), all));
        long before = store.sharedUploads.get();
        KeyedStateHandle next = snapshot(restored, 7, CheckpointType.CHECKPOINT);
        assertThat(store.sharedUploads.get()).isEqualTo(before);
        assertThat(next.incremental().sharedFiles()).isEqualTo(first.incremental().sharedFiles());
    }

    @Test
    void keysOfAnotherSubtaskAreRefused() {
        KeyedStateBackend<Long> b = backend(Backend.ROCKSDB_INCREMENTAL, KeyGroupAssignment.rangeFor(0, MAX_PARALLELISM, 2));
        long foreign = LongStream.range(0, 100)
                .filter(k -> KeyGroupAssignment.keyGroupFor(k, MAX_PARALLELISM) >= MAX_PARALLELISM / 2)
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> b.setCurrentKey(foreign)).hasMessageContaining("outside this subtask's range");
    }
}
