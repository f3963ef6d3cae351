package dev.weir.runtime.network.remote;

import static dev.weir.runtime.network.remote.DataPlanes.LONGS;
import static dev.weir.runtime.network.remote.DataPlanes.batch;
import static dev.weir.runtime.network.remote.DataPlanes.records;
import static dev.weir.runtime.network.remote.DataPlanes.take;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.EndOfData;
import dev.weir.runtime.network.OutputChannel;
import dev.weir.runtime.network.RecordBatch;

/** A slow consumer back-pressures its remote producer through credits instead of growing memory. */
class CreditFlowControlTest {

    private final List<DataPlane> planes = new ArrayList<>();

    @AfterEach
    void closePlanes() {
        planes.forEach(DataPlane::close);
    }

    private List<DataPlane> connected() throws Exception {
        planes.addAll(DataPlanes.start(2));
        DataPlanes.connectAll(planes);
        return planes;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(2);
        }
    }

    @Test
    void producerBlocksAfterCapacityBatchesAndResumesWhenConsumerPolls() throws Exception {
        List<DataPlane> w = connected();
        int capacity = 3;
        ChannelQueue in = w.get(1).inputChannel(5, 0, LONGS, capacity);
        OutputChannel out = w.get(0).outputChannel(5, 1, LONGS);
        AtomicInteger sent = new AtomicInteger();
        Thread producer = new Thread(() -> {
            try {
                for (long i = 0; i < 10; i++) {
                    out.send(batch(i));
                    sent.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();

        await(() -> in.size() == capacity, "the consumer's queue is full");
        await(() -> producer.getState() == Thread.State.WAITING, "the producer waits for credit");
        Thread.sleep(100);
        assertThat(sent.get()).as("batches sent without the consumer polling").isEqualTo(capacity);
        assertThat(in.size()).as("memory at the consumer stays bounded").isEqualTo(capacity);
        assertThat(w.get(0).availableCredit(5)).isZero();

        assertThat(records((RecordBatch) in.poll())).containsExactly(0L);
        await(() -> sent.get() == capacity + 1, "one credit let one more batch through");
        await(() -> in.size() == capacity, "the next batch arrived");
        Thread.sleep(50);
        assertThat(sent.get()).isEqualTo(capacity + 1);

        for (long i = 1; i < 10; i++) {
            assertThat(records((RecordBatch) take(in))).containsExactly(i);
        }
        producer.join(10_000);
        assertThat(producer.isAlive()).isFalse();
        await(() -> w.get(0).availableCredit(5) == capacity, "all credit came back");
    }

    @Test
    void eventsNeedNoCredit() throws Exception {
        List<DataPlane> w = connected();
        ChannelQueue in = w.get(1).inputChannel(6, 0, LONGS, 1);
        OutputChannel out = w.get(0).outputChannel(6, 1, LONGS);
        CheckpointBarrier barrier = new CheckpointBarrier(3, 0, CheckpointType.CHECKPOINT);
        out.send(batch(1L));
        await(() -> in.size() == 1, "the batch arrived");
        assertThat(w.get(0).availableCredit(6)).isZero();

        out.send(barrier);
        out.send(EndOfData.INSTANCE);

        await(() -> in.size() == 3, "events arrived although the queue holds its capacity of batches");
        assertThat(in.poll()).isInstanceOf(RecordBatch.class);
        assertThat(in.poll()).isEqualTo(barrier);
        assertThat(in.poll()).isEqualTo(EndOfData.INSTANCE);
    }

    @Test
    void producerRegisteredFirstWaitsForTheConsumerToOpenTheChannel() throws Exception {
        List<DataPlane> w = connected();
        OutputChannel out = w.get(0).outputChannel(8, 1, LONGS);
        Thread producer = new Thread(() -> {
            try {
                out.send(EndOfData.INSTANCE);
                out.send(batch(42L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        await(() -> producer.getState() == Thread.State.WAITING, "the producer waits for the channel to open");

        ChannelQueue in = w.get(1).inputChannel(8, 0, LONGS, 2);

        assertThat(take(in)).isEqualTo(EndOfData.INSTANCE);
        assertThat(records((RecordBatch) take(in))).containsExactly(42L);
        producer.join(10_000);
        assertThat(w.get(0).connectedPeers()).containsExactly(1);
    }

    @Test
    void creditGoesBackInGroupsOfHalfTheCapacityOrWhenTheQueueRunsDry() throws Exception {
        List<DataPlane> w = connected();
        int capacity = 8;
        ChannelQueue in = w.get(1).inputChannel(9, 0, LONGS, capacity);
        OutputChannel out = w.get(0).outputChannel(9, 1, LONGS);
        for (long i = 0; i < capacity; i++) {
            out.send(batch(i));
        }
        await(() -> in.size() == capacity, "the consumer's queue is full");
        assertThat(w.get(0).availableCredit(9)).isZero();

        for (long i = 0; i < 3; i++) {
            assertThat(records((RecordBatch) in.poll())).containsExactly(i);
        }
        Thread.sleep(100);
        assertThat(w.get(0).availableCredit(9)).as("three batches taken, the queue not dry: no CREDIT frame yet").isZero();

        assertThat(records((RecordBatch) in.poll())).containsExactly(3L);
        await(() -> w.get(0).availableCredit(9) == capacity / 2, "the fourth batch returned half the capacity");

        assertThat(records((RecordBatch) in.poll())).containsExactly(4L);
        Thread.sleep(100);
        assertThat(w.get(0).availableCredit(9)).isEqualTo(capacity / 2);
        for (long i = 5; i < capacity; i++) {
            assertThat(records((RecordBatch) in.poll())).containsExactly(i);
        }
        await(() -> w.get(0).availableCredit(9) == capacity, "the dry queue returned the rest at once");
    }
}
