package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testkit.KeyedFunctionHarness;

/**
 * State TTL (processing time, Flink's semantics) on every backend: an expired entry is never
 * returned and is removed on access; what renews an entry; map entries and list elements expire
 * one by one; the heap backend leaves expired entries out of snapshots and drops them on restore.
 */
class StateTtlTest {

    private static final int MAX_PARALLELISM = 16;
    private static final KeyGroupRange ALL = new KeyGroupRange(0, MAX_PARALLELISM - 1);
    private static final StateTtlConfig TEN_SECONDS = StateTtlConfig.of(Duration.ofSeconds(10));
    private static final StateDescriptor.Value<Long> LAST = StateDescriptor.value("last", Types.LONG).withTtl(TEN_SECONDS);
    private static final StateDescriptor.MapOf<String, Integer> SEEN =
            StateDescriptor.map("seen", Types.STRING, Types.INT).withTtl(TEN_SECONDS);
    private static final StateDescriptor.ListOf<String> EVENTS = StateDescriptor.list("events", Types.STRING).withTtl(TEN_SECONDS);

    enum Backend {
        HEAP, ROCKSDB;

        StateBackendSettings settings(Path dir) {
            return this == HEAP ? StateBackendSettings.HEAP : new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, false, dir);
        }
    }

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(1_000);
    private final InMemorySnapshotStore store = new InMemorySnapshotStore();
    private final List<KeyedStateBackend<?>> opened = new ArrayList<>();

    @AfterEach
    void closeBackends() {
        opened.forEach(KeyedStateBackend::close);
    }

    private KeyedStateBackend<Long> backend(Backend kind, KeyedStateRestore restore) throws Exception {
        KeyedStateBackend<Long> b = KeyedStateBackends.create(kind.settings(dir), Types.LONG, ALL, MAX_PARALLELISM,
                "ttl-" + opened.size());
        opened.add(b);
        b.setTtlTimeProvider(now::get);
        b.restore(restore);
        return b;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aValueExpiresItsTimeToLiveAfterItsLastWriteAndIsNeverReturnedAfter(Backend kind) throws Exception {
        KeyedStateBackend<Long> b = backend(kind, KeyedStateRestore.NONE);
        ValueState<Long> last = b.getState(LAST);
        b.setCurrentKey(1L);
        last.update(10L);
        now.addAndGet(9_999);
        assertThat(last.value()).as("1 ms before it expires; reading does not renew it").isEqualTo(10L);
        now.addAndGet(1);
        assertThat(last.value()).isNull();
        now.addAndGet(-5_000);
        assertThat(last.value()).as("removed on access: gone even if the clock went back").isNull();

        last.update(11L);
        now.addAndGet(6_000);
        last.update(12L);
        now.addAndGet(6_000);
        assertThat(last.value()).as("each write renews it").isEqualTo(12L);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withUpdateOnReadAReadRenewsTheValue(Backend kind) throws Exception {
        KeyedStateBackend<Long> b = backend(kind, KeyedStateRestore.NONE);
        ValueState<Long> last = b.getState(StateDescriptor.value("read-renewed", Types.LONG)
                .withTtl(TEN_SECONDS.updateOnReadAndWrite()));
        b.setCurrentKey(1L);
        last.update(10L);
        for (int i = 0; i < 5; i++) {
            now.addAndGet(9_000);
            assertThat(last.value()).isEqualTo(10L);
        }
        now.addAndGet(10_000);
        assertThat(last.value()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void mapEntriesAndListElementsExpireOneByOne(Backend kind) throws Exception {
        KeyedStateBackend<Long> b = backend(kind, KeyedStateRestore.NONE);
        MapState<String, Integer> seen = b.getState(SEEN);
        ListState<String> events = b.getState(EVENTS);
        b.setCurrentKey(3L);
        seen.put("old", 1);
        events.add("old");
        now.addAndGet(5_000);
        seen.put("new", 2);
        events.add("new");
        assertThat(seen.entries()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("old", "new");
        now.addAndGet(5_000);

        assertThat(seen.get("old")).isNull();
        assertThat(seen.contains("old")).isFalse();
        assertThat(seen.get("new")).isEqualTo(2);
        assertThat(seen.entries()).extracting(Map.Entry::getKey).containsExactly("new");
        assertThat(events.get()).containsExactly("new");
        now.addAndGet(5_000);
        assertThat(seen.isEmpty()).isTrue();
        assertThat(events.get()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void whatExpiredBeforeARestoreIsNotReturnedAfterIt(Backend kind) throws Exception {
        KeyedStateBackend<Long> b = backend(kind, KeyedStateRestore.NONE);
        ValueState<Long> last = b.getState(LAST);
        fill(b, last, 0, 50);
        now.addAndGet(5_000);
        fill(b, last, 50, 100);
        KeyedStateHandle handle = snapshot(b);
        now.addAndGet(5_000);

        KeyedStateBackend<Long> restored = backend(kind, restoreOf(handle));
        ValueState<Long> again = restored.getState(LAST);
        for (long key = 0; key < 100; key++) {
            restored.setCurrentKey(key);
            assertThat(again.value()).as("key " + key).isEqualTo(key < 50 ? null : key);
        }
    }

    @Test
    void theHeapBackendLeavesExpiredEntriesOutOfItsSnapshots() throws Exception {
        KeyedStateBackend<Long> b = backend(Backend.HEAP, KeyedStateRestore.NONE);
        ValueState<Long> last = b.getState(LAST);
        MapState<String, Integer> seen = b.getState(SEEN);
        fill(b, last, 0, 50);
        b.setCurrentKey(7L);
        seen.put("old", 1);
        now.addAndGet(5_000);
        fill(b, last, 50, 100);
        b.setCurrentKey(7L);
        seen.put("new", 2);
        now.addAndGet(5_000);
        KeyedStateHandle handle = snapshot(b);

        now.set(0); // were the expired entries in the snapshot, a restore with this clock would return them
        KeyedStateBackend<Long> restored = backend(Backend.HEAP, restoreOf(handle));
        assertThat(restored.getState(LAST)).isNotNull();
        assertThat(restored.size("last")).isEqualTo(50);
        restored.setCurrentKey(7L);
        assertThat(restored.getState(SEEN).entries()).extracting(Map.Entry::getKey).containsExactly("new");
    }

    @Test
    void theHeapBackendDropsExpiredEntriesOnRestore() throws Exception {
        KeyedStateBackend<Long> b = backend(Backend.HEAP, KeyedStateRestore.NONE);
        fill(b, b.getState(LAST), 0, 100);
        KeyedStateHandle handle = snapshot(b);
        assertThat(b.size("last")).isEqualTo(100);
        now.addAndGet(10_000);

        KeyedStateBackend<Long> restored = backend(Backend.HEAP, restoreOf(handle));
        restored.getState(LAST);
        assertThat(restored.size("last")).as("expired before anything read them").isZero();
    }

    @Test
    void keyedFunctionsExpireStateByTheirSubtasksProcessingTimeAcrossARestore() throws Exception {
        try (var harness = KeyedFunctionHarness.forFunction(CountSinceQuiet::new, (String word) -> word, Types.STRING)
                .parallelism(2).open()) {
            harness.setProcessingTime(1_000);
            harness.processElement("a");
            harness.processElement("a");
            harness.advanceProcessingTime(9_999);
            harness.processElement("a");
            KeyedFunctionHarness.Snapshot checkpoint = harness.snapshot();
            harness.restore(checkpoint, 3);
            harness.advanceProcessingTime(10_000);
            harness.processElement("a");
            assertThat(harness.output()).containsExactly("a 1", "a 2", "a 3", "a 1");
        }
    }

    /** Counts a key's records; a key quiet for 10 s starts again from 1. */
    static final class CountSinceQuiet extends KeyedProcessFunction<String, String, String> {
        private ValueState<Long> count;

        @Override
        public void open(RuntimeContext context) {
            count = context.getState(StateDescriptor.value("count", Types.LONG).withTtl(TEN_SECONDS));
        }

        @Override
        public void processElement(String word, Context<String> context, Collector<String> out) {
            Long previous = count.value();
            long next = previous == null ? 1 : previous + 1;
            count.update(next);
            out.collect(word + " " + next);
        }
    }

    @Test
    void aTimeToLiveMustBePositive() {
        assertThatThrownBy(() -> StateTtlConfig.of(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 ms");
    }

    private static void fill(KeyedStateBackend<Long> b, ValueState<Long> state, long from, long to) {
        for (long key = from; key < to; key++) {
            b.setCurrentKey(key);
            state.update(key);
        }
    }

    private KeyedStateHandle snapshot(KeyedStateBackend<?> b) throws Exception {
        KeyedStateSnapshot s = b.snapshot(1, CheckpointType.CHECKPOINT);
        InMemorySnapshotStore.Output out = store.output(1, "ttl-" + opened.size());
        KeyedStateHandle handle = s.write(out);
        out.finish();
        return handle;
    }

    private KeyedStateRestore restoreOf(KeyedStateHandle handle) throws Exception {
        Map<Integer, byte[]> keyGroups = new HashMap<>();
        for (Map.Entry<Integer, StateHandle> e : handle.keyGroups().entrySet()) {
            keyGroups.put(e.getKey(), store.read(e.getValue()));
        }
        return new KeyedStateRestore(keyGroups, List.of(), store, true);
    }
}
