package dev.weir.runtime.network;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.ObjIntConsumer;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The consumer side of a task's input edges: one channel per upstream subtask of each edge, the
 * edges' channels one after the other (edge 0's first). Polls channels round robin, one element
 * (a batch of records, or an event) at a time, skipping channels that are blocked (barrier
 * alignment) or finished, so that every producer gets a share of a busy consumer; barriers align,
 * and watermarks are the minimum, over all channels of all edges.
 *
 * <p>The shares lean towards the channels behind in event time. A channel whose last batch ended
 * later than the last batch of another channel with batches queued is passed over, up to
 * {@link #MAX_TURNS_PASSED} turns in a row, while that one is read: its producer, ahead, waits
 * for credit, and the one behind catches up. Equal turns kept the producers' rates equal but not
 * their places in event time, so whatever lead one source took (a slower start, a busy core) stayed
 * or grew, and every window and timer between the two watermarks was held as state meanwhile (q7:
 * the sources 20-90 s of event time apart, 5-9 MB in each checkpoint against 3-4 MB, most of them
 * the windows between two watermarks, 200 ms apart then). A channel passed over still gets its turn
 * after that many, so a barrier or watermark behind its batches waits a few turns at most, and a
 * channel is never passed over for one that has nothing queued.
 */
public final class InputGate {

    /**
     * One input edge: its channels (one per producer subtask), its record serializer (persists the
     * records an unaligned barrier overtook), and which input of the head operator it feeds.
     */
    public record Input(String edgeId, TypeSerializer<Object> serializer, ChannelQueue[] channels, int operatorInput) {}

    private final Input[] inputs;
    /** Per channel: the index of its input in {@link #inputs}. */
    private final int[] inputOfChannel;
    /** Per input: the index of its first channel. */
    private final int[] firstChannel;
    private final ChannelQueue[] channels;
    /**
     * How many turns in a row a channel ahead in event time may be passed over: the one behind is
     * read that many times as often until it has caught up.
     */
    static final int MAX_TURNS_PASSED = 3;

    private final BitSet blocked;
    private final BitSet finished;
    /** Per channel: the timestamp of the last record of its last batch read, {@link RecordBatch#NO_TIMESTAMP} if none. */
    private final long[] channelTimes;
    /** Per channel: the turns it was passed over since it was last read. */
    private final int[] turnsPassed;
    private int next;
    private int lastChannel = -1;
    /** Set when a barrier was queued ahead of batches somewhere: the next poll looks for it first. */
    private volatile boolean overtakingBarrierQueued;

    /** For tests that never take unaligned checkpoints. */
    public InputGate(ChannelQueue[] channels) {
        this("test", null, channels);
    }

    /**
     * One input edge.
     *
     * @param edgeId the job edge this gate reads (names its channel state)
     * @param serializer the edge's record serializer: persists records an unaligned barrier overtook
     */
    public InputGate(String edgeId, TypeSerializer<Object> serializer, ChannelQueue[] channels) {
        this(List.of(new Input(edgeId, serializer, channels, 0)));
    }

    public InputGate(List<Input> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("an input gate needs at least one input");
        }
        this.inputs = inputs.toArray(new Input[0]);
        this.firstChannel = new int[inputs.size()];
        int total = 0;
        for (int i = 0; i < this.inputs.length; i++) {
            firstChannel[i] = total;
            total += this.inputs[i].channels().length;
        }
        this.channels = new ChannelQueue[total];
        this.inputOfChannel = new int[total];
        for (int i = 0; i < this.inputs.length; i++) {
            ChannelQueue[] own = this.inputs[i].channels();
            System.arraycopy(own, 0, channels, firstChannel[i], own.length);
            Arrays.fill(inputOfChannel, firstChannel[i], firstChannel[i] + own.length, i);
        }
        this.blocked = new BitSet(total);
        this.finished = new BitSet(total);
        this.channelTimes = new long[total];
        Arrays.fill(channelTimes, RecordBatch.NO_TIMESTAMP);
        this.turnsPassed = new int[total];
        for (ChannelQueue channel : channels) {
            channel.setOvertakingBarrierListener(() -> overtakingBarrierQueued = true);
        }
    }

    public int numberOfInputs() {
        return inputs.length;
    }

    public Input input(int index) {
        return inputs[index];
    }

    /** The index of the input (edge) {@code channel} belongs to. */
    public int inputOf(int channel) {
        return inputOfChannel[channel];
    }

    /** The producer subtask of {@code channel}, within its own edge. */
    public int producerOf(int channel) {
        return channel - firstChannel[inputOfChannel[channel]];
    }

    public int numberOfChannels() {
        return channels.length;
    }

    public void setAvailabilityListener(Runnable listener) {
        for (ChannelQueue channel : channels) {
            channel.setAvailabilityListener(listener);
        }
    }

    /** Called with the barrier and its channel when an aligned barrier that may time out was queued. */
    public void setTimeoutableBarrierListener(ObjIntConsumer<CheckpointBarrier> listener) {
        for (int c = 0; c < channels.length; c++) {
            int channel = c;
            channels[c].setTimeoutableBarrierListener(barrier -> listener.accept(barrier, channel));
        }
    }

    /**
     * An overtaking barrier at the head of an open channel, taken out, or null: what a task takes
     * while it cannot take records. {@link #lastChannel()} says which channel.
     */
    public OvertakingBarrier pollOvertakingBarrier() {
        for (int c = 0; c < channels.length; c++) {
            if (!finished.get(c)) {
                OvertakingBarrier barrier = channels[c].pollOvertakingBarrier();
                if (barrier != null) {
                    lastChannel = c;
                    return barrier;
                }
            }
        }
        return null;
    }

    /** Lets checkpoint {@code checkpointId}'s barrier overtake the batches queued ahead of it in {@code channel}. */
    public void promoteBarrier(int channel, long checkpointId) {
        channels[channel].promote(checkpointId);
    }

    /**
     * The next element from any readable channel, or null; {@link #lastChannel()} says which. A
     * barrier that overtook batches comes first, from whichever channel it is in.
     */
    public Object pollNext() {
        if (overtakingBarrierQueued) {
            overtakingBarrierQueued = false;
            OvertakingBarrier barrier = pollOvertakingBarrier();
            if (barrier != null) {
                overtakingBarrierQueued = true; // another channel may hold one too
                return barrier;
            }
        }
        int n = channels.length;
        long behind = n > 1 ? earliestQueuedTime() : RecordBatch.NO_TIMESTAMP;
        // A second pass, passing no one over, only if the first passed someone over and found
        // nothing: only this thread takes from the channels, so the one behind still had its
        // batches and that cannot happen; if it ever did, a channel with something queued is
        // read rather than none (its producer would not wake this task again).
        for (int pass = 0; pass < 2; pass++) {
            boolean passedAny = false;
            for (int i = 0; i < n; i++) {
                int c = next;
                next = next + 1 == n ? 0 : next + 1;
                if (blocked.get(c) || finished.get(c)) {
                    continue;
                }
                if (pass == 0 && behind != RecordBatch.NO_TIMESTAMP && channelTimes[c] > behind
                        && turnsPassed[c] < MAX_TURNS_PASSED) {
                    turnsPassed[c]++;
                    passedAny = true;
                    continue;
                }
                Object element = take(c);
                if (element != null) {
                    // The next poll starts at the next channel, even if this one has more: under
                    // backpressure every channel always has more, and staying on one starved the
                    // others' producers. Their sources then drifted apart in event time without
                    // bound (q5: one generator subtask 1,400 s of event time ahead after 60 s), and
                    // the windows between the two watermarks, their timers and snapshots grew with the run.
                    return element;
                }
            }
            if (!passedAny) {
                break;
            }
        }
        return null;
    }

    /** The next element of {@code channel}, or null; a batch moves the channel's time to its last record's. */
    private Object take(int channel) {
        Object element = channels[channel].poll();
        if (element != null) {
            lastChannel = channel;
            turnsPassed[channel] = 0;
            if (element instanceof RecordBatch batch && batch.hasTimestamps()) {
                channelTimes[channel] = batch.timestamp(batch.size() - 1);
            }
        }
        return element;
    }

    /**
     * The earliest time of the readable channels with batches queued, or {@link RecordBatch#NO_TIMESTAMP}
     * if any of them has no time (no record with a timestamp read from it yet): then none is passed over.
     */
    private long earliestQueuedTime() {
        long earliest = Long.MAX_VALUE;
        for (int c = 0; c < channels.length; c++) {
            if (blocked.get(c) || finished.get(c) || channels[c].queuedBatches() == 0) {
                continue;
            }
            if (channelTimes[c] == RecordBatch.NO_TIMESTAMP) {
                return RecordBatch.NO_TIMESTAMP;
            }
            earliest = Math.min(earliest, channelTimes[c]);
        }
        return earliest == Long.MAX_VALUE ? RecordBatch.NO_TIMESTAMP : earliest;
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
