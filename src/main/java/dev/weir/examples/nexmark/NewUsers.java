package dev.weir.examples.nexmark;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.examples.nexmark.NexmarkEvent.Auction;
import dev.weir.examples.nexmark.NexmarkEvent.Person;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * q8, monitor new users, as a window join: persons and auctions keyed by the person's id (the
 * auction's seller) meet in the same tumbling window; a window that saw the person and at least one
 * of their auctions gives one row. Incremental: per person and window only the name and whether an
 * auction came is kept, never the auctions.
 */
final class NewUsers {

    private NewUsers() {}

    /** A person (name set) or one of a person's auctions (name null), keyed by the person's id. */
    record Side(long personId, String name) {
        static final TypeSerializer<Side> SERIALIZER = new TypeSerializer<>() {
            @Override
            public void serialize(Side side, DataOutput out) throws IOException {
                out.writeLong(side.personId);
                out.writeBoolean(side.name != null);
                if (side.name != null) {
                    out.writeUTF(side.name);
                }
            }

            @Override
            public Side deserialize(DataInput in) throws IOException {
                long id = in.readLong();
                return new Side(id, in.readBoolean() ? in.readUTF() : null);
            }

            @Override
            public Side copy(Side side) {
                return side;
            }
        };

        /** Both sides of the join from the one event stream; bids are not part of it. */
        static void select(NexmarkEvent event, Collector<Side> out) {
            if (event instanceof Person p) {
                out.collect(new Side(p.id(), p.name()));
            } else if (event instanceof Auction a) {
                out.collect(new Side(a.seller(), null));
            }
        }
    }

    /** What a window knows of one person: their name if they registered in it, whether they opened an auction. */
    static final class Seen {
        static final TypeSerializer<Seen> SERIALIZER = new TypeSerializer<>() {
            @Override
            public void serialize(Seen seen, DataOutput out) throws IOException {
                out.writeBoolean(seen.auction);
                out.writeBoolean(seen.name != null);
                if (seen.name != null) {
                    out.writeUTF(seen.name);
                }
            }

            @Override
            public Seen deserialize(DataInput in) throws IOException {
                Seen seen = new Seen();
                seen.auction = in.readBoolean();
                seen.name = in.readBoolean() ? in.readUTF() : null;
                return seen;
            }

            @Override
            public Seen copy(Seen seen) {
                Seen copy = new Seen();
                copy.name = seen.name;
                copy.auction = seen.auction;
                return copy;
            }
        };

        String name;
        boolean auction;

        boolean joined() {
            return name != null && auction;
        }
    }

    /** Collects a window's sides of one person. */
    static final class Join implements AggregateFunction<Side, Seen, Seen> {
        @Override
        public Seen createAccumulator() {
            return new Seen();
        }

        @Override
        public Seen add(Side side, Seen seen) {
            if (side.name() != null) {
                seen.name = side.name();
            } else {
                seen.auction = true;
            }
            return seen;
        }

        @Override
        public Seen getResult(Seen seen) {
            return seen;
        }

        /** The later part's name, if it has one, as adding its records after the earlier part's would keep. */
        @Override
        public Seen merge(Seen a, Seen b) {
            if (b.name != null) {
                a.name = b.name;
            }
            a.auction |= b.auction;
            return a;
        }

        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }

    /** q8's row. */
    record NewUser(long windowStart, long id, String name) {
        static void row(NewUser user, RowBuilder row) {
            row.field(user.windowStart).field(user.id).field(user.name);
        }
    }
}
