package dev.weir.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class SensorStatsVerifierTest {

    private static final long READINGS = 2_000;
    private static final long SENSORS = 13;

    /** A correct run's lines: each sensor's readings in some order of their own, statistics running over them. */
    private static List<String> correctRun(long seed) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (long s = 0; s < SENSORS; s++) {
            long sensor = s;
            List<Long> readings = new ArrayList<>(LongStream.range(0, READINGS)
                    .filter(i -> SensorStatsVerifier.sensorOf(i, SENSORS) == sensor).boxed().toList());
            Collections.shuffle(readings, random); // workers interleave a sensor's readings in any order
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long sum = 0;
            long count = 0;
            for (long i : readings) {
                long t = SensorStatsVerifier.deciCelsiusOf(i);
                min = Math.min(min, t);
                max = Math.max(max, t);
                sum += t;
                lines.add("sensor-" + s + "," + ++count + "," + i + "," + t + "," + min + "," + max + "," + sum);
            }
        }
        Collections.shuffle(lines, random); // files and subtasks come in any order
        return lines;
    }

    @Test
    void acceptsAnyCorrectRun() {
        for (long seed = 0; seed < 3; seed++) {
            SensorStatsVerifier.Report report = SensorStatsVerifier.verify(correctRun(seed), READINGS, SENSORS);
            assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
            assertThat(report.lines()).isEqualTo(READINGS);
        }
    }

    @Test
    void findsADuplicateAndAMissingLine() {
        List<String> lines = correctRun(1);
        lines.add(lines.get(10));
        lines.remove(20);
        SensorStatsVerifier.Report report = SensorStatsVerifier.verify(lines, READINGS, SENSORS);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.missing()).isEqualTo(1);
        assertThat(report.isExactlyOnce()).isFalse();
    }

    @Test
    void findsStatisticsThatDoNotRunOverTheReadingsBefore() {
        List<String> lines = correctRun(2);
        String line = lines.get(0);
        String[] f = line.split(",");
        lines.set(0, String.join(",", f[0], f[1], f[2], f[3], f[4], f[5], Long.toString(Long.parseLong(f[6]) + 1)));
        SensorStatsVerifier.Report report = SensorStatsVerifier.verify(lines, READINGS, SENSORS);
        assertThat(report.wrongStatistics()).isEqualTo(1);
        assertThat(report.isExactlyOnce()).isFalse();
    }

    @Test
    void findsAReadingCountedTwiceIntoTheState() {
        // Reading r replayed into state that already held it: one count too many for r's sensor.
        List<String> lines = new ArrayList<>(correctRun(3).stream().filter(l -> l.startsWith("sensor-0,")).toList());
        lines.addAll(correctRun(3).stream().filter(l -> !l.startsWith("sensor-0,")).toList());
        String first = lines.stream().filter(l -> l.startsWith("sensor-0,1,")).findFirst().orElseThrow();
        lines.remove(lines.stream().filter(l -> l.startsWith("sensor-0,2,")).findFirst().orElseThrow());
        String[] f = first.split(",");
        long t = Long.parseLong(f[3]);
        lines.add(String.join(",", f[0], "2", f[2], f[3], f[4], f[5], Long.toString(2 * t)));
        SensorStatsVerifier.Report report = SensorStatsVerifier.verify(lines, READINGS, SENSORS);
        assertThat(report.wrongStatistics()).isPositive();
        assertThat(report.isExactlyOnce()).isFalse();
    }

    @Test
    void findsLinesNoReadingCouldHaveProduced() {
        List<String> lines = correctRun(4);
        lines.add("sensor-99,1,0,0,0,0,0");
        lines.add("sensor-1,1,0,-200,-200,-200,-200"); // reading 0 is sensor-0's
        lines.add("not a line");
        SensorStatsVerifier.Report report = SensorStatsVerifier.verify(lines, READINGS, SENSORS);
        assertThat(report.malformed()).isEqualTo(3);
        assertThat(report.isExactlyOnce()).isFalse();
    }
}
