package dev.weir.examples.nexmark;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.ListState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * q3's join, keyed by person id: persons by {@code id}, category-10 auctions by {@code seller}, in
 * one keyed stream. A person is kept forever (the spec allows it), as its name, city and state when
 * it lives in OR, ID or CA and as a bare "seen" mark otherwise. An auction whose seller has not
 * arrived yet (it can overtake its seller when they come from different source subtasks) waits in
 * keyed state until the seller comes; every seller exists, so no waiting auction is left behind and
 * no watermark is needed to drop one.
 */
final class LocalItemSuggestion extends KeyedProcessFunction<Long, LocalItemSuggestion.Input, LocalItemSuggestion.Suggestion> {

    private static final long CATEGORY = 10;

    private ValueState<Seller> sellers;
    private ListState<Long> waiting;

    /** The persons (all) and the category-10 auctions, projected to what the join needs. */
    static void select(NexmarkEvent event, Collector<Input> out) {
        if (event instanceof NexmarkEvent.Person p) {
            out.collect(isLocal(p.state()) ? new PersonInput(p.id(), p.name(), p.city(), p.state())
                    : new PersonInput(p.id(), null, null, null));
        } else if (event instanceof NexmarkEvent.Auction a && a.category() == CATEGORY) {
            out.collect(new AuctionInput(a.id(), a.seller()));
        }
    }

    private static boolean isLocal(String state) {
        return state.equals("OR") || state.equals("ID") || state.equals("CA");
    }

    @Override
    public void open(RuntimeContext context) {
        sellers = context.getState(StateDescriptor.value("seller", Seller.SERIALIZER));
        waiting = context.getState(StateDescriptor.list("waiting-auctions", Types.LONG));
    }

    @Override
    public void processElement(Input value, Context<Long> context, Collector<Suggestion> out) {
        if (value instanceof PersonInput p) {
            Seller seller = new Seller(p.name(), p.city(), p.state());
            sellers.update(seller);
            for (Long auction : waiting.get()) {
                emit(seller, auction, out);
            }
            waiting.clear();
        } else {
            AuctionInput a = (AuctionInput) value;
            Seller seller = sellers.value();
            if (seller == null) {
                waiting.add(a.id());
            } else {
                emit(seller, a.id(), out);
            }
        }
    }

    private static void emit(Seller seller, long auction, Collector<Suggestion> out) {
        if (seller.isLocal()) {
            out.collect(new Suggestion(seller.name(), seller.city(), seller.state(), auction));
        }
    }

    /** What the join receives: a person or an auction, keyed by the person id they concern. */
    sealed interface Input permits PersonInput, AuctionInput {
        long key();

        TypeSerializer<Input> SERIALIZER = new TypeSerializer<>() {
            @Override
            public void serialize(Input value, DataOutput out) throws IOException {
                if (value instanceof PersonInput p) {
                    out.writeByte(0);
                    out.writeLong(p.id());
                    Seller.write(new Seller(p.name(), p.city(), p.state()), out);
                } else {
                    AuctionInput a = (AuctionInput) value;
                    out.writeByte(1);
                    out.writeLong(a.id());
                    out.writeLong(a.seller());
                }
            }

            @Override
            public Input deserialize(DataInput in) throws IOException {
                byte tag = in.readByte();
                if (tag == 0) {
                    long id = in.readLong();
                    Seller s = Seller.read(in);
                    return new PersonInput(id, s.name(), s.city(), s.state());
                }
                if (tag == 1) {
                    return new AuctionInput(in.readLong(), in.readLong());
                }
                throw new IOException("unknown q3 input tag " + tag);
            }
        };
    }

    /** A person; name, city and state are null unless the person lives in OR, ID or CA. */
    record PersonInput(long id, String name, String city, String state) implements Input {
        @Override
        public long key() {
            return id;
        }
    }

    record AuctionInput(long id, long seller) implements Input {
        @Override
        public long key() {
            return seller;
        }
    }

    /** The join's state per person: who they are if local, else only that they exist. */
    record Seller(String name, String city, String state) {
        boolean isLocal() {
            return state != null;
        }

        static final TypeSerializer<Seller> SERIALIZER = new TypeSerializer<>() {
            @Override
            public void serialize(Seller value, DataOutput out) throws IOException {
                write(value, out);
            }

            @Override
            public Seller deserialize(DataInput in) throws IOException {
                return read(in);
            }
        };

        static void write(Seller s, DataOutput out) throws IOException {
            out.writeBoolean(s.isLocal());
            if (s.isLocal()) {
                out.writeUTF(s.name);
                out.writeUTF(s.city);
                out.writeUTF(s.state);
            }
        }

        static Seller read(DataInput in) throws IOException {
            return in.readBoolean() ? new Seller(in.readUTF(), in.readUTF(), in.readUTF()) : new Seller(null, null, null);
        }
    }

    /** q3's row. */
    record Suggestion(String name, String city, String state, long auction) {
        static void row(Suggestion s, RowBuilder row) {
            row.field(s.name).field(s.city).field(s.state).field(s.auction);
        }
    }
}
