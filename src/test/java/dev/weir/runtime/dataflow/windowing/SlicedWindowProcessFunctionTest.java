package dev.weir.runtime.dataflow.windowing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testkit.KeyedFunctionHarness;

/**
 * Sliding windows kept in panes give what whole windows give: the same lines in the same order,
 * the same late records, under random records, watermarks, lateness, checkpoints and restores at
 * other parallelisms; checkpoints of whole windows restore into panes.
 */
class SlicedWindowProcessFunctionTest {

    private static final OutputTag<String> LATE = new OutputTag<>("late", Types.STRING);

    /** Records are "key:value"; windows emit "key@[start,end)=sum". */
    private static void emit(String key, TimeWindow window, long[] sum, Collector<String> out) {
        out.collect(key + "@[" + window.start() + "," + window.end() + ")=" + sum[0] + "/" + sum[1]);
    }

    /** Sum and count; merge() reuses its first argument, so a pane handed to it uncopied would be corrupted. */
    static final class SumCount extends WindowProcessFunctionTest.NonMergingSum {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(String value, long[] accumulator) {
            super.add(value, accumulator);
            accumulator[1]++;
            return accumulator;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            a[0] += b[0];
            a[1] += b[1];
            return a;
        }

        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }

    private static Supplier<KeyedProcessFunction<String, String, String>> whole(SlidingWindows assigner, long lateness,
                                                                               OutputTag<String> lateData) {
        return () -> WindowProcessFunction.<String, String, long[], String>emitting(assigner, new SumCount(),
                Types.LONG_ARRAY, SlicedWindowProcessFunctionTest::emit, lateness,
                WindowProcessFunction.LateDataOutput.to(lateData));
    }

    private static Supplier<KeyedProcessFunction<String, String, String>> sliced(SlidingWindows assigner, long lateness,
                                                                                OutputTag<String> lateData) {
        return () -> new SlicedWindowProcessFunction<String, String, long[], String>(assigner, new SumCount(),
                Types.LONG_ARRAY, SlicedWindowProcessFunctionTest::emit, lateness,
                WindowProcessFunction.LateDataOutput.to(lateData));
    }

    private static KeyedFunctionHarness<String, String, String> open(
            Supplier<KeyedProcessFunction<String, String, String>> function, int parallelism) throws Exception {
        return KeyedFunctionHarness.forFunction(function, r -> r.split(":")[0], Types.STRING)
                .parallelism(parallelism).startTime(1_000).open();
    }

    /** One random run's steps, played on both operators side by side. */
    private static void compareRandomRun(long seed) throws Exception {
        Random random = new Random(seed);
        long slide = 1 + random.nextInt(7);
        long size = slide * (2 + random.nextInt(4));
        long offset = random.nextInt((int) slide);
        SlidingWindows assigner = new SlidingWindows(size, slide, offset, true);
        long lateness = random.nextInt(3) == 0 ? 0 : random.nextInt((int) (3 * size));
        OutputTag<String> lateData = random.nextBoolean() ? LATE : null;
        int keys = 1 + random.nextInt(6);
        String run = "seed " + seed + ": " + assigner + ", lateness " + lateness + ", late data " + (lateData != null);
        try (KeyedFunctionHarness<String, String, String> expected = open(whole(assigner, lateness, lateData), 2);
             KeyedFunctionHarness<String, String, String> actual = open(sliced(assigner, lateness, lateData), 2)) {
            long watermark = -1;
            KeyedFunctionHarness.Snapshot expectedCheckpoint = expected.snapshot();
            KeyedFunctionHarness.Snapshot actualCheckpoint = actual.snapshot();
            for (int step = 0; step < 400; step++) {
                int what = random.nextInt(20);
                if (what < 14) {
                    long timestamp = Math.max(0, watermark + random.nextInt((int) (2 * size)) - size);
                    String record = "k" + random.nextInt(keys) + ":" + random.nextInt(100);
                    expected.processElement(record, timestamp);
                    actual.processElement(record, timestamp);
                } else if (what < 18) {
                    watermark += random.nextInt((int) size);
                    expected.processWatermark(watermark);
                    actual.processWatermark(watermark);
                } else if (what < 19) {
                    expectedCheckpoint = expected.snapshot();
                    actualCheckpoint = actual.snapshot();
                } else {
                    int parallelism = 1 + random.nextInt(3);
                    expected.restore(expectedCheckpoint, parallelism);
                    actual.restore(actualCheckpoint, parallelism);
                    // The watermark starts over after a restore, as in the engine: records late before
                    // may be on time until the next watermark, and reopen windows that had gone.
                    if (random.nextBoolean()) {
                        expected.processWatermark(watermark);
                        actual.processWatermark(watermark);
                    }
                }
                assertThat(actual.takeOutput()).as(run + ", step " + step).isEqualTo(expected.takeOutput());
                assertThat(actual.takeSideOutput(LATE)).as(run + ", step " + step).isEqualTo(expected.takeSideOutput(LATE));
            }
            expected.endInput();
            actual.endInput();
            assertThat(actual.takeOutput()).as(run + ", end").isEqualTo(expected.takeOutput());
        }
    }

