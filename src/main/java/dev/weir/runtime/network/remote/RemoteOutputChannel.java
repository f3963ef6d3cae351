package dev.weir.runtime.network.remote;

import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.metrics.WaitTimer;
import dev.weir.runtime.network.EndOfData;
import dev.weir.runtime.network.EndOfPartition;
import dev.weir.runtime.network.OutputChannel;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.Watermark;
import dev.weir.runtime.network.WatermarkStatus;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The producer's end of a channel whose consumer runs on another worker. A batch is serialized
 * into this channel's own frame buffer (the producer task is its only user), then written once it
 * holds a credit; events wait only for the channel to be opened, never for credit. One thread
 * sends in order, so barriers cannot overtake the batches before them here; an unaligned barrier
 * overtakes in the consumer's queue, when it arrives.
 */
final class RemoteOutputChannel implements OutputChannel {

    /** Serialized batches come back for reuse; the producer fills at most one while another is sent. */
    private static final int SPARE_BATCHES = 2;

    private final int channelId;
    private final PeerConnection connection;
    private final CreditAccount credit;
    private final TypeSerializer<Object> serializer;
    private final FrameBuffer frame = new FrameBuffer(64 * 1024);
    private final ConcurrentLinkedQueue<RecordBatch> spare = new ConcurrentLinkedQueue<>();
    private WaitTimer producerWaits;

    RemoteOutputChannel(int channelId, PeerConnection connection, CreditAccount credit,
                        TypeSerializer<Object> serializer) {
        this.channelId = channelId;
        this.connection = connection;
        this.credit = credit;
        this.serializer = serializer;
    }

    @Override
    public void send(Object element) throws InterruptedException {
        if (element instanceof RecordBatch) {
            RecordBatch batch = (RecordBatch) element;
            encodeBatch(batch);
            recycle(batch);
            if (!credit.acquire(producerWaits)) {
                return;
            }
        } else {
            encodeEvent(element);
            if (!credit.awaitOpen()) {
                return;
            }
        }
        try {
            connection.write(frame);
        } catch (IOException e) {
            throw new PeerConnectionLostException(channelId, connection.remoteWorker(), e);
        }
    }

    /** Set before the producer runs, which then is this channel's only user. */
    @Override
    public void measureWaitsWith(WaitTimer waits) {
        this.producerWaits = waits;
    }

    private void encodeBatch(RecordBatch batch) {
        try {
            DataOutput out = frame.start(FrameType.BATCH, channelId);
            out.writeInt(batch.size());
            boolean timestamps = batch.hasTimestamps();
            out.writeBoolean(timestamps);
            if (timestamps) {
                for (int i = 0, n = batch.size(); i < n; i++) {
                    out.writeLong(batch.timestamp(i));
                    serializer.serialize(batch.get(i), out);
                }
            } else {
                for (int i = 0, n = batch.size(); i < n; i++) {
                    serializer.serialize(batch.get(i), out);
                }
            }
            frame.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("channel " + channelId + ": cannot serialize a record", e);
        }
    }

    private void encodeEvent(Object event) {
        try {
            if (event instanceof CheckpointBarrier) {
                CheckpointBarrier barrier = (CheckpointBarrier) event;
                DataOutput out = frame.start(FrameType.BARRIER, channelId);
                out.writeLong(barrier.checkpointId());
                out.writeLong(barrier.timestamp());
                out.writeByte(barrier.type().ordinal());
                out.writeByte(barrier.alignment().ordinal());
                out.writeLong(barrier.alignedTimeoutMs());
            } else if (event instanceof Watermark watermark) {
                frame.start(FrameType.WATERMARK, channelId).writeLong(watermark.timestamp());
            } else if (event instanceof WatermarkStatus status) {
                frame.start(FrameType.WATERMARK_STATUS, channelId).writeByte(status.ordinal());
            } else if (event == EndOfData.INSTANCE) {
                frame.start(FrameType.END_OF_DATA, channelId);
            } else if (event == EndOfPartition.INSTANCE) {
                frame.start(FrameType.END_OF_PARTITION, channelId);
            } else {
                throw new IllegalArgumentException("channel " + channelId + ": cannot send " + event);
            }
            frame.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory buffer does not fail
        }
    }

    private void recycle(RecordBatch batch) {
        if (spare.size() < SPARE_BATCHES) {
            batch.clear();
            spare.offer(batch);
        }
    }

    @Override
    public boolean hasRoom() {
        return credit.hasCredit();
    }

    @Override
    public void setRoomListener(Runnable listener) {
        credit.setCreditListener(listener);
    }

    @Override
    public RecordBatch newBatch(int capacity) {
        RecordBatch batch = spare.poll();
        return batch != null && batch.capacity() == capacity ? batch : new RecordBatch(capacity);
    }
}
