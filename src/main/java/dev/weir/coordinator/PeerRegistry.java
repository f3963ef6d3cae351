package dev.weir.coordinator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * The workers of one attempt: who registered where, and when each was last heard from. Silence is
 * measured on the coordinator's clock at receipt, never on the workers' timestamps, so clock skew
 * between pods cannot hide or fake a failure.
 */
public final class PeerRegistry {

    private final long attempt;
    private final int parallelism;
    private final Clock clock;
    private final long heartbeatTimeoutMs;
    private final Map<Integer, WorkerRegistration> registered = new TreeMap<>();
    private final Map<Integer, Long> lastSeen = new HashMap<>();
    private final Map<Integer, Long> reportedCheckpointIds = new HashMap<>();

    public PeerRegistry(long attempt, int parallelism, Clock clock, Duration heartbeatTimeout) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        this.attempt = attempt;
        this.parallelism = parallelism;
        this.clock = clock;
        this.heartbeatTimeoutMs = heartbeatTimeout.toMillis();
    }

    public PeerRegistry(long attempt, int parallelism, Clock clock) {
        this(attempt, parallelism, clock, Heartbeats.defaults().timeout());
    }

    public long attempt() {
        return attempt;
    }

    public int parallelism() {
        return parallelism;
    }

    /**
     * Adds a worker; registering again from the same address is a retry and fine.
     *
     * @throws StaleAttemptException          the registration is for another attempt
     * @throws RegistrationConflictException  the index is already taken by another address
     * @throws IllegalArgumentException       the index is outside 0..parallelism-1
     */
    public synchronized PeerList register(WorkerRegistration registration) {
        checkAttempt(registration.attempt());
        int worker = checkIndex(registration.worker());
        WorkerRegistration existing = registered.get(worker);
        if (existing != null && !existing.sameEndpointAs(registration)) {
            throw new RegistrationConflictException("worker " + worker + " of attempt " + attempt
                    + " is already registered at " + describe(existing) + ", not " + describe(registration));
        }
        registered.put(worker, registration);
        lastSeen.put(worker, clock.millis());
        return peers();
    }

    public synchronized boolean isRegistered(int worker) {
        return registered.containsKey(worker);
    }

    /**
     * Workers believed to be running already (after an operator restart, from their pods): they are
     * judged by their heartbeats from now on, so one that died meanwhile is noticed by its silence.
     */
    public synchronized void expectRunning(Set<Integer> workers) {
        long now = clock.millis();
        for (int worker : workers) {
            lastSeen.putIfAbsent(checkIndex(worker), now);
        }
    }

    public synchronized PeerList peers() {
        return new PeerList(attempt, registered.values().stream().toList());
    }

    public synchronized boolean isComplete() {
        return registered.size() == parallelism;
    }

    /** A heartbeat counts even before registration: a coordinator that restarted may not know the worker yet. */
    public synchronized void recordHeartbeat(Heartbeat heartbeat) {
        checkAttempt(heartbeat.attempt());
        int worker = checkIndex(heartbeat.worker());
        lastSeen.put(worker, clock.millis());
        reportedCheckpointIds.merge(worker, heartbeat.highestCheckpointId(), Math::max);
    }

    /** Every worker of the attempt sent at least one heartbeat to this registry. */
    public synchronized boolean allHeartbeated() {
        return reportedCheckpointIds.size() == parallelism;
    }

    /** The highest checkpoint id any worker reported having been triggered with; 0 if none. */
    public synchronized long highestReportedCheckpointId() {
        return reportedCheckpointIds.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Workers heard from at least once but not within the last {@code timeoutMs} before {@code now}. */
    public synchronized Set<Integer> workersSilentSince(long now, long timeoutMs) {
        Set<Integer> silent = new TreeSet<>();
        for (Map.Entry<Integer, Long> e : lastSeen.entrySet()) {
            if (now - e.getValue() > timeoutMs) {
                silent.add(e.getKey());
            }
        }
        return silent;
    }

    /** {@link #workersSilentSince} with the clock's now and the configured heartbeat timeout. */
    public Set<Integer> silentWorkers() {
        return workersSilentSince(clock.millis(), heartbeatTimeoutMs);
    }

    private void checkAttempt(long other) {
        if (other != attempt) {
            throw new StaleAttemptException(other, attempt);
        }
    }

    private int checkIndex(int worker) {
        if (worker < 0 || worker >= parallelism) {
            throw new IllegalArgumentException("worker index " + worker + " outside 0.." + (parallelism - 1));
        }
        return worker;
    }

    private static String describe(WorkerRegistration r) {
        return r.host() + " (control " + r.controlPort() + ", data " + r.dataPort() + ")";
    }
}
