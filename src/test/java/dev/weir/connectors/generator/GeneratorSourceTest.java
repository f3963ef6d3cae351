package dev.weir.connectors.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.testing.SourceTestHarness;

class GeneratorSourceTest {

    private static List<Long> range(long count) {
        return LongStream.range(0, count).boxed().toList();
    }

    /** Sorting first keeps the exactly-once comparison linear-ish on large outputs. */
    private static List<Long> sorted(List<Long> records) {
        return records.stream().sorted().toList();
    }

    private static SourceReader<Long> reader(GeneratorSource<Long> source, int subtask, int parallelism,
                                             int maxParallelism) throws Exception {
        return source.createReader(new SourceContext("job", subtask, parallelism, maxParallelism, 0,
                OperatorStateRestore.empty(subtask, parallelism)));
    }

    @Test
    void emitsEachSubtasksSplitsInOrderPerSplit() throws Exception {
        GeneratorSource<Long> source = new GeneratorSource<>(100, 4, Long::valueOf);
        SourceReader<Long> reader = reader(source, 1, 2, 128);
        List<Long> out = new ArrayList<>();
        while (reader.pollNext(out::add) != InputStatus.END_OF_INPUT) {
            // drain
        }
        // Subtask 1 of 2 owns splits 1 and 3: i % 4 in {1, 3}, i.e. the odd numbers.
        assertThat(out).containsExactlyInAnyOrderElementsOf(
                LongStream.range(0, 100).filter(i -> i % 2 == 1).boxed().toList());
        assertThat(out.stream().filter(i -> i % 4 == 1).toList()).isSorted();
        assertThat(out.stream().filter(i -> i % 4 == 3).toList()).isSorted();
    }

    @Test
    void boundsEveryPollToABatch() throws Exception {
        SourceReader<Long> reader = reader(GeneratorSource.sequence(10_000), 0, 1, 128);
        List<Long> out = new ArrayList<>();
        assertThat(reader.pollNext(out::add)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(out).hasSize(GeneratorReader.BATCH);
    }

    @Test
    void allSubtasksTogetherEmitTheSequenceExactlyOnce() throws Exception {
        assertThat(sorted(SourceTestHarness.readAll(GeneratorSource.sequence(50_000), 3, 128)))
                .isEqualTo(range(50_000));
    }

    @Test
    void splitsDefaultToMaxParallelism() throws Exception {
        SourceReader<Long> reader = reader(GeneratorSource.sequence(20), 0, 1, 8);
        List<Long> out = new ArrayList<>();
        reader.pollNext(out::add);
        // One chunk per split per turn, splits 0..7: the first element of every split comes first.
        assertThat(out.subList(0, 3)).containsExactly(0L, 8L, 16L);
    }

    @Test
    void snapshotAndRestoreAfterEveryPollEmitsEachIndexOnce() throws Exception {
        for (long seed = 0; seed < 5; seed++) {
            assertThat(sorted(SourceTestHarness.readWithRestoreAfterEveryPoll(GeneratorSource.sequence(20_000), 2, 16, seed)))
                    .isEqualTo(range(20_000));
        }
    }

    @Test
    void rescalingFromTwoToThreeEmitsEachIndexOnce() throws Exception {
        assertThat(sorted(SourceTestHarness.readWithRescale(GeneratorSource.sequence(30_000), 2, 3, 5, 128)))
                .isEqualTo(range(30_000));
    }

    @Test
    void rescalingFromThreeToOneEmitsEachIndexOnce() throws Exception {
        assertThat(sorted(SourceTestHarness.readWithRescale(GeneratorSource.sequence(30_000), 3, 1, 4, 128)))
                .isEqualTo(range(30_000));
    }

    @Test
    void moreSubtasksThanSplitsLeavesSomeIdle() throws Exception {
        assertThat(sorted(SourceTestHarness.readWithRescale(new GeneratorSource<>(1_000, 2, Long::valueOf), 1, 4, 0, 128)))
                .isEqualTo(range(1_000));
    }

    @Test
    void unboundedNeverEnds() throws Exception {
        SourceReader<Long> reader = reader(GeneratorSource.sequence(-1), 0, 1, 4);
        for (int i = 0; i < 100; i++) {
            assertThat(reader.pollNext(r -> { })).isEqualTo(InputStatus.MORE_AVAILABLE);
        }
    }

    @Test
    void rateLimitReturnsNothingAvailableWhileAhead() throws Exception {
        AtomicLong now = new AtomicLong(0);
        GeneratorSource<Long> source = GeneratorSource.sequence(1_000_000).withRateLimit(1_000).withClock(now::get);
        SourceReader<Long> reader = reader(source, 0, 1, 1);
        List<Long> out = new ArrayList<>();
        assertThat(reader.pollNext(out::add)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        now.set(100_000_000); // 100 ms at 1000/s: 100 records
        assertThat(reader.pollNext(out::add)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(out).hasSize(100);
        assertThat(reader.pollNext(out::add)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        now.set(150_000_000); // 150 ms: 150 allowed in total
        assertThat(reader.pollNext(out::add)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(out).hasSize(150);
    }

    @Test
    void aReaderThatFellBehindCatchesUpByAtMostTheBurstNotByAllItMissed() throws Exception {
        AtomicLong now = new AtomicLong(0);
        GeneratorSource<Long> source = GeneratorSource.sequence(1_000_000).withRateLimit(10_000).withClock(now::get);
        SourceReader<Long> reader = reader(source, 0, 1, 1);
        List<Long> out = new ArrayList<>();
        reader.pollNext(out::add);
        now.set(5_000_000_000L); // stalled for 5 s: 50,000 records missed
        while (reader.pollNext(out::add) == InputStatus.MORE_AVAILABLE) {
            // the allowance, a batch at a time
        }
        long burst = 10_000 * RateLimit.MAX_BURST_NANOS / 1_000_000_000L;
        assertThat(out).hasSizeBetween((int) burst - 1, (int) burst + 1);
        for (int ms = 0; ms < 1000; ms += 10) { // then the rate again, polled every 10 ms: 10,000 in a second
            now.addAndGet(10_000_000L);
            while (reader.pollNext(out::add) == InputStatus.MORE_AVAILABLE) {
                // the allowance
            }
        }
        assertThat(out).hasSizeBetween((int) burst + 10_000 - 1, (int) burst + 10_000 + 1);
    }

    @Test
    void restoreKeepsTheCheckpointsSplitCount() throws Exception {
        SourceReader<Long> first = reader(new GeneratorSource<>(10_000, 4, Long::valueOf), 0, 1, 128);
        List<Long> out = new ArrayList<>();
        first.pollNext(out::add);
        byte[] state = first.snapshotState(1);
        SourceReader<Long> restored = new GeneratorSource<>(10_000, 7, Long::valueOf).createReader(new SourceContext(
                "job", 0, 1, 128, 1, new OperatorStateRestore(0, 1, List.of(state))));
        while (restored.pollNext(out::add) != InputStatus.END_OF_INPUT) {
            // drain
        }
        assertThat(out).containsExactlyInAnyOrderElementsOf(range(10_000));
    }
}
