package dev.weir.runtime.state;

/** A contiguous, inclusive range of key groups owned by one subtask. */
public record KeyGroupRange(int start, int end) {

    public static final KeyGroupRange EMPTY = new KeyGroupRange(0, -1);

    public boolean contains(int keyGroup) {
        return keyGroup >= start && keyGroup <= end;
    }

    public int size() {
        return end - start + 1;
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
