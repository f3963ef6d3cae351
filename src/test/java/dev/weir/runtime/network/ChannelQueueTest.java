package dev.weir.runtime.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;

class ChannelQueueTest {

    private static RecordBatch batch(int value) {
        RecordBatch b = new RecordBatch(4);
        b.add(value);
        return b;
    }

    @Test
    void fullQueueBlocksProducerUntilConsumerTakes() throws Exception {
        ChannelQueue queue = new ChannelQueue(2);
        queue.send(batch(1));
        queue.send(batch(2));
        CountDownLatch sent = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                queue.send(batch(3));
                sent.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        assertThat(sent.await(200, TimeUnit.MILLISECONDS)).as("producer must be back-pressured").isFalse();
        assertThat(((RecordBatch) queue.poll()).get(0)).isEqualTo(1);
        assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.size()).isEqualTo(2);
        producer.join();
    }

    @Test
    void eventsAreAcceptedEvenWhenFullAndKeepOrder() throws Exception {
        ChannelQueue queue = new ChannelQueue(1);
        queue.send(batch(1));
        CheckpointBarrier barrier = new CheckpointBarrier(1, 0, CheckpointType.CHECKPOINT);
        queue.send(barrier);
        queue.send(EndOfPartition.INSTANCE);
        assertThat(queue.poll()).isInstanceOf(RecordBatch.class);
        assertThat(queue.poll()).isEqualTo(barrier);
        assertThat(queue.poll()).isEqualTo(EndOfPartition.INSTANCE);
        assertThat(queue.poll()).isNull();
    }

    @Test
    void consumerIsNotifiedOnlyWhenQueueTurnsNonEmpty() throws Exception {
        ChannelQueue queue = new ChannelQueue(4);
        AtomicInteger notified = new AtomicInteger();
        queue.setAvailabilityListener(notified::incrementAndGet);
        queue.send(batch(1));
        queue.send(batch(2));
        assertThat(notified.get()).isEqualTo(1);
        queue.poll();
        queue.poll();
        queue.send(batch(3));
        assertThat(notified.get()).isEqualTo(2);
    }

    @Test
    void closeReleasesBlockedProducer() throws Exception {
        ChannelQueue queue = new ChannelQueue(1);
        queue.send(batch(1));
        CountDownLatch returned = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                queue.send(batch(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            returned.countDown();
        });
        producer.start();
        Thread.sleep(50);
        queue.close();
        assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void resultPartitionFlushesPendingBatchBeforeEvent() throws Exception {
        ChannelQueue a = new ChannelQueue(8);
        ChannelQueue b = new ChannelQueue(8);
        ResultPartition partition = new ResultPartition(new OutputChannel[] {a, b}, 3);
        partition.emit("x", 0);
        partition.emit("y", 1);
        partition.broadcastEvent(EndOfData.INSTANCE);
        assertThat(((RecordBatch) a.poll()).get(0)).isEqualTo("x");
        assertThat(a.poll()).isEqualTo(EndOfData.INSTANCE);
        assertThat(((RecordBatch) b.poll()).get(0)).isEqualTo("y");
        assertThat(b.poll()).isEqualTo(EndOfData.INSTANCE);
    }

    @Test
    void inputGateSkipsBlockedAndFinishedChannels() throws Exception {
        ChannelQueue a = new ChannelQueue(8);
        ChannelQueue b = new ChannelQueue(8);
        InputGate gate = new InputGate(new ChannelQueue[] {a, b});
        a.send(batch(1));
        b.send(batch(2));
        gate.block(0);
        assertThat(((RecordBatch) gate.pollNext()).get(0)).isEqualTo(2);
        assertThat(gate.lastChannel()).isEqualTo(1);
        assertThat(gate.pollNext()).isNull();
        gate.unblockAll();
        assertThat(((RecordBatch) gate.pollNext()).get(0)).isEqualTo(1);
        gate.markFinished(0);
        a.send(batch(3));
        assertThat(gate.pollNext()).isNull();
        assertThat(gate.openChannels()).isEqualTo(1);
    }

    @Test
    void anInputGateOfSeveralEdgesNumbersTheirChannelsEdgeByEdge() throws Exception {
        ChannelQueue[] first = {new ChannelQueue(8), new ChannelQueue(8)};
        ChannelQueue[] second = {new ChannelQueue(8), new ChannelQueue(8), new ChannelQueue(8)};
        InputGate gate = new InputGate(List.of(new InputGate.Input("a->c", null, first, 0),
                new InputGate.Input("b->c#1", null, second, 1)));
        assertThat(gate.numberOfChannels()).isEqualTo(5);
        assertThat(gate.numberOfInputs()).isEqualTo(2);
        second[2].send(batch(7));
        assertThat(((RecordBatch) gate.pollNext()).get(0)).isEqualTo(7);
        int channel = gate.lastChannel();
        assertThat(channel).isEqualTo(4);
        assertThat(gate.inputOf(channel)).isEqualTo(1);
        assertThat(gate.producerOf(channel)).isEqualTo(2);
        assertThat(gate.input(gate.inputOf(channel)).edgeId()).isEqualTo("b->c#1");
        assertThat(gate.input(gate.inputOf(channel)).operatorInput()).isEqualTo(1);
        assertThat(gate.inputOf(1)).isZero();
        assertThat(gate.producerOf(1)).isEqualTo(1);
    }

    @Test
    void eventsDoNotCountTowardsTheBatchCapacity() throws Exception {
        ChannelQueue queue = new ChannelQueue(2);
        queue.send(batch(1));
        queue.send(new CheckpointBarrier(1, 0, CheckpointType.CHECKPOINT));
        queue.send(EndOfData.INSTANCE);
        CountDownLatch sent = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                queue.send(batch(2));
                sent.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        assertThat(sent.await(5, TimeUnit.SECONDS)).as("second batch fits although events are queued").isTrue();
        producer.join();
        assertThat(queue.size()).isEqualTo(4);
    }

    @Test
    void batchConsumedListenerFiresOnlyForBatches() throws Exception {
        ChannelQueue queue = new ChannelQueue(4);
        AtomicInteger consumed = new AtomicInteger();
        queue.setBatchConsumedListener(consumed::incrementAndGet);
        queue.send(batch(1));
        queue.send(EndOfData.INSTANCE);
        queue.send(batch(2));
        queue.poll();
        queue.poll();
        assertThat(consumed.get()).isEqualTo(1);
        queue.poll();
        assertThat(queue.poll()).isNull();
        assertThat(consumed.get()).isEqualTo(2);
    }
}