    @Test
    void panesEmitWhatWholeWindowsEmitUnderRandomRecordsWatermarksLatenessAndRestores() throws Exception {
        for (long seed = 0; seed < 150; seed++) {
            compareRandomRun(seed);
        }
    }

    @Test
    void processingTimePanesEmitWhatWholeWindowsEmit() throws Exception {
        SlidingWindows assigner = SlidingWindows.ofProcessingTime(Duration.ofMillis(100), Duration.ofMillis(20));
        Random random = new Random(7);
        try (KeyedFunctionHarness<String, String, String> expected = open(whole(assigner, 0, null), 2);
             KeyedFunctionHarness<String, String, String> actual = open(sliced(assigner, 0, null), 2)) {
            for (int step = 0; step < 500; step++) {
                if (random.nextInt(4) == 0) {
                    long millis = random.nextInt(30);
                    expected.advanceProcessingTime(millis);
                    actual.advanceProcessingTime(millis);
                } else {
                    String record = "k" + random.nextInt(5) + ":" + random.nextInt(100);
                    expected.processElement(record);
                    actual.processElement(record);
                }
                assertThat(actual.takeOutput()).as("step " + step).isEqualTo(expected.takeOutput());
            }
            expected.endInput();
            actual.endInput();
            assertThat(actual.takeOutput()).isEqualTo(expected.takeOutput());
        }
    }

    @Test
    void aRecordUpdatesOnePaneAndAWindowMergesItsPanes() throws Exception {
        SlidingWindows assigner = SlidingWindows.ofEventTime(Duration.ofMillis(10), Duration.ofMillis(5));
        try (KeyedFunctionHarness<String, String, String> h = open(sliced(assigner, 0, null), 1)) {
            h.processElement("a:1", 3);
            h.processElement("a:2", 7);
            h.processElement("a:4", 12);
            assertThat(h.value("a", paneState(assigner)).size()).isEqualTo(3);
            h.processWatermark(9);
            assertThat(h.takeOutput()).containsExactly("a@[-5,5)=1/1", "a@[0,10)=3/2");
            assertThat(h.value("a", paneState(assigner)).size()).as("the panes [-5,0) and [0,5) are gone").isEqualTo(2);
            h.endInput();
            assertThat(h.takeOutput()).containsExactly("a@[5,15)=6/2", "a@[10,20)=4/1");
        }
    }

    private static dev.weir.runtime.state.StateDescriptor.Value<FixedSizeWindows<long[]>> paneState(SlidingWindows assigner) {
        return dev.weir.runtime.state.StateDescriptor.value("_windows", new PaneSerializer<>(
                new FixedSizeWindows.Layout(assigner.size(), assigner.slide(), assigner.offset()), Types.LONG_ARRAY));
    }

