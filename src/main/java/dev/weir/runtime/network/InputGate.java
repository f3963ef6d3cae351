package dev.weir.runtime.network;

import java.util.BitSet;

/**
 * The consumer side of one input edge: one channel per upstream subtask. Polls channels round
 * robin, skipping channels that are blocked (barrier alignment) or finished.
 */
public final class InputGate {

    private final ChannelQueue[] channels;
    private final BitSet blocked;
    private final BitSet finished;
    private int next;
    private int lastChannel = -1;

    public InputGate(ChannelQueue[] channels) {
        this.channels = channels.clone();
        this.blocked = new BitSet(channels.length);
        this.finished = new BitSet(channels.length);
    }

    public int numberOfChannels() {
        return channels.length;
    }

    public void setAvailabilityListener(Runnable listener) {
        for (ChannelQueue channel : channels) {
            channel.setAvailabilityListener(listener);
        }
    }

    /** The next element from any readable channel, or null; {@link #lastChannel()} says which. */
    public Object pollNext() {
        int n = channels.length;
        for (int i = 0; i < n; i++) {
            int c = next;
            next = next + 1 == n ? 0 : next + 1;
            if (blocked.get(c) || finished.get(c)) {
                continue;
            }
            Object element = channels[c].poll();
            if (element != null) {
                lastChannel = c;
                // Stay on a channel that has more: fewer switches, and batches arrive in order anyway.
                next = c;
                return element;
            }
        }
        return null;
    }

    public int lastChannel() {
        return lastChannel;
    }

    public void recycle(int channel, RecordBatch batch) {
        channels[channel].recycle(batch);
    }

    public void block(int channel) {
        blocked.set(channel);
    }

    public void unblockAll() {
        blocked.clear();
    }

    public boolean isBlocked(int channel) {
        return blocked.get(channel);
    }

    public void markFinished(int channel) {
        finished.set(channel);
    }

    public boolean isFinished(int channel) {
        return finished.get(channel);
    }

    public boolean allFinished() {
        return finished.cardinality() == channels.length;
    }

    public int openChannels() {
        return channels.length - finished.cardinality();
    }
}
