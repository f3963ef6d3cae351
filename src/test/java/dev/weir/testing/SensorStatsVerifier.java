package dev.weir.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The independent check of the quickstart job's committed output (k8s-examples/quickstart-job):
 * recomputes from N and K, knowing nothing of the job's code, which readings each sensor had,
 * and requires exactly one line per reading, counts 1..n per sensor, every reading reported
 * once with its own temperature, and, along each sensor's lines in count order, the running
 * min, max and sum of the temperatures seen so far. A duplicate, a gap, a reading counted twice
 * into the state or a state lost on restore each break one of these.
 */
public final class SensorStatsVerifier {

    /** What was wrong with the output; {@link #isExactlyOnce()} when nothing. */
    public record Report(long lines, long duplicates, long missing, long wrongStatistics, long malformed,
                         List<String> examples) {
        public boolean isExactlyOnce() {
            return duplicates == 0 && missing == 0 && wrongStatistics == 0 && malformed == 0;
        }

        @Override
        public String toString() {
            return "lines=" + lines + " duplicates=" + duplicates + " missing=" + missing + " wrongStatistics="
                    + wrongStatistics + " malformed=" + malformed + " examples=" + examples;
        }
    }

    /** One committed line: {@code sensor,count,sequence,deciCelsius,min,max,sum}. */
    private record Line(long count, long sequence, long deciCelsius, long min, long max, long sum, String text) {}

    private SensorStatsVerifier() {}

    public static long sensorOf(long i, long sensors) {
        return Math.floorMod(i * 2654435761L, sensors);
    }

    public static long deciCelsiusOf(long i) {
        return Math.floorMod(i * 7919L, 601L) - 200;
    }

    public static Report verify(Iterable<String> lines, long readings, long sensors) {
        long[] expectedCount = new long[(int) sensors];
        for (long i = 0; i < readings; i++) {
            expectedCount[(int) sensorOf(i, sensors)]++;
        }
        Map<Long, TreeMap<Long, Line>> bySensor = new HashMap<>();
        List<String> examples = new ArrayList<>();
        long total = 0;
        long malformed = 0;
        long duplicates = 0;
        for (String text : lines) {
            total++;
            String[] f = text.split(",", -1);
            Line line;
            long sensor;
            try {
                if (f.length != 7 || !f[0].startsWith("sensor-")) {
                    throw new IllegalArgumentException("fields");
                }
                sensor = Long.parseLong(f[0].substring("sensor-".length()));
                line = new Line(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Long.parseLong(f[5]), Long.parseLong(f[6]), text);
            } catch (RuntimeException e) {
                malformed++;
                note(examples, "malformed line: " + text);
                continue;
            }
            if (sensor < 0 || sensor >= sensors || line.count() < 1 || line.count() > expectedCount[(int) sensor]
                    || line.sequence() < 0 || line.sequence() >= readings
                    || sensorOf(line.sequence(), sensors) != sensor || deciCelsiusOf(line.sequence()) != line.deciCelsius()) {
                malformed++;
                note(examples, "impossible line: " + text);
                continue;
            }
            if (bySensor.computeIfAbsent(sensor, s -> new TreeMap<>()).putIfAbsent(line.count(), line) != null) {
                duplicates++;
                note(examples, "second line for count " + line.count() + ": " + text);
            }
        }
        long missing = 0;
        long wrong = 0;
        for (int s = 0; s < sensors; s++) {
            TreeMap<Long, Line> seen = bySensor.getOrDefault((long) s, new TreeMap<>());
            missing += expectedCount[s] - seen.size();
            if (seen.size() < expectedCount[s]) {
                note(examples, "sensor-" + s + " has " + seen.size() + " of its " + expectedCount[s] + " lines");
            }
            wrong += checkRunningStatistics(seen, examples);
        }
        return new Report(total, duplicates, missing, wrong, malformed, examples);
    }

    /** Walks a sensor's lines in count order: each reading once, statistics running over them. */
    private static long checkRunningStatistics(TreeMap<Long, Line> lines, List<String> examples) {
        long wrong = 0;
        Set<Long> sequences = new HashSet<>();
        long expectedCount = 1;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long sum = 0;
        for (Line line : lines.values()) {
            if (line.count() != expectedCount) {
                return wrong; // a gap (counted as missing): the running statistics after it cannot be known
            }
            expectedCount++;
            min = Math.min(min, line.deciCelsius());
            max = Math.max(max, line.deciCelsius());
            sum += line.deciCelsius();
            if (!sequences.add(line.sequence())) {
                wrong++;
                note(examples, "reading " + line.sequence() + " counted twice: " + line.text());
            } else if (line.min() != min || line.max() != max || line.sum() != sum) {
                wrong++;
                note(examples, "expected min " + min + ", max " + max + ", sum " + sum + ": " + line.text());
            }
        }
        return wrong;
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < 10) {
            examples.add(example);
        }
    }
}
