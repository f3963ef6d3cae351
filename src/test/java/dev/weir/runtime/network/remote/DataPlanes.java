package dev.weir.runtime.network.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/** Test helpers: data planes on loopback, connected to each other as one job's workers. */
final class DataPlanes {

    static final String TOKEN = "job-token-7f3a";

    private DataPlanes() {}

    static InetSocketAddress loopback() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    static List<DataPlane> start(int workers) throws IOException {
        List<DataPlane> planes = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            planes.add(new DataPlane(TOKEN, i, 1, loopback()));
        }
        return planes;
    }

    static Map<Integer, InetSocketAddress> addresses(List<DataPlane> planes) {
        Map<Integer, InetSocketAddress> peers = new HashMap<>();
        for (int i = 0; i < planes.size(); i++) {
            peers.put(i, planes.get(i).address());
        }
        return peers;
    }

    /** Connects all planes at once, as worker processes starting together would. */
    static void connectAll(List<DataPlane> planes) throws Exception {
        Map<Integer, InetSocketAddress> peers = addresses(planes);
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (DataPlane plane : planes) {
            connects.add(CompletableFuture.runAsync(() -> {
                try {
                    plane.connect(peers, Duration.ofSeconds(10));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        try {
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    static RecordBatch batch(Object... records) {
        RecordBatch batch = new RecordBatch(records.length);
        for (Object record : records) {
            batch.add(record);
        }
        return batch;
    }

    /** Polls until an element arrives; the consumer task would be woken instead. */
    static Object take(ChannelQueue queue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Object element = queue.poll();
            if (element != null) {
                return element;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("nothing arrived within 10 s");
    }

    static List<Object> records(RecordBatch batch) {
        List<Object> records = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            records.add(batch.get(i));
        }
        return records;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static TypeSerializer<Object> untyped(TypeSerializer<?> serializer) {
        return (TypeSerializer) serializer;
    }

    static final TypeSerializer<Object> LONGS = untyped(Types.LONG);
    static final TypeSerializer<Object> STRINGS = untyped(Types.STRING);
}
