package dev.weir.examples.nexmark;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The bids at the highest price seen so far (q7): the price and each such bid's (auction, bidder),
 * ties and identical bids included. Small whatever the number of bids: only the ties are kept.
 * Mutable; the aggregation updates it in place.
 */
final class HighestBids {

    static final TypeSerializer<HighestBids> SERIALIZER = new TypeSerializer<>() {
        @Override
        public void serialize(HighestBids value, DataOutput out) throws IOException {
            out.writeLong(value.price);
            out.writeInt(value.size);
            for (int i = 0; i < value.size * 2; i++) {
                out.writeLong(value.pairs[i]);
            }
        }

        @Override
        public HighestBids deserialize(DataInput in) throws IOException {
            HighestBids value = new HighestBids();
            value.price = in.readLong();
            int size = in.readInt();
            if (size < 0) {
                throw new IOException("negative bid count " + size);
            }
            value.pairs = new long[Math.max(2, size * 2)];
            for (int i = 0; i < size * 2; i++) {
                value.pairs[i] = in.readLong();
            }
            value.size = size;
            return value;
        }

        @Override
        public HighestBids copy(HighestBids value) {
            HighestBids copy = new HighestBids();
            copy.price = value.price;
            copy.size = value.size;
            copy.pairs = value.pairs.clone();
            return copy;
        }
    };

    /** No bid yet: below every price (prices are at least 100, spec §1). */
    private long price = Long.MIN_VALUE;
    private long[] pairs = new long[2];
    private int size;

    long price() {
        return price;
    }

    int size() {
        return size;
    }

    long auction(int i) {
        return pairs[2 * i];
    }

    long bidder(int i) {
        return pairs[2 * i + 1];
    }

    void add(long auction, long bidder, long bidPrice) {
        if (bidPrice < price) {
            return;
        }
        if (bidPrice > price) {
            price = bidPrice;
            size = 0;
        }
        if (2 * size == pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[2 * size] = auction;
        pairs[2 * size + 1] = bidder;
        size++;
    }

    HighestBids merge(HighestBids other) {
        for (int i = 0; i < other.size; i++) {
            add(other.auction(i), other.bidder(i), other.price);
        }
        return this;
    }

    /** What q7 keeps of a bid: projected before the shuffle. */
    record PricedBid(long auction, long bidder, long price) {
        static final TypeSerializer<PricedBid> SERIALIZER = new TypeSerializer<>() {
            @Override
            public void serialize(PricedBid bid, DataOutput out) throws IOException {
                out.writeLong(bid.auction);
                out.writeLong(bid.bidder);
                out.writeLong(bid.price);
            }

            @Override
            public PricedBid deserialize(DataInput in) throws IOException {
                return new PricedBid(in.readLong(), in.readLong(), in.readLong());
            }

            @Override
            public PricedBid copy(PricedBid bid) {
                return bid;
            }
        };
    }

    /** The first stage: the highest bids of one auction in one window. */
    static final class Of implements AggregateFunction<PricedBid, HighestBids, HighestBids> {
        @Override
        public HighestBids createAccumulator() {
            return new HighestBids();
        }

        @Override
        public HighestBids add(PricedBid bid, HighestBids accumulator) {
            accumulator.add(bid.auction(), bid.bidder(), bid.price());
            return accumulator;
        }

        @Override
        public HighestBids getResult(HighestBids accumulator) {
            return accumulator;
        }

        @Override
        public HighestBids merge(HighestBids a, HighestBids b) {
            return a.merge(b);
        }

        /** Merging keeps the highest price and appends the other's ties after its own, as adding them would. */
        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }

    /** The second stage: merges the first stage's results. */
    static final class Merged implements AggregateFunction<HighestBids, HighestBids, HighestBids> {
        @Override
        public HighestBids createAccumulator() {
            return new HighestBids();
        }

        @Override
        public HighestBids add(HighestBids value, HighestBids accumulator) {
            return accumulator.merge(value);
        }

        @Override
        public HighestBids getResult(HighestBids accumulator) {
            return accumulator;
        }

        @Override
        public HighestBids merge(HighestBids a, HighestBids b) {
            return a.merge(b);
        }

        /** Merging keeps the highest price and appends the other's ties after its own, as adding them would. */
        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }
}
