package dev.weir.runtime.exec.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.Collector;

class SourceWatermarksTest {

    private static final long MS = 1_000_000;

    private final RecordTimestamp timestamp = new RecordTimestamp();
    /** Records as "value@timestamp", watermarks as "W:n", statuses by name, in the order emitted. */
    private final RecordingOutput downstream = new RecordingOutput(timestamp);
    private final List<String> emitted = downstream.emitted;

    private SourceWatermarks watermarks(WatermarkStrategy<Long> strategy) {
        return new SourceWatermarks(strategy.withTimestampAssigner(v -> v * 10)
                .withAutoWatermarkInterval(Duration.ofMillis(100)), downstream, timestamp, 0);
    }

    @Test
    void recordsGetTheirTimestampAndWatermarksComeOnlyEveryInterval() {
        SourceWatermarks source = watermarks(WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofMillis(5)));
        source.collect(1L);
        source.collect(3L);
        source.emitPeriodic(50 * MS);
        source.collect(2L);
        source.emitPeriodic(100 * MS);
        source.emitPeriodic(150 * MS);
        assertThat(emitted).containsExactly("1@10", "3@30", "2@20", "W:24");
    }

    @Test
    void theSubtaskWatermarkIsTheMinimumOverItsSplitsSoASlowSplitMakesNoRecordLate() {
        SourceWatermarks source = watermarks(WatermarkStrategy.forMonotonousTimestamps());
        Collector<Object> fast = source.forSplit("fast");
        Collector<Object> slow = source.forSplit("slow");
        assertThat(source.forSplit("fast")).isSameAs(fast);
        fast.collect(100L);
        slow.collect(1L);
        source.emitPeriodic(100 * MS);
        slow.collect(2L);
        source.emitPeriodic(200 * MS);
        source.releaseSplit("slow");
        source.emitPeriodic(300 * MS);
        assertThat(emitted).containsExactly("100@1000", "1@10", "W:9", "2@20", "W:19", "W:999");
    }

    @Test
    void aSplitWithoutRecordsForTheIdleTimeoutStopsHoldingBackAndAllIdleMakesTheSubtaskIdle() {
        SourceWatermarks source = watermarks(WatermarkStrategy.<Long>forMonotonousTimestamps()
                .withIdleness(Duration.ofMillis(250)));
        Collector<Object> busy = source.forSplit("busy");
        Collector<Object> quiet = source.forSplit("quiet");
        quiet.collect(1L);
        busy.collect(5L);
        source.emitPeriodic(100 * MS);
        busy.collect(6L);
        source.emitPeriodic(200 * MS);
        busy.collect(7L);
        source.emitPeriodic(400 * MS);
        source.emitPeriodic(700 * MS);
        busy.collect(8L);
        source.emitPeriodic(800 * MS);
        assertThat(emitted).containsExactly("1@10", "5@50", "W:9", "6@60", "7@70", "W:69", "IDLE",
                "ACTIVE", "8@80", "W:79");
    }

    @Test
    void aSubtaskWithNothingToReadIsIdleOnlyWithIdlenessConfigured() {
        SourceWatermarks strict = watermarks(WatermarkStrategy.forMonotonousTimestamps());
        strict.emitPeriodic(10_000 * MS);
        assertThat(emitted).isEmpty();
        SourceWatermarks lenient = watermarks(WatermarkStrategy.<Long>forMonotonousTimestamps()
                .withIdleness(Duration.ofMillis(250)));
        lenient.emitPeriodic(100 * MS);
        lenient.emitPeriodic(300 * MS);
        assertThat(emitted).containsExactly("IDLE");
    }

    @Test
    void withoutAnIntervalOfItsOwnASourceEmitsEvery50Milliseconds() {
        SourceWatermarks source = new SourceWatermarks(WatermarkStrategy.<Long>forMonotonousTimestamps()
                .withTimestampAssigner(v -> v * 10), downstream, timestamp, 0);
        source.collect(1L);
        source.emitPeriodic(49 * MS);
        source.collect(2L);
        source.emitPeriodic(50 * MS);
        source.collect(3L);
        source.emitPeriodic(99 * MS);
        source.emitPeriodic(100 * MS);
        assertThat(emitted).containsExactly("1@10", "2@20", "W:19", "3@30", "W:29");
    }
}
