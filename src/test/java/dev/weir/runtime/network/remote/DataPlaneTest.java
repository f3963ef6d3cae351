package dev.weir.runtime.network.remote;

import static dev.weir.runtime.network.remote.DataPlanes.LONGS;
import static dev.weir.runtime.network.remote.DataPlanes.STRINGS;
import static dev.weir.runtime.network.remote.DataPlanes.batch;
import static dev.weir.runtime.network.remote.DataPlanes.records;
import static dev.weir.runtime.network.remote.DataPlanes.take;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.EndOfData;
import dev.weir.runtime.network.EndOfPartition;
import dev.weir.runtime.network.OutputChannel;
import dev.weir.runtime.network.RecordBatch;

class DataPlaneTest {

    private final List<DataPlane> planes = new ArrayList<>();

    @AfterEach
    void closePlanes() {
        planes.forEach(DataPlane::close);
    }

    private List<DataPlane> connected(int workers) throws Exception {
        planes.addAll(DataPlanes.start(workers));
        DataPlanes.connectAll(planes);
        return planes;
    }

    @Test
    void threeWorkersConnectOncePerPair() throws Exception {
        List<DataPlane> w = connected(3);
        assertThat(w.get(0).connectedPeers()).isEqualTo(Set.of(1, 2));
        assertThat(w.get(1).connectedPeers()).isEqualTo(Set.of(0, 2));
        assertThat(w.get(2).connectedPeers()).isEqualTo(Set.of(0, 1));
    }

    @Test
    void batchesAndEventsArriveInOrderOnTheRightChannelsInBothDirections() throws Exception {
        List<DataPlane> w = connected(3);
        ChannelQueue longsAt1 = w.get(1).inputChannel(10, 0, LONGS, 4);
        ChannelQueue stringsAt0 = w.get(0).inputChannel(11, 1, STRINGS, 4);
        ChannelQueue longsAt2 = w.get(2).inputChannel(12, 0, LONGS, 4);
        OutputChannel longsTo1 = w.get(0).outputChannel(10, 1, LONGS);
        OutputChannel stringsTo0 = w.get(1).outputChannel(11, 0, STRINGS);
        OutputChannel longsTo2 = w.get(0).outputChannel(12, 2, LONGS);
        CheckpointBarrier barrier = new CheckpointBarrier(7, 1234, CheckpointType.SAVEPOINT);

        for (OutputChannel out : List.of(longsTo1, longsTo2)) {
            out.send(batch(1L, 2L, 3L));
            out.send(barrier);
            out.send(batch(Long.MAX_VALUE));
            out.send(EndOfData.INSTANCE);
            out.send(EndOfPartition.INSTANCE);
        }
        stringsTo0.send(batch("a", "ü€", ""));
        stringsTo0.send(barrier);
        stringsTo0.send(EndOfPartition.INSTANCE);

        for (ChannelQueue in : List.of(longsAt1, longsAt2)) {
            assertThat(records((RecordBatch) take(in))).containsExactly(1L, 2L, 3L);
            assertThat(take(in)).isEqualTo(barrier);
            assertThat(records((RecordBatch) take(in))).containsExactly(Long.MAX_VALUE);
            assertThat(take(in)).isEqualTo(EndOfData.INSTANCE);
            assertThat(take(in)).isEqualTo(EndOfPartition.INSTANCE);
        }
        assertThat(records((RecordBatch) take(stringsAt0))).containsExactly("a", "ü€", "");
        assertThat(take(stringsAt0)).isEqualTo(barrier);
        assertThat(take(stringsAt0)).isEqualTo(EndOfPartition.INSTANCE);
        assertThat(w.get(0).connectedPeers()).isEqualTo(Set.of(1, 2));
    }

    @Test
    void manyChannelsShareOneConnectionAndBarriersNeverOvertakeRecords() throws Exception {
        List<DataPlane> w = connected(2);
        int channels = 40;
        int batches = 50;
        int batchSize = 16;
        List<ChannelQueue> inputs = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            inputs.add(w.get(1).inputChannel(c, 0, LONGS, 2));
        }
        ExecutorService producers = Executors.newFixedThreadPool(channels);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                OutputChannel out = w.get(0).outputChannel(c, 1, LONGS);
                sent.add(producers.submit(() -> {
                    long next = 0;
                    for (int b = 0; b < batches; b++) {
                        RecordBatch batch = out.newBatch(batchSize);
                        for (int i = 0; i < batchSize; i++) {
                            batch.add(next++);
                        }
                        out.send(batch);
                        out.send(new CheckpointBarrier(b + 1, 0, CheckpointType.CHECKPOINT));
                    }
                    out.send(EndOfPartition.INSTANCE);
                    return null;
                }));
            }
            for (int c = 0; c < channels; c++) {
                ChannelQueue in = inputs.get(c);
                long expected = 0;
                for (int b = 0; b < batches; b++) {
                    RecordBatch batch = (RecordBatch) take(in);
                    for (int i = 0; i < batch.size(); i++) {
                        assertThat(batch.get(i)).as("channel %d", c).isEqualTo(expected++);
                    }
                    in.recycle(batch);
                    CheckpointBarrier barrier = (CheckpointBarrier) take(in);
                    assertThat(barrier.checkpointId()).as("barrier after batch %d of channel %d", b, c).isEqualTo(b + 1);
                    assertThat(expected).isEqualTo((long) (b + 1) * batchSize);
                }
                assertThat(take(in)).isEqualTo(EndOfPartition.INSTANCE);
            }
            for (Future<?> f : sent) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            producers.shutdownNow();
        }
        assertThat(w.get(0).connectedPeers()).containsExactly(1);
        assertThat(w.get(1).connectedPeers()).containsExactly(0);
    }
}
