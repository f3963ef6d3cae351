package dev.weir.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The independent check of windowed-count's committed output (design §8): for every (key, window)
 * holding at least one record, exactly one line {@code key,window_start,count,sum} with the right
 * count and sum, and nothing else. Knows nothing of the engine: it recomputes the expectation from
 * the contract's formulas.
 */
public final class WindowedCountVerifier {

    /** What was wrong with the output; {@link #isExactlyOnce()} when nothing. */
    public record Report(long lines, long expectedLines, long duplicates, long missing, long wrong, long malformed,
                         List<String> examples) {
        public boolean isExactlyOnce() {
            return duplicates == 0 && missing == 0 && wrong == 0 && malformed == 0 && lines == expectedLines;
        }

        @Override
        public String toString() {
            return "lines=" + lines + "/" + expectedLines + " duplicates=" + duplicates + " missing=" + missing
                    + " wrong=" + wrong + " malformed=" + malformed + " examples=" + examples;
        }
    }

    private record Window(long key, long start) {}

    private WindowedCountVerifier() {}

    public static Report verify(Iterable<String> lines, long records, long keys, long stepMs, long disorderMs,
                                long windowMs) {
        Map<Window, long[]> expected = expected(records, keys, stepMs, disorderMs, windowMs);
        Map<Window, Integer> seen = new HashMap<>();
        long total = 0;
        long malformed = 0;
        long duplicates = 0;
        long wrong = 0;
        List<String> examples = new ArrayList<>();
        for (String line : lines) {
            total++;
            String[] parts = line.split(",");
            Window window;
            long count;
            long sum;
            try {
                if (parts.length != 4) {
                    throw new NumberFormatException("fields: " + parts.length);
                }
                window = new Window(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                count = Long.parseLong(parts[2]);
                sum = Long.parseLong(parts[3]);
            } catch (NumberFormatException e) {
                malformed++;
                note(examples, "malformed line: " + line);
                continue;
            }
            long[] want = expected.get(window);
            if (want == null) {
                wrong++;
                note(examples, "no records belong to this key and window: " + line);
                continue;
            }
            if (seen.merge(window, 1, Integer::sum) > 1) {
                duplicates++;
                note(examples, "duplicate: " + line);
            }
            if (want[0] != count || want[1] != sum) {
                wrong++;
                note(examples, line + " should be count " + want[0] + ", sum " + want[1]);
            }
        }
        long missing = 0;
        for (Window window : expected.keySet()) {
            if (!seen.containsKey(window)) {
                missing++;
                note(examples, "missing: key " + window.key() + " window " + window.start());
            }
        }
        return new Report(total, expected.size(), duplicates, missing, wrong, malformed, examples);
    }

    /** The contract's lines for records {@code 0..records-1}, in no particular order. */
    public static List<String> expectedLines(long records, long keys, long stepMs, long disorderMs, long windowMs) {
        List<String> lines = new ArrayList<>();
        expected(records, keys, stepMs, disorderMs, windowMs).forEach((window, countSum) ->
                lines.add(window.key() + "," + window.start() + "," + countSum[0] + "," + countSum[1]));
        return lines;
    }

    /** (count, sum) per key and window, from the contract's formulas. */
    private static Map<Window, long[]> expected(long records, long keys, long stepMs, long disorderMs, long windowMs) {
        Map<Window, long[]> expected = new HashMap<>();
        for (long i = 0; i < records; i++) {
            long key = Math.floorMod(i * 2654435761L, keys);
            long t = i * stepMs + Math.floorMod(i * 7919, disorderMs + 1);
            long start = Math.floorDiv(t, windowMs) * windowMs;
            long[] countSum = expected.computeIfAbsent(new Window(key, start), w -> new long[2]);
            countSum[0]++;
            countSum[1] += i;
        }
        return expected;
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < 10) {
            examples.add(example);
        }
    }
}
