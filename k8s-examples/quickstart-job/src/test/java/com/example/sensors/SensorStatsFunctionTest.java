package com.example.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.state.serialization.Types;
import dev.weir.testkit.KeyedFunctionHarness;

/** The function as the job runs it: keyed by sensor, readings serialized across the keyBy, state checkpointed. */
class SensorStatsFunctionTest {

    private static KeyedFunctionHarness.Builder<String, Reading, String> harness() {
        return KeyedFunctionHarness.forFunction(SensorStatsFunction::new, Reading::sensor, Types.STRING)
                .inputSerializer(new Reading.Serializer());
    }

    @Test
    void reportsEveryReadingWithItsSensorsRunningStatistics() throws Exception {
        try (KeyedFunctionHarness<String, Reading, String> stats = harness().parallelism(2).open()) {
            stats.processElement(new Reading("sensor-1", 0, 215));
            stats.processElement(new Reading("sensor-2", 1, -40));
            stats.processElement(new Reading("sensor-1", 2, 180));
            stats.processElement(new Reading("sensor-1", 3, 250));

            assertThat(stats.output()).containsExactly(
                    "sensor-1,1,0,215,215,215,215",
                    "sensor-2,1,1,-40,-40,-40,-40",
                    "sensor-1,2,2,180,180,215,395",
                    "sensor-1,3,3,250,180,250,645");
            assertThat(stats.value("sensor-1", SensorStatsFunction.STATS)).isEqualTo(new SensorStats(3, 645, 180, 250));
        }
    }

    @Test
    void statisticsSurviveACheckpointAndARestoreAtAnotherParallelism() throws Exception {
        try (KeyedFunctionHarness<String, Reading, String> stats = harness().parallelism(2).open()) {
            stats.processElement(new Reading("sensor-1", 0, 215));
            stats.processElement(new Reading("sensor-2", 1, -40));
            KeyedFunctionHarness.Snapshot checkpoint = stats.snapshot();
            stats.processElement(new Reading("sensor-1", 2, 999)); // after the checkpoint: replayed below
            stats.takeOutput();

            stats.restore(checkpoint, 3);
            stats.processElement(new Reading("sensor-1", 2, 180));
            stats.processElement(new Reading("sensor-2", 3, -10));

            assertThat(stats.takeOutput()).containsExactly(
                    "sensor-1,2,2,180,180,215,395",
                    "sensor-2,2,3,-10,-40,-10,-50");
        }
    }

    @Test
    void restoringAfterEveryReadingChangesNothing() throws Exception {
        List<Reading> readings = LongStream.range(0, 400).mapToObj(i -> SensorSimulation.reading(i, 7)).toList();
        List<String> uninterrupted;
        try (KeyedFunctionHarness<String, Reading, String> stats = harness().open()) {
            for (Reading reading : readings) {
                stats.processElement(reading);
            }
            uninterrupted = stats.output();
        }
        assertThat(KeyedFunctionHarness.runWithRestoreAfterEveryRecord(harness(), readings, 42, 1, 2, 3, 5))
                .isEqualTo(uninterrupted);
    }
}
