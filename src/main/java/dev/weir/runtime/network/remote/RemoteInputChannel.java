package dev.weir.runtime.network.remote;

import java.io.DataInput;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.AlignmentType;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.EndOfData;
import dev.weir.runtime.network.EndOfPartition;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.Watermark;
import dev.weir.runtime.network.WatermarkStatus;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The consumer's end of a channel whose producer runs on another worker: the connection's reader
 * thread decodes frames into the {@link ChannelQueue} the consumer task polls. It grants the
 * queue's capacity as initial credit and gives one credit back for each batch the consumer takes
 * out, so the queue never needs more than its capacity and the reader never blocks on it.
 */
final class RemoteInputChannel {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteInputChannel.class);
    private static final CheckpointType[] CHECKPOINT_TYPES = CheckpointType.values();
    private static final AlignmentType[] ALIGNMENT_TYPES = AlignmentType.values();
    private static final WatermarkStatus[] WATERMARK_STATUSES = WatermarkStatus.values();

    private final int channelId;
    private final int producerWorker;
    private final PeerConnection connection;
    private final TypeSerializer<Object> serializer;
    private final ChannelQueue queue;
    private final AtomicInteger unannouncedCredit = new AtomicInteger();
    private final FrameBuffer creditFrame = new FrameBuffer(16);
    private final int announceThreshold;

    RemoteInputChannel(int channelId, int producerWorker, PeerConnection connection,
                       TypeSerializer<Object> serializer, ChannelQueue queue) {
        this.channelId = channelId;
        this.producerWorker = producerWorker;
        this.connection = connection;
        this.serializer = serializer;
        this.queue = queue;
        this.announceThreshold = Math.max(1, queue.capacity() / 2);
        queue.setBatchConsumedListener(this::onBatchConsumed);
    }

    int producerWorker() {
        return producerWorker;
    }

    ChannelQueue queue() {
        return queue;
    }

    /** Opens the channel: the initial credit tells the producer it may send. */
    void open() throws IOException {
        unannouncedCredit.addAndGet(queue.capacity());
        announceCredit();
    }

    /** Called on the reader thread with the payload of a data frame for this channel. */
    void onFrame(FrameType type, DataInput payload) throws IOException, InterruptedException {
        switch (type) {
            case BATCH:
                queue.send(readBatch(payload));
                break;
            case BARRIER:
                long checkpointId = payload.readLong();
                long timestamp = payload.readLong();
                CheckpointType checkpointType = CHECKPOINT_TYPES[payload.readByte()];
                AlignmentType alignment = ALIGNMENT_TYPES[payload.readByte()];
                queue.send(new CheckpointBarrier(checkpointId, timestamp, checkpointType, alignment, payload.readLong()));
                break;
            case WATERMARK:
                queue.send(new Watermark(payload.readLong()));
                break;
            case WATERMARK_STATUS:
                queue.send(WATERMARK_STATUSES[payload.readByte()]);
                break;
            case END_OF_DATA:
                queue.send(EndOfData.INSTANCE);
                break;
            case END_OF_PARTITION:
                queue.send(EndOfPartition.INSTANCE);
                break;
            default:
                throw new IOException("channel " + channelId + ": unexpected " + type + " frame");
        }
    }

    /**
     * Decodes a batch frame. A method of its own, so the records keep their compiled code when the
     * first barrier or end frame sends {@link #onFrame} back to the interpreter.
     */
    private RecordBatch readBatch(DataInput payload) throws IOException {
        int count = payload.readInt();
        RecordBatch batch = queue.newBatch(count);
        if (payload.readBoolean()) {
            for (int i = 0; i < count; i++) {
                long timestamp = payload.readLong();
                batch.add(serializer.deserialize(payload), timestamp);
            }
        } else {
            for (int i = 0; i < count; i++) {
                batch.add(serializer.deserialize(payload));
            }
        }
        return batch;
    }

    /**
     * On the consumer task's thread. Credit goes back in groups of half the queue's capacity, or at
     * once when the queue ran out of batches (the producer may be waiting for exactly this credit):
     * one CREDIT frame per batch cost a write and a wake-up of the producer's reader for every batch.
     */
    private void onBatchConsumed() {
        int credit = unannouncedCredit.incrementAndGet();
        if (credit < announceThreshold && queue.queuedBatches() > 0) {
            return;
        }
        try {
            announceCredit();
        } catch (IOException e) {
            // The reader reports the lost connection; the consumer just stops getting batches.
            LOG.debug("channel {}: cannot announce credit: {}", channelId, e.toString());
        }
    }

    private synchronized void announceCredit() throws IOException {
        int credit = unannouncedCredit.getAndSet(0);
        if (credit == 0) {
            return;
        }
        creditFrame.start(FrameType.CREDIT, channelId).writeInt(credit);
        creditFrame.finish();
        connection.write(creditFrame);
    }
}
