package dev.weir.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays kube-proxy for one Service in the mock API server: each new connection goes to the pod
 * IP of a Running pod matching the selector (one label), on the target port, as a ClusterIP
 * Service's endpoints would route it; with no such pod, the connection is closed at once.
 * Connections already open stay with their pod, as with kube-proxy.
 */
final class ServiceProxy implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final String selectorKey;
    private final String selectorValue;
    private final int targetPort;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "service-proxy");
        t.setDaemon(true);
        return t;
    });

    ServiceProxy(KubernetesClient client, String namespace, String selectorKey, String selectorValue, int targetPort)
            throws IOException {
        this.client = client;
        this.namespace = namespace;
        this.selectorKey = selectorKey;
        this.selectorValue = selectorValue;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** The Service's address, as workers are given it. */
    String url() {
        return "http://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket downstream = listener.accept();
                threads.execute(() -> forward(downstream));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void forward(Socket downstream) {
        List<Pod> endpoints = client.pods().inNamespace(namespace).withLabel(selectorKey, selectorValue).list().getItems()
                .stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).toList();
        if (endpoints.isEmpty()) {
            closeQuietly(downstream);
            return;
        }
        String ip = endpoints.get(0).getStatus().getPodIP();
        try {
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(ip, targetPort), 1_000);
            threads.execute(() -> pipe(downstream, upstream));
            pipe(upstream, downstream);
        } catch (IOException e) {
            closeQuietly(downstream);
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
