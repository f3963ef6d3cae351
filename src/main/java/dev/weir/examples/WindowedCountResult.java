package dev.weir.examples;

/** One output record of windowed-count; its text form is the line {@code key,window_start,count,sum}. */
public record WindowedCountResult(long key, long windowStart, long count, long sum) {
    @Override
    public String toString() {
        return key + "," + windowStart + "," + count + "," + sum;
    }
}
