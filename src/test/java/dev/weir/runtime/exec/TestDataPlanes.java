package dev.weir.runtime.exec;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.weir.runtime.network.remote.DataPlane;

/** Data planes of {@code n} workers in one JVM on loopback, connected to each other. */
final class TestDataPlanes {

    private TestDataPlanes() {}

    static List<DataPlane> connected(int n, String token) throws Exception {
        List<DataPlane> planes = new ArrayList<>();
        Map<Integer, InetSocketAddress> peers = new HashMap<>();
        for (int worker = 0; worker < n; worker++) {
            DataPlane plane = new DataPlane(token, worker, 1, new InetSocketAddress("127.0.0.1", 0));
            planes.add(plane);
            peers.put(worker, plane.address());
        }
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
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        return planes;
    }
}
