package dev.weir.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The independent check of keyed-count's committed output (design §8): exactly one line per
 * (key, count) for count 1..n_key, and the line with the highest count carries the key's total
 * sum. Knows nothing of the engine: it recomputes the expectation from N and K.
 */
public final class KeyedCountVerifier {

    /** What was wrong with the output; {@link #isExactlyOnce()} when nothing. */
    public record Report(long lines, long duplicates, long gaps, long wrongSums, long malformed, List<String> examples) {
        public boolean isExactlyOnce() {
            return duplicates == 0 && gaps == 0 && wrongSums == 0 && malformed == 0;
        }

        @Override
        public String toString() {
            return "lines=" + lines + " duplicates=" + duplicates + " gaps=" + gaps + " wrongSums=" + wrongSums
                    + " malformed=" + malformed + " examples=" + examples;
        }
    }

    private KeyedCountVerifier() {}

    public static long keyOf(long i, long keys) {
        return Math.floorMod(i * 2654435761L, keys);
    }

    public static Report verify(Iterable<String> lines, long records, long keys) {
        long[] expectedCount = new long[(int) keys];
        long[] expectedSum = new long[(int) keys];
        for (long i = 0; i < records; i++) {
            int k = (int) keyOf(i, keys);
            expectedCount[k]++;
            expectedSum[k] += i;
        }
        Map<Long, Map<Long, Integer>> seen = new HashMap<>();
        Map<Long, Long> sumAtMax = new HashMap<>();
        long total = 0;
        long malformed = 0;
        long duplicates = 0;
        List<String> examples = new ArrayList<>();
        for (String line : lines) {
            total++;
            String[] parts = line.split(",");
            long key;
            long count;
            long sum;
            try {
                key = Long.parseLong(parts[0]);
                count = Long.parseLong(parts[1]);
                sum = Long.parseLong(parts[2]);
            } catch (RuntimeException e) {
                malformed++;
                note(examples, "malformed line: " + line);
                continue;
            }
            if (parts.length != 3 || key < 0 || key >= keys || count < 1 || count > expectedCount[(int) key]) {
                malformed++;
                note(examples, "impossible line: " + line);
                continue;
            }
            int times = seen.computeIfAbsent(key, k -> new HashMap<>()).merge(count, 1, Integer::sum);
            if (times > 1) {
                duplicates++;
                note(examples, "duplicate: " + line);
            }
            if (count == expectedCount[(int) key]) {
                sumAtMax.put(key, sum);
            }
        }
        long gaps = 0;
        long wrongSums = 0;
        for (int k = 0; k < keys; k++) {
            Map<Long, Integer> counts = seen.getOrDefault((long) k, Map.of());
            for (long c = 1; c <= expectedCount[k]; c++) {
                if (!counts.containsKey(c)) {
                    gaps++;
                    note(examples, "missing: key " + k + " count " + c);
                }
            }
            Long sum = sumAtMax.get((long) k);
            if (expectedCount[k] > 0 && sum != null && sum != expectedSum[k]) {
                wrongSums++;
                note(examples, "key " + k + " has sum " + sum + ", expected " + expectedSum[k]);
            }
        }
        return new Report(total, duplicates, gaps, wrongSums, malformed, examples);
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < 10) {
            examples.add(example);
        }
    }
}
