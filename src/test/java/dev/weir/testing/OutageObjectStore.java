package dev.weir.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;

import dev.weir.runtime.storage.ObjectStore;

/**
 * An object store that can be taken down and brought back: while down, every call fails as a
 * client's does when its server is gone, and counts the calls it refused.
 */
public final class OutageObjectStore implements ObjectStore {

    private final ObjectStore store;
    private volatile boolean down;
    private volatile int refused;

    public OutageObjectStore(ObjectStore store) {
        this.store = store;
    }

    public void down() {
        down = true;
    }

    public void up() {
        down = false;
    }

    /** Calls refused while down. */
    public int refused() {
        return refused;
    }

    private void check(String operation) throws IOException {
        if (down) {
            refused++;
            throw new IOException(operation + " of " + describe() + " failed",
                    new ConnectException("Connection refused (test outage)"));
        }
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
        check("put");
        store.put(key, data);
    }

    @Override
    public byte[] get(String key) throws IOException {
        check("get");
        return store.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
        check("get");
        return store.getRange(key, offset, length);
    }

    @Override
    public boolean exists(String key) throws IOException {
        check("stat");
        return store.exists(key);
    }

    @Override
    public long size(String key) throws IOException {
        check("stat");
        return store.size(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        check("list");
        return store.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        check("delete");
        store.delete(key);
    }

    @Override
    public void deleteAll(String prefix) throws IOException {
        check("delete");
        store.deleteAll(prefix);
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }
}
