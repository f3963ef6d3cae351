package dev.weir.runtime.storage;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * An object store that is still being opened: calls wait for it. Lets a worker open the S3 client
 * (0.6 to 0.9 s of CPU: class loading, TLS set-up) while it registers and connects to its peers;
 * it waits with {@link #awaitOpen} before its tasks start.
 */
public final class DeferredObjectStore implements ObjectStore {

    private final CompletableFuture<? extends ObjectStore> opening;
    private final String description;

    public DeferredObjectStore(CompletableFuture<? extends ObjectStore> opening, String description) {
        this.opening = opening;
        this.description = description;
    }

    /**
     * Waits until the store is open or its opening failed; a failure surfaces at the first call,
     * as a checkpoint the store cannot take.
     */
    public void awaitOpen() throws InterruptedException {
        try {
            opening.get();
        } catch (ExecutionException e) {
            // reported by the first call that needs the store
        }
    }

    private ObjectStore store() throws IOException {
        try {
            return opening.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + description, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("cannot open " + description + ": " + cause, cause);
        }
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
        store().put(key, data);
    }

    @Override
    public void put(String key, byte[] data, int length) throws IOException {
        store().put(key, data, length);
    }

    @Override
    public void put(String key, java.nio.file.Path file) throws IOException {
        store().put(key, file);
    }

    @Override
    public byte[] get(String key) throws IOException {
        return store().get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
        return store().getRange(key, offset, length);
    }

    @Override
    public long size(String key) throws IOException {
        return store().size(key);
    }

    @Override
    public boolean exists(String key) throws IOException {
        return store().exists(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        return store().list(prefix);
    }

    @Override
    public List<String> listForCleanup(String prefix) throws IOException {
        return store().listForCleanup(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        store().delete(key);
    }

    @Override
    public void deleteAll(String prefix) throws IOException {
        store().deleteAll(prefix);
    }

    /** Waits for the store: locations are built from the real store's description. */
    @Override
    public String describe() {
        try {
            return store().describe();
        } catch (IOException e) {
            return description;
        }
    }

    @Override
    public void close() {
        opening.thenAccept(ObjectStore::close);
    }
}
