package dev.weir.connectors.kafka;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Sends as records arrive and flushes at every barrier, so a completed checkpoint's output is
 * acknowledged by the brokers. No state: after a restore the replayed records are sent again.
 */
final class AtLeastOnceKafkaWriter<T> implements SinkWriter<T> {

    private static final byte[] NO_STATE = new byte[0];

    private final KafkaSink<T> sink;
    private final KafkaProducer<byte[], byte[]> producer;
    /** The first failed send; the producer's I/O thread sets it, the task thread throws it. */
    private final AtomicReference<Exception> sendError = new AtomicReference<>();
    private final Callback callback = (metadata, error) -> {
        if (error != null) {
            sendError.compareAndSet(null, error);
        }
    };

    AtLeastOnceKafkaWriter(KafkaSink<T> sink, SinkContext context) {
        this.sink = sink;
        this.producer = new KafkaProducer<>(sink.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void write(T record) throws Exception {
        checkSendError();
        try {
            producer.send(sink.serializer.apply(record), callback);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public byte[] snapshotState(long checkpointId) throws Exception {
        producer.flush();
        checkSendError();
        return NO_STATE;
    }

    /** Sends what is still buffered, for up to 5 s, also on a canceled task's thread ({@link InterruptDeferral}). */
    @Override
    public void close() throws Exception {
        InterruptDeferral.close(canceled -> producer.close(Duration.ofSeconds(5)));
    }

    private void checkSendError() {
        Exception error = sendError.get();
        if (error != null) {
            throw translate(error);
        }
    }

    private RuntimeException translate(Exception e) {
        if (KafkaFailures.isTimeout(e)) {
            return KafkaFailures.unreachable(sink.describe(), sink.bootstrapServers, "max.block.ms", sink.maxBlockMs(), e);
        }
        return new IllegalStateException(sink.describe() + ": sending to Kafka failed", e);
    }
}
