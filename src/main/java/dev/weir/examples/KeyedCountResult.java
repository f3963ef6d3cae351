package dev.weir.examples;

/** One output record of keyed-count; its text form is the line {@code key,count,sum}. */
public record KeyedCountResult(long key, long count, long sum) {
    @Override
    public String toString() {
        return key + "," + count + "," + sum;
    }
}
