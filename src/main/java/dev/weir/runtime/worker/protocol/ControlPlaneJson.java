package dev.weir.runtime.worker.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapping of the control plane, shared by workers and coordinator so both read what the other writes. */
public final class ControlPlaneJson {


    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // A worker image and the operator are upgraded separately: a newer peer may add fields.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // An explicit null id or attempt is a broken peer: fail instead of reading it as 0.
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ControlPlaneJson() {}

    /** Thread-safe; do not reconfigure. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (IOException e) {
            // Only our own records are written; failing here is a programming error.
            throw new IllegalStateException("cannot serialize " + message.getClass().getSimpleName(), e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    public static <T> T read(InputStream json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    /**
     * Builds the serializers and deserializers of every control-plane message now (Jackson
     * introspects a record type on first use, a few hundred milliseconds in a fresh JVM): called
     * on a background thread while a process starts, so the first registration does not wait.
     */
    public static void warmUp() {
        for (Class<?> type : List.of(WorkerRegistration.class, PeerList.class, Heartbeat.class, TaskEvent.class,
                Acknowledge.class, Decline.class, TriggerCheckpoint.class, CheckpointNotification.class, ErrorBody.class,
                WorkerFailure.class, HeartbeatReply.class, SubtaskMetricsReport.class)) {
            MAPPER.writerFor(type);
            MAPPER.readerFor(type);
        }
    }

    /** {@link #warmUp()} on a daemon thread. */
    public static void warmUpInBackground() {
        Thread thread = new Thread(ControlPlaneJson::warmUp, "weir-json-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}
