package dev.weir.connectors.kafka;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * A pre-committed Kafka transaction as it goes into the checkpoint: enough for a new producer to
 * commit it after a crash ({@link ResumableProducer#resume}).
 */
record KafkaTransaction(String transactionalId, long producerId, short epoch) {

    static final TypeSerializer<KafkaTransaction> SERIALIZER = new TypeSerializer<>() {
        @Override
        public void serialize(KafkaTransaction value, DataOutput out) throws IOException {
            out.writeUTF(value.transactionalId());
            out.writeLong(value.producerId());
            out.writeShort(value.epoch());
        }

        @Override
        public KafkaTransaction deserialize(DataInput in) throws IOException {
            return new KafkaTransaction(in.readUTF(), in.readLong(), in.readShort());
        }
    };
}
