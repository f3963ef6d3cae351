package dev.weir.runtime.network.remote;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * How many connections may be in their handshake at once, in all and per remote address. Anyone
 * who can reach the data port can open connections that never speak; bounded slots, each held at
 * most a short handshake timeout, keep such connections from piling up, and the limit per address
 * keeps one source from taking the slots a peer needs.
 */
final class HandshakeSlots {

    private final int total;
    private final int perAddress;
    private final Map<InetAddress, Integer> held = new HashMap<>();
    private int inUse;

    HandshakeSlots(int total, int perAddress) {
        if (perAddress < 1 || total < perAddress) {
            throw new IllegalArgumentException("need 1 <= perAddress <= total, got " + perAddress + " and " + total);
        }
        this.total = total;
        this.perAddress = perAddress;
    }

    /** Takes a slot for a connection from {@code address}, or returns false if none is free for it. */
    synchronized boolean tryAcquire(InetAddress address) {
        int fromAddress = held.getOrDefault(address, 0);
        if (inUse >= total || fromAddress >= perAddress) {
            return false;
        }
        held.put(address, fromAddress + 1);
        inUse++;
        return true;
    }

    synchronized void release(InetAddress address) {
        int fromAddress = held.getOrDefault(address, 0);
        if (fromAddress <= 1) {
            held.remove(address);
        } else {
            held.put(address, fromAddress - 1);
        }
        inUse--;
    }

    synchronized int inUse() {
        return inUse;
    }
}
