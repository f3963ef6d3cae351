package dev.weir.bench;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * The cost of a derived record serializer ({@link Types#of}) against a hand-written one and Java
 * serialization, on a Nexmark bid: each round writes a batch of records into a reused buffer and
 * reads them back, as a remote channel does. The three run in turns, round after round, so load
 * on the machine hits them alike; prints one JSON line with each one's median records/s.
 */
public final class SerializerBenchmark {

    /** A Nexmark bid, as the queries shuffle it. */
    public record Bid(long auction, long bidder, long price, String channel, String url, long dateTime, String extra)
            implements Serializable {}

    static final class HandWrittenBid implements TypeSerializer<Bid> {
        @Override
        public void serialize(Bid bid, DataOutput out) throws IOException {
            out.writeLong(bid.auction());
            out.writeLong(bid.bidder());
            out.writeLong(bid.price());
            Types.STRING.serialize(bid.channel(), out);
            Types.STRING.serialize(bid.url(), out);
            out.writeLong(bid.dateTime());
            Types.STRING.serialize(bid.extra(), out);
        }

        @Override
        public Bid deserialize(DataInput in) throws IOException {
            return new Bid(in.readLong(), in.readLong(), in.readLong(), Types.STRING.deserialize(in),
                    Types.STRING.deserialize(in), in.readLong(), Types.STRING.deserialize(in));
        }
    }

    private static final int BATCH = 1_000;

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int batchesPerRound = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        List<Bid> bids = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            bids.add(new Bid(1000 + i % 97, 2000 + i % 1013, 100 + i * 7L, i % 3 == 0 ? "Google" : "Apple",
                    "https://www.nexmark.com/item.htm?query=1&channel_id=" + i, 1_700_000_000_000L + i, ""));
        }
        List<String> names = List.of("derived", "hand_written", "java_serialization");
        List<TypeSerializer<Bid>> serializers = List.of(Types.of(Bid.class), new HandWrittenBid(),
                Types.java(SerializerBenchmark.class.getClassLoader()));
        double[][] rates = new double[serializers.size()][rounds];
        for (int warmup = 0; warmup < 3; warmup++) {
            for (TypeSerializer<Bid> serializer : serializers) {
                run(serializer, bids, batchesPerRound / (serializer == serializers.get(2) ? 20 : 1));
            }
        }
        for (int round = 0; round < rounds; round++) {
            for (int s = 0; s < serializers.size(); s++) {
                // Java serialization is ~20x slower: fewer batches keep its rounds as short as the others'.
                int batches = batchesPerRound / (s == 2 ? 20 : 1);
                rates[s][round] = run(serializers.get(s), bids, batches);
            }
        }
        StringBuilder json = new StringBuilder("{\"bench\":\"serializers\",\"record\":\"nexmark-bid\",\"rounds\":")
                .append(rounds).append(",\"batch\":").append(BATCH);
        for (int s = 0; s < serializers.size(); s++) {
            json.append(",\"").append(names.get(s)).append("_records_per_s\":").append(String.format(Locale.ROOT,
                    "%.0f", median(rates[s])));
        }
        json.append(String.format(Locale.ROOT, ",\"derived_vs_hand_written\":%.3f", median(rates[0]) / median(rates[1])));
        System.out.println(json.append('}'));
    }

    /** Writes and reads back {@code batches} batches; returns records per second. */
    private static double run(TypeSerializer<Bid> serializer, List<Bid> bids, int batches) throws IOException {
        DataOutputBuffer out = new DataOutputBuffer(256 * 1024);
        DataInputBuffer in = new DataInputBuffer();
        long check = 0;
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            out.reset();
            for (Bid bid : bids) {
                serializer.serialize(bid, out);
            }
            in.reset(out.array(), 0, out.length());
            for (int i = 0; i < bids.size(); i++) {
                check += serializer.deserialize(in).price();
            }
        }
        long elapsed = System.nanoTime() - start;
        if (check == 42) {
            System.err.println(Arrays.toString(new long[] {check})); // keeps the reads from being optimised away
        }
        return (double) batches * bids.size() / (elapsed / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
