package dev.weir.runtime.exec;

import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.network.ChannelSelector;
import dev.weir.runtime.network.ResultPartition;

/** The end of a chain that feeds a network edge: picks the channel and appends to its batch. */
final class RecordWriterOutput implements Collector<Object> {

    private final ResultPartition partition;
    private final ChannelSelector selector;

    RecordWriterOutput(ResultPartition partition, ChannelSelector selector) {
        this.partition = partition;
        this.selector = selector;
    }

    @Override
    public void collect(Object record) {
        try {
            partition.emit(record, selector.selectChannel(record));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskCanceledException();
        }
    }
}
