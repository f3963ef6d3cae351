package dev.weir.runtime.exec.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.TaskMailbox;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.WatermarkStatus;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyedStateRestore;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.state.serialization.Types;

/**
 * The keys a {@link KeyedProcessOperator} computes to prefetch state are the ones it sets for the
 * same records: one key selector call per record, and the right key whatever order records come in.
 */
class KeyedProcessOperatorPrefetchTest {

    /** A record with a long key; distinct instances even for equal keys. */
    record Keyed(long key, String tag) {}

    private final AtomicInteger selectorCalls = new AtomicInteger();
    private final List<String> seen = new ArrayList<>();
    private final RecordTimestamp timestamp = new RecordTimestamp();
    private KeyedProcessOperator operator;

    private KeyedProcessOperator open(boolean failOnTag) throws Exception {
        KeyedProcessFunction<Long, Keyed, Object> function = new KeyedProcessFunction<>() {
            @Override
            public void processElement(Keyed value, Context<Long> context, Collector<Object> out) {
                seen.add(value.tag() + "@" + context.getCurrentKey() + "@" + context.timestamp());
            }
        };
        Partitioning.KeyBy<Keyed, Long> keyBy = new Partitioning.KeyBy<>(record -> {
            selectorCalls.incrementAndGet();
            if (failOnTag && record.tag().equals("bad")) {
                throw new IllegalArgumentException("no key for " + record.tag());
            }
            return record.key();
        }, Types.LONG);
        operator = new KeyedProcessOperator(function, keyBy);
        ProcessingTimeService time = new ProcessingTimeService() {
            @Override
            public long currentProcessingTime() {
                return 0;
            }

            @Override
            public void scheduleAt(long at, Runnable action) {}

            @Override
            public void close() {}
        };
        operator.setup(new OperatorContext("test", "op", 0, 1, 128, 1, new KeyGroupRange(0, 127),
                new OperatorStateRestore(0, 1, 0, List.of()), KeyedStateRestore.NONE, StateBackendSettings.HEAP,
                time, new TaskMailbox(), timestamp), new Output() {
                    @Override
                    public void collect(Object record) {}

                    @Override
                    public void emitWatermark(long watermark) {}

                    @Override
                    public void emitWatermarkStatus(WatermarkStatus status) {}
                });
        operator.open();
        return operator;
    }

    @AfterEach
    void close() throws Exception {
        if (operator != null) {
            operator.close();
        }
    }

    private static RecordBatch batch(Keyed... records) {
        RecordBatch batch = new RecordBatch(64);
        for (Keyed record : records) {
            batch.add(record);
        }
        return batch;
    }

    @Test
    void runsTheKeySelectorOncePerPrefetchedRecord() throws Exception {
        KeyedProcessOperator op = open(false);
        RecordBatch batch = new RecordBatch(64);
        for (int i = 0; i < 40; i++) {
            batch.add(new Keyed(1000L + i % 7, "r" + i));
        }
        // as the task does: the next group shown before this one is processed
        op.prefetch(batch, 0, 8);
        for (int start = 0; start < 40; start += 8) {
            if (start + 8 < 40) {
                op.prefetch(batch, start + 8, Math.min(40, start + 16));
            }
            for (int i = start; i < start + 8; i++) {
                timestamp.set(i / 3);
                op.collect(batch.get(i));
            }
        }
        assertEquals(40, selectorCalls.get());
        for (int i = 0; i < 40; i++) {
            assertEquals("r" + i + "@" + (1000L + i % 7) + "@" + (i / 3), seen.get(i));
        }
    }

    @Test
    void recordsOtherThanThosePrefetchedGetTheirOwnKeys() throws Exception {
        KeyedProcessOperator op = open(false);
        Keyed a = new Keyed(1, "a");
        Keyed b = new Keyed(2, "b");
        Keyed c = new Keyed(3, "c");
        op.prefetch(batch(a, b, c), 0, 3);
        op.collect(b); // out of order: every remembered key is dropped
        op.collect(a);
        op.collect(new Keyed(3, "c2")); // an equal record, another instance
        op.prefetch(batch(c), 0, 1);
        op.collect(c);
        assertEquals(List.of("b@2@null", "a@1@null", "c2@3@null", "c@3@null"), seen);
    }

    @Test
    void aKeySelectorThatFailedInPrefetchFailsTheRecord() throws Exception {
        KeyedProcessOperator op = open(true);
        Keyed good = new Keyed(5, "good");
        Keyed bad = new Keyed(6, "bad");
        op.prefetch(batch(good, bad), 0, 2);
        op.collect(good);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.collect(bad));
        assertEquals("no key for bad", e.getMessage());
        assertEquals(List.of("good@5@null"), seen);
    }
}