    /** A checkpoint of whole windows (format 1, before panes) restores into panes at another parallelism. */
    @Test
    void checkpointsOfWholeWindowsRestoreIntoPanesAndGiveTheSameResults() throws Exception {
        for (long seed = 0; seed < 60; seed++) {
            Random random = new Random(seed);
            long lateness = random.nextBoolean() ? 0 : random.nextInt(20);
            SlidingWindows assigner = new SlidingWindows(12, 3, random.nextInt(3), true);
            List<String> records = new ArrayList<>();
            List<Long> timestamps = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                records.add("k" + random.nextInt(8) + ":" + random.nextInt(50));
                timestamps.add(Math.max(0, i / 2 + random.nextInt(15) - 7L));
            }
            try (KeyedFunctionHarness<String, String, String> before = open(whole(assigner, lateness, LATE), 2);
                 KeyedFunctionHarness<String, String, String> expected = open(whole(assigner, lateness, LATE), 2);
                 KeyedFunctionHarness<String, String, String> actual = open(sliced(assigner, lateness, LATE), 2)) {
                int cut = 50 + random.nextInt(200);
                for (int i = 0; i < cut; i++) {
                    before.processElement(records.get(i), timestamps.get(i));
                    if (i % 10 == 9) {
                        before.processWatermark(i / 2 - 8);
                    }
                }
                KeyedFunctionHarness.Snapshot checkpoint = before.snapshot();
                expected.restore(checkpoint, 3);
                actual.restore(checkpoint, 1 + random.nextInt(3));
                for (int i = cut; i < records.size(); i++) {
                    expected.processElement(records.get(i), timestamps.get(i));
                    actual.processElement(records.get(i), timestamps.get(i));
                    if (i % 10 == 9) {
                        expected.processWatermark(i / 2 - 8);
                        actual.processWatermark(i / 2 - 8);
                    }
                    if (i % 37 == 0) {
                        // and the panes' own format survives a checkpoint in the middle
                        actual.restore(actual.snapshot(), 1 + random.nextInt(3));
                        expected.restore(expected.snapshot(), 2);
                        expected.processWatermark(i / 2 - 8);
                        actual.processWatermark(i / 2 - 8);
                    }
                }
                expected.endInput();
                actual.endInput();
                assertThat(actual.takeOutput()).as("seed " + seed).containsExactlyInAnyOrderElementsOf(expected.takeOutput());
                assertThat(actual.takeSideOutput(LATE)).as("seed " + seed)
                        .containsExactlyInAnyOrderElementsOf(expected.takeSideOutput(LATE));
            }
        }
    }

    @Test
    void aCheckpointOfPanesIsRefusedByWholeWindowsWithTheReason() throws Exception {
        SlidingWindows assigner = SlidingWindows.ofEventTime(Duration.ofMillis(10), Duration.ofMillis(5));
        try (KeyedFunctionHarness<String, String, String> panes = open(sliced(assigner, 0, null), 1);
             KeyedFunctionHarness<String, String, String> windows = open(whole(assigner, 0, null), 1)) {
            panes.processElement("a:1", 3);
            KeyedFunctionHarness.Snapshot checkpoint = panes.snapshot();
            assertThatThrownBy(() -> windows.restore(checkpoint, 1))
                    .hasStackTraceContaining("written in panes")
                    .hasStackTraceContaining("mergeIsExact()");
        }
    }

    @Test
    void panesRefuseACheckpointOfAnotherSlide() throws Exception {
        try (KeyedFunctionHarness<String, String, String> before = open(sliced(
                SlidingWindows.ofEventTime(Duration.ofMillis(10), Duration.ofMillis(5)), 0, null), 1);
             KeyedFunctionHarness<String, String, String> after = open(sliced(
                SlidingWindows.ofEventTime(Duration.ofMillis(10), Duration.ofMillis(2)), 0, null), 1)) {
            before.processElement("a:1", 3);
            KeyedFunctionHarness.Snapshot checkpoint = before.snapshot();
            assertThatThrownBy(() -> after.restore(checkpoint, 1))
                    .satisfies(e -> assertThat(rootOrSelf(e)).isInstanceOf(UnrecoverableJobException.class))
                    .hasStackTraceContaining("the assigner changed");
        }
    }

    private static Throwable rootOrSelf(Throwable e) {
        Throwable t = e;
        while (!(t instanceof UnrecoverableJobException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void onlySlidingWindowsOfAMultipleOfTheirSlideAreSliced() {
        assertThat(SlicedWindowProcessFunction.canSlice(SlidingWindows.ofEventTime(Duration.ofSeconds(10),
                Duration.ofSeconds(2)))).isTrue();
        assertThat(SlicedWindowProcessFunction.canSlice(SlidingWindows.ofEventTime(Duration.ofSeconds(10),
                Duration.ofSeconds(3)))).isFalse();
        assertThat(SlicedWindowProcessFunction.canSlice(SlidingWindows.ofEventTime(Duration.ofSeconds(2),
                Duration.ofSeconds(2)))).isFalse();
        assertThat(SlicedWindowProcessFunction.canSlice(TumblingWindows.ofEventTime(Duration.ofSeconds(2)))).isFalse();
    }
}
