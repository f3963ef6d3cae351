package dev.weir.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Connections an attacker (or a broken client) holds open against a control or data port: silent
 * ones, and HTTP requests whose headers never end. They come from their own loopback address, as
 * another pod's would from its own IP, so limits per peer apply to them and not to the real peers.
 * Everything is closed by {@link #close()}.
 */
public final class HostileClients implements AutoCloseable {

    public static final String ATTACKER_ADDRESS = "127.0.0.66";

    private final String address;
    private final List<Socket> sockets = new ArrayList<>();

    /** Connections from {@link #ATTACKER_ADDRESS}. */
    public HostileClients() {
        this(ATTACKER_ADDRESS);
    }

    /** Connections from {@code address}, a loopback address of this machine (127.0.0.0/8). */
    public HostileClients(String address) {
        this.address = address;
    }

    /** Opens {@code count} connections that send nothing. */
    public synchronized List<Socket> silent(InetSocketAddress target, int count) throws IOException {
        List<Socket> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opened.add(open(target));
        }
        return opened;
    }

    /**
     * Opens {@code count} connections that each send the start of an HTTP request (request line and
     * one header, never the blank line that ends the headers) and then wait.
     */
    public synchronized List<Socket> halfSentRequests(InetSocketAddress target, String path, int count)
            throws IOException {
        List<Socket> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = open(target);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + target.getHostString() + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            opened.add(socket);
        }
        return opened;
    }

    private Socket open(InetSocketAddress target) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(target, 5_000);
        return socket;
    }

    /**
     * Opens a connection that sends {@code bytes} (e.g. a frame header announcing a large frame)
     * and then waits; the server may close it before all is written.
     */
    public synchronized Socket sending(InetSocketAddress target, byte[] bytes) throws IOException {
        Socket socket = open(target);
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException closedOnUs) {
            // refused before the end: what a hardened server does
        }
        return socket;
    }

    /**
     * Whether the server ended the connection (EOF or reset) within {@code timeoutMillis}; what it
     * sent before (an error response) is skipped.
     */
    public static boolean closedByServer(Socket socket, int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) != -1) {
                // skip the answer
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public synchronized void close() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing test sockets is best effort
            }
        }
        sockets.clear();
    }
}
