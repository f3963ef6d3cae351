package dev.weir.runtime.exec;

import dev.weir.runtime.exec.operators.Output;
import dev.weir.runtime.exec.operators.RecordTimestamp;
import dev.weir.runtime.network.ChannelSelector;
import dev.weir.runtime.network.ResultPartition;
import dev.weir.runtime.network.Watermark;
import dev.weir.runtime.network.WatermarkStatus;

/**
 * The end of a chain that feeds a network edge: picks the channel and appends the record with its
 * timestamp to that channel's batch. Watermarks go to every channel after the pending batches.
 */
final class RecordWriterOutput implements Output {

    private final ResultPartition partition;
    private final ChannelSelector selector;
    private final RecordTimestamp timestamp;

    RecordWriterOutput(ResultPartition partition, ChannelSelector selector, RecordTimestamp timestamp) {
        this.partition = partition;
        this.selector = selector;
        this.timestamp = timestamp;
    }

    @Override
    public void collect(Object record) {
        try {
            partition.emit(record, timestamp.get(), selector.selectChannel(record));
        } catch (InterruptedException e) {
            throw canceled();
        }
    }

    @Override
    public void emitWatermark(long watermark) {
        broadcast(watermark == Long.MAX_VALUE ? Watermark.MAX : new Watermark(watermark));
    }

    @Override
    public void emitWatermarkStatus(WatermarkStatus status) {
        broadcast(status);
    }

    private void broadcast(Object event) {
        try {
            partition.broadcastEvent(event);
        } catch (InterruptedException e) {
            throw canceled();
        }
    }

    private static TaskCanceledException canceled() {
        Thread.currentThread().interrupt();
        return new TaskCanceledException();
    }
}
